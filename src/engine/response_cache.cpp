// The in-memory response cache (see response_cache.h).
#include "engine/response_cache.h"

#include <algorithm>
#include <set>

#include "engine/text.h"
#include "model/json_text.h"

namespace oai::engine {

void to_json(Json& j, const CachedAnswer& v) {
  j = Json{{"query", v.query},   {"answer", v.answer}, {"confidence", v.confidence}, {"citations", v.citations},
           {"chunks", v.chunks}, {"tokens", v.tokens}, {"cost", v.cost},             {"latency_ms", v.latencyMs}};
}
void from_json(const Json& j, CachedAnswer& v) {
  j.at("query").get_to(v.query);
  j.at("answer").get_to(v.answer);
  j.at("confidence").get_to(v.confidence);
  j.at("citations").get_to(v.citations);
  j.at("chunks").get_to(v.chunks);
  j.at("tokens").get_to(v.tokens);
  j.at("cost").get_to(v.cost);
  j.at("latency_ms").get_to(v.latencyMs);
}

std::string CacheKey(const std::string& question) { return CacheKeyOf(ContentTerms(question)); }

std::string CacheKeyOf(std::vector<std::string> words) {
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  std::string key;
  for (const auto& w : words) {
    if (!key.empty()) key += ' ';
    key += w;
  }
  return key;
}

std::vector<std::string> KeyWords(const std::string& key) {
  std::vector<std::string> words;
  for (std::string_view w : SplitOn(key, ' ')) {
    if (!w.empty()) words.emplace_back(w);
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

double KeySimilarity(const std::string& a, const std::string& b) {
  const auto wa = KeyWords(a), wb = KeyWords(b);
  std::size_t shared = 0;
  for (std::size_t i = 0, j = 0; i < wa.size() && j < wb.size();) {
    if (wa[i] == wb[j]) ++shared, ++i, ++j;
    else if (wa[i] < wb[j]) ++i;
    else ++j;
  }
  return SharedSimilarity(wa.size(), wb.size(), shared);
}

namespace {
std::string WordKey(const std::string& agent, const std::string& word) { return agent + '\n' + word; }
}  // namespace

MemoryResponseCache::MemoryResponseCache(std::size_t capacity, std::chrono::seconds ttl, WallClock clock)
    : m_capacity(std::max<std::size_t>(1, capacity)), m_ttl(ttl), m_clock(std::move(clock)) {
  if (!m_clock) m_clock = [] { return std::chrono::system_clock::now(); };
}

void MemoryResponseCache::Erase(Lru::iterator it) {
  for (const auto& w : KeyWords(it->key)) {
    auto posting = m_byWord.find(WordKey(it->agent, w));
    if (posting == m_byWord.end()) continue;
    auto& entries = posting->second;
    entries.erase(std::remove(entries.begin(), entries.end(), &*it), entries.end());
    if (entries.empty()) m_byWord.erase(posting);
  }
  m_byExpiry.erase(it->expiry);
  m_index.erase({it->agent, it->key});
  m_lru.erase(it);
}

void MemoryResponseCache::EvictExpired(std::chrono::system_clock::time_point now) {
  while (!m_byExpiry.empty() && m_byExpiry.begin()->first <= now) {
    Entry* e = m_byExpiry.begin()->second;
    Erase(m_index.at({e->agent, e->key}));
  }
}

std::optional<CacheLookup> MemoryResponseCache::Lookup(const std::string& agent, const std::string& key) {
  std::lock_guard<std::mutex> lock(m_mutex);
  EvictExpired(m_clock());
  Lru::iterator best = m_lru.end();
  double bestSimilarity = 0.0;
  if (auto exact = m_index.find({agent, key}); exact != m_index.end()) {
    best = exact->second;
    bestSimilarity = 1.0;
  } else {
    // Near duplicates: among the entries sharing a word with the key, the most similar, ties to the most recently
    // used.
    const auto words = KeyWords(key);
    std::unordered_map<Entry*, std::size_t> shared;
    for (const auto& w : words) {
      if (auto posting = m_byWord.find(WordKey(agent, w)); posting != m_byWord.end())
        for (Entry* e : posting->second) ++shared[e];
    }
    Entry* pick = nullptr;
    for (const auto& [e, n] : shared) {
      const double s = SharedSimilarity(words.size(), e->words, n);
      if (s > bestSimilarity || (s == bestSimilarity && pick && e->used > pick->used)) {
        bestSimilarity = s;
        pick = e;
      }
    }
    if (pick) best = m_index.at({pick->agent, pick->key});
  }
  if (best == m_lru.end() || bestSimilarity < kCacheMatchThreshold) {
    ++m_misses;
    return std::nullopt;
  }
  ++m_hits;
  best->used = ++m_uses;
  m_lru.splice(m_lru.begin(), m_lru, best);
  return CacheLookup{best->answer, bestSimilarity, best->key, best->chunksText};
}

void MemoryResponseCache::Store(const std::string& agent, const std::string& key, const CachedAnswer& answer) {
  auto chunksText = std::make_shared<const std::string>(ChunksJsonText(answer.chunks));  // before the lock
  std::lock_guard<std::mutex> lock(m_mutex);
  const auto now = m_clock();
  EvictExpired(now);
  if (auto it = m_index.find({agent, key}); it != m_index.end()) Erase(it->second);
  const auto words = KeyWords(key);
  m_lru.push_front({agent, key, answer, std::move(chunksText), now + m_ttl, words.size(), ++m_uses, {}});
  Entry* e = &m_lru.front();
  e->expiry = m_byExpiry.emplace(e->expires, e);
  m_index[{agent, key}] = m_lru.begin();
  for (const auto& w : words) m_byWord[WordKey(agent, w)].push_back(e);
  while (m_lru.size() > m_capacity) Erase(std::prev(m_lru.end()));
}

CacheStats MemoryResponseCache::Stats() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return CacheStats{m_hits, m_misses, m_lru.size(), m_capacity};
}

}  // namespace oai::engine
