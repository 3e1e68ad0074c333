// Extractive composition (see compose.h): never more than it found, never anything it did not find.
#include <algorithm>
#include <set>

#include "engine/compose.h"
#include "engine/text.h"
#include "model/agents.h"

namespace oai::engine {

Composition ComposeExtractive(Turn& turn, const Corpus& corpus, const std::vector<SearchHit>& hits) {
  const auto start = Clock::now();
  Composition out;
  const std::vector<std::string> terms = ContentTerms(turn.input.question);
  std::set<std::string> querySet(terms.begin(), terms.end());
  struct Candidate {
    double score;
    std::size_t hit;
    std::size_t order;
    std::string sentence;
  };
  std::vector<Candidate> candidates;
  std::size_t order = 0;
  std::int64_t contextTokens = EstimateTokens(turn.input.question);
  for (std::size_t h = 0; h < hits.size(); ++h) {
    const Chunk& c = corpus.chunks[hits[h].chunk];
    contextTokens += EstimateTokens(c.text);
    // Words of the section's heading count for every sentence under it, at half weight: the rows of a table
    // under "Limits per plan" answer a question about limits without repeating the word.
    std::set<std::string> headingShared;
    for (const auto& t : Tokenize(c.headingPath)) {
      if (querySet.count(t)) headingShared.insert(t);
    }
    for (const auto& s : SplitSentences(c.text)) {
      std::set<std::string> shared;
      for (const auto& t : Tokenize(s)) {
        if (querySet.count(t)) shared.insert(t);
      }
      if (shared.empty() || s.size() < 12) continue;
      // Rarer shared words and better-ranked chunks count more; very long sentences a little less.
      double weight = 0;
      for (const auto& w : shared) weight += w.size() > 3 ? 1.0 : 0.5;
      for (const auto& w : headingShared) weight += shared.count(w) ? 0.0 : (w.size() > 3 ? 0.5 : 0.25);
      const double lengthPenalty = s.size() > 300 ? 0.8 : 1.0;
      candidates.push_back({weight * (0.5 + hits[h].similarity) * lengthPenalty, h, order++, s});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  if (candidates.size() > kMaxAnswerSentences) candidates.resize(kMaxAnswerSentences);
  // Sentences far weaker than the best one are about something else: leave them out rather than pad the answer.
  while (candidates.size() > 1 && candidates.back().score < 0.5 * candidates.front().score) candidates.pop_back();
  if (candidates.empty()) {
    const auto first = SplitSentences(corpus.chunks[hits[0].chunk].text);
    if (!first.empty()) candidates.push_back({0, 0, 0, first.front()});
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.hit != b.hit ? a.hit < b.hit : a.order < b.order;
  });
  for (const Candidate& c : candidates) {
    auto it = std::find(out.cited.begin(), out.cited.end(), c.hit);
    const std::size_t n = static_cast<std::size_t>(it - out.cited.begin()) + 1;
    if (it == out.cited.end()) out.cited.push_back(c.hit);
    std::string s = c.sentence;
    const char last = s.back();
    if (last == '.' || last == '?' || last == '!' || last == ':' || last == ';') s.pop_back();
    const std::string piece =
        s + " [" + std::to_string(n) + "]" + (last == '?' || last == '!' ? std::string(1, last) : ".");
    turn.Chunk((out.answer.empty() ? "" : " ") + piece);
    out.answer += (out.answer.empty() ? "" : " ") + piece;
  }
  DocumentsData& step = out.step;
  step.composer = "extractive";
  step.model = kExtractiveModel;
  step.prompt_tokens = contextTokens;
  step.completion_tokens = EstimateTokens(out.answer);
  step.tokens_estimated = true;
  step.estimator = kTokenEstimator;
  step.sentences = static_cast<std::int64_t>(candidates.size());
  step.cost = turn.Account(step.model, step.prompt_tokens, step.completion_tokens, &step.warnings);
  step.latency_ms = MsSince(start);
  return out;
}

}  // namespace oai::engine
