// The HTTP API on a cpp-httplib server: what is httplib's (CORS, rate limit, compression, access log, metrics, static
// files, SSE plumbing) around the API itself (service::Api: routes, validation, error envelope). main.cpp and the tests
// both call RegisterRoutes.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "engine/engine.h"
#include "server/knowledge.h"  // CreateEngine
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
  // `store` measured (MeasuredSessionStore): RegisterRoutes makes it and points `store` at it.
  std::shared_ptr<SessionStore> measuredStore;
};

void RegisterRoutes(httplib::Server& server, Services& services);

}  // namespace oai::server
