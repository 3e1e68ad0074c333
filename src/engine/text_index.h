// The engine's text machinery: tokenization, markdown chunking along headings, a BM25 index over the chunks, and a
// naive Bayes intent router trained from labeled examples. Internal to src/engine; the public face is engine.h.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/engine.h"

namespace oai::engine {

// Lower-cases ASCII and splits on anything that is not a letter or digit. Bytes >= 0x80 (UTF-8 sequences) count as
// letters, so "München" stays one token. Stop words are kept: BM25's idf already discounts them.
std::vector<std::string> Tokenize(std::string_view text);
// Whole-word features for routing: unigrams plus adjacent bigrams ("annual plan").
std::vector<std::string> RouterFeatures(std::string_view text);
// Splits prose into sentences on ". ", "? ", "! " and line breaks; markdown markers (#, -, *, |) are trimmed.
std::vector<std::string> SplitSentences(std::string_view text);

struct Chunk {
  std::int64_t id = 0;       // position in the corpus, stable for a given set of documents
  std::string document;      // "billing/pricing-plans.md"
  std::string domain;        // first folder of the path: billing, technical, policy, general
  std::string title;         // the document's first heading
  std::string headingPath;   // "Pricing plans > Annual billing"
  std::string text;          // the section's prose
  std::size_t start = 0;     // byte offsets of the section in the document
  std::size_t end = 0;
};

inline constexpr std::size_t kMaxChunkBytes = 1200;

// Splits one markdown document into chunks at headings; sections longer than kMaxChunkBytes are split at paragraph
// boundaries. Returns no chunks (and sets *problem) for an empty document or one with no prose.
std::vector<Chunk> ChunkMarkdown(const SourceDocument& doc, std::string* problem);

struct SearchHit {
  std::size_t chunk = 0;  // index into the corpus
  double bm25 = 0.0;
  double similarity = 0.0;  // bm25 / (bm25 + kSimilarityHalf): 0..1, 0.5 at kSimilarityHalf
};

inline constexpr double kSimilarityHalf = 6.0;

// Okapi BM25 (k1 = 1.2, b = 0.75) over the chunks' heading path and text.
class Bm25Index {
 public:
  void Build(const std::vector<Chunk>& chunks);
  // Top k chunks whose domain is in `domains` (all when empty), best first; ties broken by chunk id.
  std::vector<SearchHit> Search(const std::vector<std::string>& queryTerms, std::size_t k,
                                const std::vector<std::string>& domains) const;
  std::size_t Size() const { return m_docLength.size(); }

 private:
  struct Posting {
    std::uint32_t chunk;
    std::uint32_t tf;
  };
  std::unordered_map<std::string, std::vector<Posting>> m_postings;
  std::vector<std::uint32_t> m_docLength;
  std::vector<std::string> m_domain;
  double m_avgLength = 1.0;
};

struct IntentScore {
  std::string intent;
  double probability = 0.0;
};
struct RouteDecision {
  std::vector<IntentScore> ranked;                        // all intents, most probable first
  std::vector<std::pair<std::string, double>> reasons;    // features that pushed the winner most (log-odds)
};

// Multinomial naive Bayes over whole-word features with Laplace smoothing; probabilities from the posterior.
class IntentRouter {
 public:
  // `tsv`: a header line, then "intent<TAB>text" lines. Throws std::invalid_argument on a malformed file.
  void Train(const std::string& tsv);
  RouteDecision Classify(std::string_view text) const;
  std::size_t ExampleCount() const { return m_examples; }

 private:
  std::vector<std::string> m_intents;
  std::vector<double> m_logPrior;
  std::vector<std::unordered_map<std::string, double>> m_featureCounts;
  std::vector<double> m_totalCounts;
  std::unordered_map<std::string, int> m_vocabulary;
  std::size_t m_examples = 0;
};

}  // namespace oai::engine
