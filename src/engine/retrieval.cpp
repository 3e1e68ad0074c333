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
    "x 1.6 in a preferred domain; the best 20 x (1 + share of the question's two-word phrases held: adjacent 1, within 3 "
    "words 0.75); similarity = s/(s+6)";

std::string Snippet(const std::string& text, std::size_t max = 320) {
  if (text.size() <= max) return text;
  std::size_t cut = text.rfind(' ', max);
  if (cut == std::string::npos || cut < max / 2) cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // never split a character
  return text.substr(0, cut) + "…";
}

// A word without its plural "s", so "rate limit" finds "Rate limits".
std::string_view Singular(std::string_view w) {
  return w.size() > 3 && w.back() == 's' && w[w.size() - 2] != 's' ? w.substr(0, w.size() - 1) : w;
}

constexpr std::uint32_t kNoWord = UINT32_MAX;

struct Phrase {
  std::uint32_t first = kNoWord, second = kNoWord;
};

// The question's phrases: each two content words next to each other ("rate limit", "minimum age", "share a seat"),
// both rarer than kPhraseMinIdf: "Nimbus Desk", "Pro plan" or "API key" are in too many chunks to tell them apart.
std::vector<Phrase> Phrases(const std::vector<std::string>& terms, const Corpus& corpus) {
  std::vector<Phrase> out;
  for (std::size_t i = 0; i + 1 < terms.size(); ++i) {
    if (IsStopWord(terms[i]) || IsStopWord(terms[i + 1])) continue;
    const double weight = std::min(corpus.index.Idf(terms[i]), corpus.index.Idf(terms[i + 1]));
    if (weight > kPhraseMinIdf) out.push_back({corpus.PhraseWordId(terms[i]), corpus.PhraseWordId(terms[i + 1])});
  }
  return out;
}

// How many of the question's phrases the chunk holds: in order and adjacent counts one, near each other (within kNear
// words, in either order: "limits of the rate", "Plan: Pro") three quarters.
double PhraseMatches(const std::vector<std::uint32_t>& words, const std::vector<Phrase>& phrases) {
  constexpr std::size_t kNear = 3;
  constexpr double kNearMatch = 0.75;
  double total = 0.0;
  for (const Phrase& p : phrases) {
    if (p.first == kNoWord || p.second == kNoWord) continue;  // a word no chunk has
    double best = 0.0;
    for (std::size_t i = 0; i < words.size() && best < 1.0; ++i) {
      if (words[i] != p.first) continue;
      for (std::size_t j = i > kNear ? i - kNear : 0; j < words.size() && j <= i + kNear; ++j) {
        if (j != i && words[j] == p.second) best = std::max(best, j == i + 1 ? 1.0 : kNearMatch);
      }
    }
    total += best;
  }
  return total;
}

}  // namespace

std::uint32_t Corpus::PhraseWordId(std::string_view word) const {
  auto it = m_phraseVocabulary.find(std::string(Singular(word)));
  return it == m_phraseVocabulary.end() ? kNoWord : it->second;
}

namespace {
std::shared_ptr<ChunkReading> Read(const Chunk& c) {
  auto r = std::make_shared<ChunkReading>();
  for (auto& t : Tokenize(c.headingPath)) r->heading.insert(std::move(t));
  r->passages = SplitPassages(c.text);
  r->words.reserve(r->passages.size());
  for (const Passage& p : r->passages) r->words.push_back(Tokenize(p.text));
  return r;
}
}  // namespace

void Corpus::BuildPhraseIndex() {
  m_phraseVocabulary.clear();
  m_phraseWords.assign(chunks.size(), {});
  m_readings = std::make_unique<Readings>();
  const bool keepAll = chunks.size() <= kKeptReadings;
  const auto add = [this](std::vector<std::uint32_t>& out, const std::vector<std::string>& tokens) {
    for (const auto& w : tokens) {
      const auto [it, inserted] =
          m_phraseVocabulary.emplace(std::string(Singular(w)), static_cast<std::uint32_t>(m_phraseVocabulary.size()));
      out.push_back(it->second);
    }
  };
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    std::vector<std::uint32_t>& words = m_phraseWords[c];
    add(words, Tokenize(chunks[c].headingPath));
    words.push_back(kNoWord);  // the heading's last word is not next to the text's first
    // The text as passages: a table row reads "Plan: Pro; Price per seat per month: $49", so a cell and its column's
    // header ("Pro plan") are near each other, as they are in the table.
    if (keepAll) {
      std::shared_ptr<ChunkReading> reading = Read(chunks[c]);
      for (const auto& passage : reading->words) add(words, passage);
      m_readings->byChunk.emplace(c, std::move(reading));
    } else {
      for (const Passage& p : SplitPassages(chunks[c].text)) add(words, Tokenize(p.text));
    }
    words.shrink_to_fit();
  }
}

std::shared_ptr<const ChunkReading> Corpus::Reading(std::size_t chunk) const {
  {
    std::shared_lock lock(m_readings->mutex);
    if (auto it = m_readings->byChunk.find(chunk); it != m_readings->byChunk.end()) return it->second;
  }
  std::shared_ptr<const ChunkReading> reading = Read(chunks.at(chunk));
  std::unique_lock lock(m_readings->mutex);
  if (m_readings->byChunk.size() < kKeptReadings) m_readings->byChunk.emplace(chunk, reading);
  return reading;
}

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
  turn.Log(hit ? "Cache hit" : "Cache miss", std::move(data), LogStatus::Success, std::move(chunks),
           hit ? hit->chunksText.get() : nullptr);
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
  LexicalIndex::Result found = corpus.index.Search(data.query_terms, kRerankPool, {}, preferred, synonyms);
  // Phrase and proximity: the best kRerankPool chunks by words are re-ranked by the question's phrases they hold.
  const auto phrases = Phrases(data.query_terms, corpus);
  if (!phrases.empty()) {
    for (SearchHit& h : found.hits) {
      h.score *= 1.0 + kPhraseWeight * PhraseMatches(corpus.PhraseWords(h.chunk), phrases) /
                           static_cast<double>(phrases.size());
    }
    std::stable_sort(found.hits.begin(), found.hits.end(),
                     [](const SearchHit& a, const SearchHit& b) { return a.score > b.score; });
  }
  if (found.hits.size() > kTopK) found.hits.resize(kTopK);
  for (SearchHit& h : found.hits) h.similarity = h.score / (h.score + kSimilarityHalf);
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
