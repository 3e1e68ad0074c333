// The HTTP API of PRODUCT.md §3 registered on a cpp-httplib server, plus the cross-cutting parts: request ids, the
// error envelope on every error, the access log and static hosting. main.cpp and the tests both call RegisterRoutes.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "engine/engine.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/streams.h"
#include "service/session_store.h"

namespace httplib {
class Server;
}

namespace oai::server {

using service::SessionStore;

inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;

struct Services {
  engine::Engine* engine = nullptr;
  SessionStore* store = nullptr;
  Config config;
  std::ostream* accessLog = nullptr;  // one line per request; nullptr = silent
  std::shared_ptr<Metrics> metrics;           // created by RegisterRoutes when empty
  std::shared_ptr<RateLimiter> rateLimiter;   // created from config.rateLimit when empty
  std::shared_ptr<StreamStore> streams;       // resumable streams; a MemoryStreamStore when empty
  std::size_t maxStreams = 32;                // concurrent open streams; more are answered 503
};

void RegisterRoutes(httplib::Server& server, Services& services);

// Builds the engine from the configured knowledge base; throws std::runtime_error with one clear line.
// `cache` (optional) replaces the engine's in-memory response cache, e.g. with Redis shared by replicas.
std::unique_ptr<engine::Engine> CreateEngine(const Config& config, std::vector<std::string>* warnings,
                                             std::shared_ptr<engine::ResponseCache> cache = nullptr);

}  // namespace oai::server
