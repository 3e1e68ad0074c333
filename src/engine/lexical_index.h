// Retrieval: Okapi BM25 over the chunks, fused with a character-trigram signal that expands each query term to the
// indexed words it resembles ("refnud" → "refund", "plans" → "plan"), so typos and word forms still find their chunk.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/chunking.h"
#include "model/model.h"  // TermExpansion, as the search log reports it

namespace oai::engine {

struct SearchHit {
  std::size_t chunk = 0;     // index into the corpus
  double score = 0.0;        // fused score: BM25 of the query terms + similarity-weighted BM25 of their expansions
  double similarity = 0.0;   // score / (score + kSimilarityHalf): 0..1, 0.5 at kSimilarityHalf, same for same input
};

inline constexpr double kSimilarityHalf = 6.0;
inline constexpr double kPreferredDomainBoost = 1.6;
inline constexpr double kCoverageWeight = 1.0;  // score × (1 − w + w × covered idf share)
inline constexpr double kExpansionMinSimilarity = 0.6;    // word forms of a known word
inline constexpr double kUnknownTermMinSimilarity = 0.45;  // a word the index has never seen: likely a typo
inline constexpr double kExpansionWeight = 0.8;           // an expansion counts a little less than the word itself

class LexicalIndex {
 public:
  void Build(const std::vector<Chunk>& chunks);
  struct Result {
    std::vector<SearchHit> hits;  // best first; ties broken by chunk order
    std::vector<TermExpansion> expansions;
  };
  // Top k chunks whose domain is in `domains` (all when empty); chunks of a `preferred` domain score
  // kPreferredDomainBoost times more (a prior, not a filter). A chunk's score grows with the share of the query's
  // distinct words (by idf) it contains, so one frequent word repeated in a heading does not beat the distinctive
  // ones together.
  // `synonyms` are more forms of query words (a customer's word → the documents' word), scored like the index's own
  // expansions at their similarity.
  Result Search(const std::vector<std::string>& queryTerms, std::size_t k, const std::vector<std::string>& domains,
                const std::vector<std::string>& preferred = {},
                const std::vector<TermExpansion>& synonyms = {}) const;
  std::size_t Size() const { return m_docLength.size(); }
  // BM25's inverse document frequency of an indexed word; 0 for a word the index does not have.
  double Idf(const std::string& term) const;
  // The idf of a word found in one chunk: the rarest possible.
  double MaxIdf() const;
  std::size_t VocabularySize() const { return m_terms.size(); }
  // Approximate heap bytes held by the index (postings, trigram table, vocabulary).
  std::size_t MemoryBytes() const;

 private:
  struct Posting {
    std::uint32_t chunk;
    float weight;  // BM25's term-frequency factor tf·(k1+1)/(tf+k1·(1−b+b·len/avg)) (the raw tf while building)
  };
  std::uint8_t DomainId(const std::string& domain);
  std::vector<TermExpansion> Expand(const std::string& term) const;
  // Per-query scratch, by chunk, reused by the thread's queries. `value` and `covered` stay all zero between queries
  // but for the first `count` chunks of `touched` (each chunk listed once, when its score leaves 0: every addition is
  // positive), which the query resets when done. `word[c]` is the number of the query word that last added to chunk
  // c's coverage (numbers grow across the thread's queries, so it is never reset but when the count wraps).
  struct Scores {
    std::vector<double> value;           // BM25, then fused
    std::vector<double> covered;         // the idf of the query's words the chunk holds, each word through its best form
    std::vector<std::uint32_t> word;
    std::vector<std::uint32_t> touched;  // sized to the chunks: no capacity check per chunk
    std::size_t count = 0;
    std::uint32_t currentWord = 0;
  };
  // Adds a word form's BM25 contribution (weight × idf × the posting's factor) to `scores`. With `coverage`, also
  // counts weight × idf towards each chunk's coverage, once per query word: the word's forms come in decreasing
  // weight × idf, so the first form found in a chunk is the word's best there.
  void AddTermScores(std::uint32_t termId, double factor, Scores& scores, bool coverage) const;
  // A stop word's BM25 contribution to the chunks already scored, and to no other.
  void AddToTouched(std::uint32_t termId, Scores& scores) const;
  double IdfOf(std::uint32_t termId) const;

  std::unordered_map<std::string, std::uint32_t> m_termIds;
  std::vector<std::string> m_terms;
  std::vector<std::vector<Posting>> m_postings;                         // by term id
  // Trigram (TrigramCodes) → the terms that have it, fewest trigrams first: a word's look-alikes (Expand) are found
  // among terms of a similar length only, by binary search, not by counting every term that shares a trigram.
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> m_trigrams;
  std::vector<std::uint32_t> m_termTrigramCount;
  std::vector<std::uint32_t> m_docLength;
  std::vector<std::uint8_t> m_domain;  // by chunk: index into m_domainNames
  std::vector<std::string> m_domainNames;
  double m_avgLength = 1.0;
  // The expansions of an indexed word depend only on the index, so each is worked out once, on first use (otherwise
  // about a sixth of a chat turn's instructions). Words the index has never seen are not kept: there is no end to them.
  struct ExpansionMemo {
    std::shared_mutex mutex;
    std::unordered_map<std::uint32_t, std::vector<TermExpansion>> byTerm;
  };
  std::unique_ptr<ExpansionMemo> m_expansionMemo = std::make_unique<ExpansionMemo>();
};


}  // namespace oai::engine
