// Metrics and rate limiting (see metrics.h).
#include "server/metrics.h"

#include <cmath>
#include <cstdio>
#include <regex>
#include <sstream>

namespace oai::server {

std::string RouteLabel(const std::string& path) {
  static const std::regex session(R"(^/api/session/[^/]+$)");
  static const std::regex exportPath(R"(^/api/session/[^/]+/export$)");
  static const std::regex stream(R"(^/api/chat/stream/[^/]+$)");
  static const std::regex document(R"(^/api/documents/.+$)");
  if (path.rfind("/api/", 0) != 0 && path != "/metrics") return "static";
  if (std::regex_match(path, session)) return "/api/session/{id}";
  if (std::regex_match(path, exportPath)) return "/api/session/{id}/export";
  if (path != "/api/chat/stream/initiate" && std::regex_match(path, stream)) return "/api/chat/stream/{id}";
  if (std::regex_match(path, document)) return "/api/documents/{id}";
  static const char* known[] = {"/api/health", "/api/session", "/api/chat", "/api/chat/stream",
                                "/api/chat/stream/initiate", "/api/agents", "/api/documents", "/metrics"};
  for (const char* k : known) {
    if (path == k) return path;
  }
  return "other";
}

namespace {
std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
}  // namespace

void Metrics::Histogram::Add(double seconds) {
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++buckets[i];
  }
  ++count;
  sum += seconds;
}

void Metrics::Histogram::Render(std::ostream& out, const std::string& name, const std::string& labels) const {
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    out << name << "_bucket{" << labels << ",le=\"" << Number(kBuckets[i]) << "\"} " << buckets[i] << "\n";
  out << name << "_bucket{" << labels << ",le=\"+Inf\"} " << count << "\n";
  out << name << "_sum{" << labels << "} " << Number(sum) << "\n";
  out << name << "_count{" << labels << "} " << count << "\n";
}

void Metrics::Record(const std::string& route, const std::string& method, int status, double seconds) {
  std::lock_guard<std::mutex> lock(m_mutex);
  ++m_requests[{route, method, status}];
  m_latency[route].Add(seconds);
}

void Metrics::RecordStore(const std::string& backend, const char* operation, double seconds) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_store[{backend, operation}].Add(seconds);
}

std::string Metrics::Render(const engine::CacheStats& cache) const {
  std::ostringstream out;
  std::lock_guard<std::mutex> lock(m_mutex);
  out << "# HELP orchestratai_requests_total HTTP requests by route, method and status.\n"
         "# TYPE orchestratai_requests_total counter\n";
  for (const auto& [key, n] : m_requests) {
    const auto& [route, method, status] = key;
    out << "orchestratai_requests_total{route=\"" << route << "\",method=\"" << method << "\",status=\"" << status
        << "\"} " << n << "\n";
  }
  out << "# HELP orchestratai_request_duration_seconds Time to answer a request, by route.\n"
         "# TYPE orchestratai_request_duration_seconds histogram\n";
  for (const auto& [route, h] : m_latency)
    h.Render(out, "orchestratai_request_duration_seconds", "route=\"" + route + "\"");
  out << "# HELP orchestratai_store_duration_seconds Session store operations, by backend and operation.\n"
         "# TYPE orchestratai_store_duration_seconds histogram\n";
  for (const auto& [key, h] : m_store)
    h.Render(out, "orchestratai_store_duration_seconds", "backend=\"" + key.first + "\",op=\"" + key.second + "\"");
  out << "# HELP orchestratai_active_streams Server-sent event streams open now.\n"
         "# TYPE orchestratai_active_streams gauge\n"
      << "orchestratai_active_streams " << m_activeStreams.load() << "\n";
  out << "# HELP orchestratai_cache_hits_total Response cache hits.\n# TYPE orchestratai_cache_hits_total counter\n"
      << "orchestratai_cache_hits_total " << cache.hits << "\n";
  out << "# HELP orchestratai_cache_misses_total Response cache misses.\n# TYPE orchestratai_cache_misses_total counter\n"
      << "orchestratai_cache_misses_total " << cache.misses << "\n";
  out << "# HELP orchestratai_cache_entries Response cache size.\n# TYPE orchestratai_cache_entries gauge\n"
      << "orchestratai_cache_entries " << cache.size << "\n";
  out << "# HELP orchestratai_store_errors_total Session store operations that failed.\n"
         "# TYPE orchestratai_store_errors_total counter\n"
      << "orchestratai_store_errors_total " << m_storeErrors.load() << "\n";
  out << "# HELP orchestratai_rate_limited_total Requests refused by the rate limiter.\n"
         "# TYPE orchestratai_rate_limited_total counter\n"
      << "orchestratai_rate_limited_total " << m_rateLimited.load() << "\n";
  return out.str();
}

bool RateLimiter::Allow(const std::string& client, Clock::time_point now, int* retryAfterSeconds) {
  if (m_perMinute <= 0) return true;
  std::lock_guard<std::mutex> lock(m_mutex);
  const double rate = m_perMinute / 60.0;  // tokens per second
  // Buckets idle for a minute have refilled completely: the same as no bucket. Dropping them from the old end keeps
  // the table at the clients of the last minute, at O(1) per request.
  const auto full = std::chrono::seconds(60);
  while (!m_byAge.empty()) {
    auto oldest = m_buckets.find(m_byAge.front());
    if (now - oldest->second.updated < full) break;
    m_buckets.erase(oldest);
    m_byAge.pop_front();
  }
  // A hard bound as well, for a flood of distinct addresses within one minute: the least recently seen go first.
  while (m_buckets.size() >= kMaxTracked && !m_byAge.empty() && m_buckets.find(client) == m_buckets.end()) {
    m_buckets.erase(m_byAge.front());
    m_byAge.pop_front();
  }
  auto [it, inserted] = m_buckets.try_emplace(client, Bucket{static_cast<double>(m_perMinute), now, {}});
  Bucket& b = it->second;
  if (inserted) {
    b.order = m_byAge.insert(m_byAge.end(), client);
  } else {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(static_cast<double>(m_perMinute), b.tokens + elapsed * rate);
    b.updated = now;
    m_byAge.splice(m_byAge.end(), m_byAge, b.order);
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retryAfterSeconds) *retryAfterSeconds = static_cast<int>(std::ceil((1.0 - b.tokens) / rate));
  return false;
}

std::size_t RateLimiter::Tracked() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_buckets.size();
}

}  // namespace oai::server
