// Retrieval steps of a turn (see retrieval.h).
#include "engine/retrieval.h"

#include <algorithm>

#include "engine/text.h"
#include "model/agents.h"

namespace oai::engine {

namespace {

constexpr const char* kIndexName = "bm25+trigram";
constexpr const char* kMetric =
    "BM25 (k1=1.2, b=0.75) + trigram-expanded terms weighted 0.8 x Dice, x share of the query's words (by idf) found, "
    "x 1.6 in a preferred domain; similarity = s/(s+6)";

std::string Snippet(const std::string& text, std::size_t max = 320) {
  if (text.size() <= max) return text;
  std::size_t cut = text.rfind(' ', max);
  if (cut == std::string::npos || cut < max / 2) cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // never split a character
  return text.substr(0, cut) + "…";
}

}  // namespace

DocumentChunk Corpus::ToDocumentChunk(const SearchHit& hit) const {
  const Chunk& c = chunks[hit.chunk];
  DocumentChunk dc;
  dc.id = c.id;
  dc.content = Snippet(c.text);
  dc.similarity = hit.similarity;
  dc.source = c.document;
  dc.metadata = ChunkMetadata{c.headingPath, c.title, static_cast<std::int64_t>(c.start),
                              static_cast<std::int64_t>(c.end), hit.score};
  return dc;
}

std::optional<CacheLookup> LookupCache(Turn& turn, ResponseCache& cache, AgentId agent, const std::string& key) {
  const auto start = Clock::now();
  std::optional<CacheLookup> hit = cache.Lookup(ToString(agent), key);
  const CacheStats stats = cache.Stats();
  CacheData data;
  data.hit = hit.has_value();
  data.agent = agent;
  data.key = key;
  data.cache = cache.Kind();
  data.threshold = kCacheMatchThreshold;
  data.hit_rate = stats.HitRate();
  data.size = static_cast<std::int64_t>(stats.size);
  data.capacity = static_cast<std::int64_t>(stats.capacity);
  std::optional<std::vector<DocumentChunk>> chunks;
  if (hit) {
    data.similarity = hit->similarity;
    data.matched_question = hit->entry.query;
    data.saved_tokens = hit->entry.tokens;
    data.saved_cost = hit->entry.cost;
    data.saved_latency_ms = hit->entry.latencyMs;
    if (!hit->entry.chunks.empty()) chunks = hit->entry.chunks;
  }
  data.latency_ms = MsSince(start);
  turn.Log(hit ? "Cache hit" : "Cache miss", std::move(data), LogStatus::Success, std::move(chunks));
  return hit;
}

LexicalIndex::Result SearchKnowledge(Turn& turn, const Corpus& corpus, const Routing& routing) {
  const auto start = Clock::now();
  // One search over every document: the specialists' own domains are a prior (a boost), not a filter, so general
  // guides and a neighbour's documents are reachable from every turn.
  std::vector<std::string> preferred;
  std::string domains;
  for (AgentId a : routing.specialists) {
    preferred.push_back(SpecOf(a).domain);
    domains += (domains.empty() ? "" : " + ") + std::string(SpecOf(a).domain);
  }
  SearchData data;
  data.index = kIndexName;
  data.metric = kMetric;
  data.agent = routing.specialists.empty() ? AgentId::Orchestrator : routing.specialists.front();
  data.domain = domains.empty() ? std::string("all documents") : "all documents, " + domains + " preferred";
  data.query_terms = Tokenize(routing.retrievalQuery);
  // Synonyms of the question's words ("money back" → refund): each content word of the phrase gains the forms.
  std::vector<TermExpansion> synonyms;
  for (const Synonyms::Match& m : corpus.synonyms.Find(data.query_terms)) {
    for (const auto& word : m.phrase) {
      if (IsStopWord(word) && m.phrase.size() > 1) continue;
      for (const auto& add : m.adds) synonyms.push_back({word, add, kSynonymWeight});
    }
  }
  LexicalIndex::Result found = corpus.index.Search(data.query_terms, kTopK, {}, preferred, synonyms);
  data.expansions = found.expansions;
  data.top_k = static_cast<std::int64_t>(kTopK);
  data.chunk_count = static_cast<std::int64_t>(found.hits.size());
  data.indexed_chunks = static_cast<std::int64_t>(corpus.chunks.size());
  std::vector<DocumentChunk> chunks;
  for (const SearchHit& h : found.hits) chunks.push_back(corpus.ToDocumentChunk(h));
  data.latency_ms = MsSince(start);
  turn.Log("Searched all documents" + (domains.empty() ? std::string() : ", " + domains + " first"), std::move(data),
           found.hits.empty() ? LogStatus::Warning : LogStatus::Success, std::move(chunks));
  return found;
}

}  // namespace oai::engine
