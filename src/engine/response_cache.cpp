// The in-memory response cache (see response_cache.h).
#include "engine/response_cache.h"

#include <algorithm>
#include <set>

#include "engine/text.h"

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

std::string CacheKey(const std::string& question) {
  std::set<std::string> words;
  for (auto& t : ContentTerms(question)) words.insert(std::move(t));
  std::string key;
  for (const auto& w : words) {
    if (!key.empty()) key += ' ';
    key += w;
  }
  return key;
}

double KeySimilarity(const std::string& a, const std::string& b) {
  auto split = [](const std::string& s) {
    std::set<std::string> out;
    for (std::string_view w : SplitOn(s, ' ')) {
      if (!w.empty()) out.emplace(w);
    }
    return out;
  };
  const auto sa = split(a), sb = split(b);
  if (sa.empty() && sb.empty()) return 1.0;
  std::size_t shared = 0;
  for (const auto& w : sa) shared += sb.count(w);
  return static_cast<double>(shared) / static_cast<double>(sa.size() + sb.size() - shared);
}

MemoryResponseCache::MemoryResponseCache(std::size_t capacity, std::chrono::seconds ttl, WallClock clock)
    : m_capacity(std::max<std::size_t>(1, capacity)), m_ttl(ttl), m_clock(std::move(clock)) {
  if (!m_clock) m_clock = [] { return std::chrono::system_clock::now(); };
}

void MemoryResponseCache::EvictExpired(std::chrono::system_clock::time_point now) {
  for (auto it = m_lru.begin(); it != m_lru.end();) {
    if (it->expires <= now) {
      m_index.erase({it->agent, it->key});
      it = m_lru.erase(it);
    } else {
      ++it;
    }
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
    // Near duplicates: the most similar entry of this agent, ties to the most recently used.
    for (auto it = m_lru.begin(); it != m_lru.end(); ++it) {
      if (it->agent != agent) continue;
      const double s = KeySimilarity(key, it->key);
      if (s > bestSimilarity) {
        bestSimilarity = s;
        best = it;
      }
    }
  }
  if (best == m_lru.end() || bestSimilarity < kCacheMatchThreshold) {
    ++m_misses;
    return std::nullopt;
  }
  ++m_hits;
  m_lru.splice(m_lru.begin(), m_lru, best);
  return CacheLookup{best->answer, bestSimilarity, best->key};
}

void MemoryResponseCache::Store(const std::string& agent, const std::string& key, const CachedAnswer& answer) {
  std::lock_guard<std::mutex> lock(m_mutex);
  const auto now = m_clock();
  if (auto it = m_index.find({agent, key}); it != m_index.end()) {
    m_lru.erase(it->second);
    m_index.erase(it);
  }
  m_lru.push_front({agent, key, answer, now + m_ttl});
  m_index[{agent, key}] = m_lru.begin();
  while (m_lru.size() > m_capacity) {
    m_index.erase({m_lru.back().agent, m_lru.back().key});
    m_lru.pop_back();
  }
}

CacheStats MemoryResponseCache::Stats() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return CacheStats{m_hits, m_misses, m_lru.size(), m_capacity};
}

}  // namespace oai::engine
