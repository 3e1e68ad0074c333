// The composition step of a turn: the answer written from the retrieved passages, extractively (default, offline,
// deterministic) or by an LLM when one is configured. Both report what they cited and what the step cost; the
// engine puts that into the turn's documents log.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/llm.h"
#include "engine/retrieval.h"
#include "engine/turn.h"

namespace oai::engine {

inline constexpr std::size_t kContextChunks = 3;
inline constexpr std::size_t kMaxAnswerSentences = 4;

struct Composition {
  std::string answer;               // with citation markers [1], [2], ... numbered by `cited`
  std::vector<std::size_t> cited;   // indexes into the hits, in citation order
  DocumentsData step;               // the composition's part of the documents log (citations are added by the engine)
};

// The sentences of the top passages that share the most content words with the question, in reading order, each
// followed by its passage's citation number. Streams each sentence as it is chosen.
Composition ComposeExtractive(Turn& turn, const Corpus& corpus, const std::vector<SearchHit>& hits);

// The LLM path: the numbered passages and the recent conversation go to the model, whose tokens stream out as they
// come. On failure returns an empty answer and sets *error (the caller falls back to the extractive answer).
Composition ComposeWithLlm(Turn& turn, const Corpus& corpus, const std::vector<SearchHit>& hits, LlmClient& llm,
                           std::string* error);

// A citation marker "[n]" in generated text: where it is and which number it names.
struct CitationMark {
  std::size_t begin = 0;  // offset of '['
  std::size_t end = 0;    // offset after ']'
  std::size_t number = 0;
};
// Every "[n]" (n of one to three digits, n >= 1) in `text`, in order.
std::vector<CitationMark> FindCitationMarks(std::string_view text);

}  // namespace oai::engine
