// The retrieval steps of a turn: the response cache (Pure CAG agents look there first) and the search of the
// knowledge base, one search per specialist, merged by chunk. Each step is logged as it finishes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>
#include <string>
#include <vector>

#include "engine/chunking.h"
#include "engine/lexical_index.h"
#include "engine/response_cache.h"
#include "engine/routing.h"
#include "engine/synonyms.h"
#include "engine/text.h"
#include "engine/turn.h"

namespace oai::engine {

inline constexpr std::size_t kTopK = 5;
inline constexpr std::size_t kRerankPool = 20;  // chunks re-ranked by phrase and proximity before the top k
inline constexpr double kPhraseWeight = 1.0;    // score × (1 + w × share of the question's phrases the chunk holds)
// A phrase's words must both be rarer than this idf (in fewer than about a fifth of the chunks). Fitted on the dev split
// with kPhraseWeight: source 0.835 → 0.850, follow-ups 9 → 11 of 13, facts unchanged.
inline constexpr double kPhraseMinIdf = 1.6;
inline constexpr double kSynonymWeight = 0.9;  // a synonym counts nearly as much as the customer's own word

// A chunk as the extractive composer reads it: its passages, each passage's words, and the words of its heading path.
struct ChunkReading {
  std::vector<Passage> passages;
  std::vector<std::vector<std::string>> words;  // Tokenize(passages[i].text)
  std::set<std::string, std::less<>> heading;   // Tokenize(headingPath), looked up by string_view
};
// Readings worked out when the knowledge base is loaded, for a base of up to this many chunks (the shipped one has
// about 300); a larger one has its chunks read when first retrieved, the first this many kept.
inline constexpr std::size_t kKeptReadings = 4096;

// The knowledge base as the engine searches it: the chunks and their index.
struct Corpus {
  std::vector<Chunk> chunks;
  LexicalIndex index;
  Synonyms synonyms;

  // A hit as the contract's DocumentChunk: a snippet of the chunk with where it comes from.
  DocumentChunk ToDocumentChunk(const SearchHit& hit) const;

  // For phrase and proximity matching: each chunk's words in reading order (heading path, then its passages as the
  // customer reads them), singular and as ids, worked out once when the knowledge base is loaded.
  void BuildPhraseIndex();
  const std::vector<std::uint32_t>& PhraseWords(std::size_t chunk) const { return m_phraseWords[chunk]; }
  std::uint32_t PhraseWordId(std::string_view word) const;  // UINT32_MAX for a word no chunk has
  // The chunk's passages and words (ChunkReading): kept from the load, or read now. Safe from any thread.
  std::shared_ptr<const ChunkReading> Reading(std::size_t chunk) const;

 private:
  std::unordered_map<std::string, std::uint32_t> m_phraseVocabulary;
  std::vector<std::vector<std::uint32_t>> m_phraseWords;
  struct Readings {
    std::shared_mutex mutex;
    std::unordered_map<std::size_t, std::shared_ptr<const ChunkReading>> byChunk;
  };
  std::unique_ptr<Readings> m_readings = std::make_unique<Readings>();
};

// Looks the question up in `agent`'s part of the cache and logs the lookup (cache log).
std::optional<CacheLookup> LookupCache(Turn& turn, ResponseCache& cache, AgentId agent, const std::string& key);

// Searches every document for the routing's retrieval query, the specialists' domains first (search log): the hits,
// best first, and the query words' expansions (typos, other forms, synonyms) it used.
LexicalIndex::Result SearchKnowledge(Turn& turn, const Corpus& corpus, const Routing& routing);

}  // namespace oai::engine
