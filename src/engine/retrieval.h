// The retrieval steps of a turn: the response cache (Pure CAG agents look there first) and the search of the
// knowledge base, one search per specialist, merged by chunk. Each step is logged as it finishes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/chunking.h"
#include "engine/lexical_index.h"
#include "engine/response_cache.h"
#include "engine/routing.h"
#include "engine/turn.h"

namespace oai::engine {

inline constexpr std::size_t kTopK = 5;

// The knowledge base as the engine searches it: the chunks and their index.
struct Corpus {
  std::vector<Chunk> chunks;
  LexicalIndex index;

  // A hit as the contract's DocumentChunk: a snippet of the chunk with where it comes from.
  DocumentChunk ToDocumentChunk(const SearchHit& hit) const;
};

// Looks the question up in `agent`'s part of the cache and logs the lookup (cache log).
std::optional<CacheLookup> LookupCache(Turn& turn, ResponseCache& cache, AgentId agent, const std::string& key);

// Searches for the routing's retrieval query, once per specialist (search logs), and merges the hits by chunk keeping
// the best score, best first.
std::vector<SearchHit> SearchKnowledge(Turn& turn, const Corpus& corpus, const Routing& routing);

}  // namespace oai::engine
