// The response cache of the Pure CAG agents: answers kept per agent under a normalized query key, found again for the
// same or a nearly identical question (best match above a similarity threshold), with a per-entry TTL, a bounded
// size with LRU eviction and hit statistics. The interface lets the server share the cache through Redis.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/model.h"

namespace oai::engine {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

struct CachedAnswer {
  std::string query;       // the question as first asked
  std::string answer;
  double confidence = 0.0;
  std::vector<Citation> citations;      // the documents log's citations
  std::vector<DocumentChunk> chunks;    // what the search found then
  std::int64_t tokens = 0;              // what producing it cost
  double cost = 0.0;
  double latencyMs = 0.0;
  bool operator==(const CachedAnswer&) const = default;
};
void to_json(Json& j, const CachedAnswer& v);
void from_json(const Json& j, CachedAnswer& v);

struct CacheLookup {
  CachedAnswer entry;
  double similarity = 0.0;  // 1 for the same normalized question
  std::string matchedKey;
  // entry.chunks as JSON text (ChunksJsonText), made once when the entry was stored; null when the cache keeps none.
  std::shared_ptr<const std::string> chunksText;
};

struct CacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::size_t size = 0;
  std::size_t capacity = 0;
  double HitRate() const { return hits + misses == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(hits + misses); }
};

// The normalized key of a question: its folded content words, sorted and de-duplicated ("What's the refund policy?"
// and "refund policy" share "policy refund").
std::string CacheKey(const std::string& question);
std::string CacheKeyOf(std::vector<std::string> contentTerms);  // the same from the question's ContentTerms
// Jaccard similarity of two keys' word sets.
double KeySimilarity(const std::string& a, const std::string& b);
// A key's words (a key's words are distinct and sorted, see CacheKey).
std::vector<std::string> KeyWords(const std::string& key);
// The Jaccard similarity of two keys of `a` and `b` words that share `shared` of them.
inline double SharedSimilarity(std::size_t a, std::size_t b, std::size_t shared) {
  return a + b == 0 ? 1.0 : static_cast<double>(shared) / static_cast<double>(a + b - shared);
}

inline constexpr double kCacheMatchThreshold = 0.75;

class ResponseCache {
 public:
  virtual ~ResponseCache() = default;
  virtual std::string Kind() const = 0;  // "memory", "redis"
  // The best entry of `agent` whose key is at least kCacheMatchThreshold similar; counts a hit or a miss.
  virtual std::optional<CacheLookup> Lookup(const std::string& agent, const std::string& key) = 0;
  virtual void Store(const std::string& agent, const std::string& key, const CachedAnswer& answer) = 0;
  virtual CacheStats Stats() const = 0;
};

class MemoryResponseCache final : public ResponseCache {
 public:
  explicit MemoryResponseCache(std::size_t capacity = 1000, std::chrono::seconds ttl = std::chrono::hours(1),
                               WallClock clock = nullptr);
  std::string Kind() const override { return "memory"; }
  std::optional<CacheLookup> Lookup(const std::string& agent, const std::string& key) override;
  void Store(const std::string& agent, const std::string& key, const CachedAnswer& answer) override;
  CacheStats Stats() const override;

 private:
  struct Entry {
    std::string agent;
    std::string key;
    CachedAnswer answer;
    std::shared_ptr<const std::string> chunksText;  // answer.chunks as JSON: a hit's log does not write them again
    std::chrono::system_clock::time_point expires;
    std::size_t words = 0;
    std::uint64_t used = 0;  // when it was last stored or found (m_uses at the time): ties go to the latest
    std::multimap<std::chrono::system_clock::time_point, Entry*>::iterator expiry;
  };
  using Lru = std::list<Entry>;  // most recently used first
  void EvictExpired(std::chrono::system_clock::time_point now);
  void Erase(Lru::iterator it);

  mutable std::mutex m_mutex;
  std::size_t m_capacity;
  std::chrono::seconds m_ttl;
  WallClock m_clock;
  Lru m_lru;
  std::map<std::pair<std::string, std::string>, Lru::iterator> m_index;  // (agent, key) → entry
  // Near duplicates are found through the words they share: (agent, word) → the entries whose key has it. A lookup
  // costs the entries sharing a word with the question, not every entry.
  std::unordered_map<std::string, std::vector<Entry*>> m_byWord;
  std::multimap<std::chrono::system_clock::time_point, Entry*> m_byExpiry;  // soonest first
  std::uint64_t m_hits = 0;
  std::uint64_t m_misses = 0;
  std::uint64_t m_uses = 0;
};

}  // namespace oai::engine
