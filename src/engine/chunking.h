// Markdown documents into retrievable chunks along headings, each remembering where it came from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/document.h"

namespace oai::engine {

struct Chunk {
  std::int64_t id = 0;       // 1-based position in the corpus, stable for a given set of documents
  std::string document;      // "billing/pricing-plans.md"
  std::string domain;        // first folder of the path: billing, technical, policy, general
  std::string title;         // the document's first heading
  std::string headingPath;   // "Pricing plans > Annual billing"
  std::string text;          // the section's markdown
  std::size_t start = 0;     // byte offsets of `text`'s section in the document
  std::size_t end = 0;
};

inline constexpr std::size_t kMaxChunkBytes = 1200;

// Splits one markdown document at headings; sections longer than kMaxChunkBytes are split at blank lines (or
// spaces). Returns no chunks and sets *problem for an empty document, one with no prose, or one that is not UTF-8
// text.
std::vector<Chunk> ChunkMarkdown(const SourceDocument& doc, std::string* problem);

}  // namespace oai::engine
