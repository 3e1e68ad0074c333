// Observability and abuse protection for the server: Prometheus metrics (requests by route and status, a latency
// histogram, active streams, cache hits and misses, store errors) and a per-client-address rate limiter.
#pragma once

#include <array>
#include <ostream>
#include <atomic>
#include <chrono>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <unordered_map>

#include "engine/response_cache.h"

namespace oai::server {

// "/api/session/6f1c…" → "/api/session/{id}"; non-API paths → "static". Keeps the label set small and bounded.
std::string RouteLabel(const std::string& path);

class Metrics {
 public:
  static constexpr std::array<double, 13> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1.0,   2.5,   5.0};
  void Record(const std::string& route, const std::string& method, int status, double seconds);
  void StreamStarted() { ++m_activeStreams; }
  void StreamEnded() { --m_activeStreams; }
  void StoreError() { ++m_storeErrors; }
  // A session store operation ("append_turn", "recent_messages", ...) on a backend ("postgresql", ...) took `seconds`.
  void RecordStore(const std::string& backend, const char* operation, double seconds);
  void RateLimited() { ++m_rateLimited; }
  std::int64_t ActiveStreams() const { return m_activeStreams; }
  // The Prometheus text exposition format (version 0.0.4).
  std::string Render(const engine::CacheStats& cache) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
    void Add(double seconds);
    // The _bucket, _sum and _count lines of `name` with `labels` ("route=\"/api/chat\"").
    void Render(std::ostream& out, const std::string& name, const std::string& labels) const;
  };
  mutable std::mutex m_mutex;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> m_requests;  // (route, method, status)
  std::map<std::string, Histogram> m_latency;                                     // by route
  std::map<std::pair<std::string, std::string>, Histogram> m_store;                // by (backend, operation)
  std::atomic<std::int64_t> m_activeStreams{0};
  std::atomic<std::uint64_t> m_storeErrors{0};
  std::atomic<std::uint64_t> m_rateLimited{0};
};

// A token bucket per client address: `perMinute` requests a minute, bursts up to the same number.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(int perMinute) : m_perMinute(perMinute) {}
  // True when the request may proceed; otherwise *retryAfterSeconds says when the next one will.
  bool Allow(const std::string& client, Clock::time_point now, int* retryAfterSeconds);
  // Clients with a bucket: those seen within the last minute (an older bucket is full again, as a new one would be,
  // so it is dropped: the table holds the clients of the last minute, up to kMaxTracked).
  std::size_t Tracked() const;
  // At most this many clients are tracked (a flood of distinct addresses within a minute): past it, the least
  // recently seen are forgotten.
  static constexpr std::size_t kMaxTracked = 100000;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
    std::list<std::string>::iterator order;  // its place in m_byAge
  };
  int m_perMinute;
  mutable std::mutex m_mutex;
  std::unordered_map<std::string, Bucket> m_buckets;
  std::list<std::string> m_byAge;  // clients, least recently seen first
};

}  // namespace oai::server
