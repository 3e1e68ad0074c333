// libFuzzer target: markdown chunking, tokenization and sentence splitting must never crash or hang, and chunks must
// stay inside the document, within the size cap, on whole UTF-8 characters.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/chunking.h"
#include "engine/text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  oai::engine::SourceDocument doc{"billing/fuzz.md", std::string(reinterpret_cast<const char*>(data), size)};
  std::string problem;
  const auto chunks = oai::engine::ChunkMarkdown(doc, &problem);
  if (chunks.empty() && problem.empty()) __builtin_trap();
  for (const auto& c : chunks) {
    if (c.start > c.end || c.end > doc.text.size() || c.text.size() > oai::engine::kMaxChunkBytes) __builtin_trap();
    if (!oai::engine::IsValidUtf8Text(c.text)) __builtin_trap();
    (void)oai::engine::SplitSentences(c.text);
  }
  (void)oai::engine::Tokenize(doc.text);
  return 0;
}
