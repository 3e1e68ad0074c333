// LLM composition and the one citation-marker parser (see compose.h).
#include <algorithm>

#include "engine/compose.h"

namespace oai::engine {

std::vector<CitationMark> FindCitationMarks(std::string_view text) {
  std::vector<CitationMark> marks;
  for (std::size_t pos = text.find('['); pos != std::string_view::npos; pos = text.find('[', pos + 1)) {
    const std::size_t close = text.find(']', pos);
    if (close == std::string_view::npos || close - pos < 2 || close - pos > 4) continue;
    const std::string_view digits = text.substr(pos + 1, close - pos - 1);
    if (digits.find_first_not_of("0123456789") != std::string_view::npos) continue;
    std::size_t n = 0;
    for (char d : digits) n = n * 10 + static_cast<std::size_t>(d - '0');
    if (n >= 1) marks.push_back({pos, close + 1, n});
  }
  return marks;
}

Composition ComposeWithLlm(Turn& turn, const Corpus& corpus, const std::vector<SearchHit>& hits, LlmClient& llm,
                           std::string* error) {
  const auto start = Clock::now();
  Composition out;
  LlmRequest request;
  request.model = llm.Model();
  std::string context;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const Chunk& c = corpus.chunks[hits[i].chunk];
    context += "[" + std::to_string(i + 1) + "] " + c.document + " — " + c.headingPath + "\n" + c.text + "\n\n";
  }
  request.messages.push_back(
      {"system",
       "You are a customer-support assistant for Nimbus Desk. Answer only from the numbered passages below. Cite "
       "every fact with its passage number in brackets, like [1]. If the passages do not contain the answer, say "
       "so.\n\nPassages:\n" + context});
  std::vector<const Message*> recent;
  for (auto it = turn.input.history.rbegin();
       it != turn.input.history.rend() && recent.size() < kHistoryTurnsForLlm * 2; ++it) {
    recent.push_back(&*it);
  }
  for (auto it = recent.rbegin(); it != recent.rend(); ++it) {
    request.messages.push_back({(*it)->role == MessageRole::User ? "user" : "assistant", (*it)->content});
  }
  request.messages.push_back({"user", turn.input.question});

  std::size_t streamed = 0;
  LlmResult result = llm.Complete(request, [&](const std::string& piece) {
    streamed += piece.size();
    turn.Chunk(piece);
  });
  if (!result.ok || result.text.empty()) {
    *error = result.ok ? "empty answer" : result.error;
    if (streamed > 0) *error += " (after " + std::to_string(streamed) + " bytes had streamed)";
    return {};
  }
  std::int64_t estimatedPrompt = 0;
  for (const auto& m : request.messages) estimatedPrompt += EstimateTokens(m.content);

  // Citations: the passages the model actually cited, in order of first mention, renumbered so that the documents log
  // lists exactly what was cited ("[3]" mentioned first becomes [1]). Numbers naming no passage are left as written.
  const std::vector<CitationMark> marks = FindCitationMarks(result.text);
  for (const CitationMark& m : marks) {
    if (m.number <= hits.size() && std::find(out.cited.begin(), out.cited.end(), m.number - 1) == out.cited.end()) {
      out.cited.push_back(m.number - 1);
    }
  }
  std::size_t copied = 0;
  for (const CitationMark& m : marks) {
    auto it = std::find(out.cited.begin(), out.cited.end(), m.number - 1);
    if (m.number > hits.size() || it == out.cited.end()) continue;
    out.answer.append(result.text, copied, m.begin - copied);
    out.answer += "[" + std::to_string(it - out.cited.begin() + 1) + "]";
    copied = m.end;
  }
  out.answer.append(result.text, copied, std::string::npos);

  DocumentsData& step = out.step;
  step.composer = "llm";
  step.model = llm.Model();
  step.endpoint = llm.Endpoint();
  step.prompt_tokens = result.usageReported ? result.promptTokens : estimatedPrompt;
  step.completion_tokens = result.usageReported ? result.completionTokens : EstimateTokens(result.text);
  step.tokens_estimated = !result.usageReported;
  if (step.tokens_estimated) step.estimator = kTokenEstimator;
  step.history_messages = static_cast<std::int64_t>(recent.size());
  step.cost = turn.Account(step.model, step.prompt_tokens, step.completion_tokens, &step.warnings);
  step.latency_ms = MsSince(start);
  return out;
}

}  // namespace oai::engine
