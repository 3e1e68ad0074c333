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

inline constexpr std::size_t kContextChunks = 4;
inline constexpr std::size_t kMaxAnswerPassages = 4;  // the lead and up to three more from its section
inline constexpr std::size_t kMaxSteps = 10;          // numbered steps of a "how do I" answer

// What kind of answer a question asks for, from its opening words: the answer leads with a passage that has it.
enum class QuestionType { Amount, Duration, YesNo, Steps, Name, Definition, Place, List, Other };
QuestionType ClassifyQuestion(std::string_view question);

// The question's words with their weight in choosing passages: each content word's idf, and the indexed forms it was
// expanded to (typos, inflections) at the expansion's similarity.
struct QueryWords {
  std::vector<std::pair<std::string, double>> words;  // (indexed form, weight)
  std::vector<std::string> asked;                     // the question's own content words
  std::vector<std::string> context;                   // of those, the ones only the earlier question has (a follow-up)
  double total = 0.0;                                 // sum of the asked words' weights
};
// `asked`: the turn's own question when `question` is a follow-up read with the one before ("what about enterprise?"
// + "What's the rate limit on Starter?"): the words only the earlier question has weigh kContextWordWeight as much,
// so the answer is about what is asked now, in the earlier question's context.
QueryWords WeighQuery(std::string_view question, const std::vector<TermExpansion>& expansions, const LexicalIndex& index,
                      std::string_view asked = {});
inline constexpr double kContextWordWeight = 0.6;

struct Composition {
  std::string answer;               // with citation markers [1], [2], ... numbered by `cited`
  std::vector<std::size_t> cited;   // indexes into the hits, in citation order
  DocumentsData step;               // the composition's part of the documents log (citations are added by the engine)
  std::vector<std::string> pieces;  // the answer in the pieces to stream (extractive: a passage each)
  double evidence = 0.0;            // extractive: the share of the question's words (by weight) the lead covers
};

// The answer to the question asked, from the retrieved sections: led by the passage (sentence, list item, table row)
// that best covers the question and holds what its type asks for, then the passages of the same section that add to
// it; "Yes"/"No" first when that passage says so; numbered steps for "how do I"; a second section only for words of
// the question the first does not cover. Each passage is followed by its citation number. The caller streams the
// pieces once it has decided to answer (see kAbstainBelow).
Composition ComposeExtractive(Turn& turn, const Corpus& corpus, const std::vector<SearchHit>& hits,
                              const QueryWords& query);

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
