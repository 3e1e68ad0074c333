// The server's routes (see routes.h): cross-cutting handlers, the API through service::Api, streams, static files.
#include "server/routes.h"

#include "server/measured_store.h"

#include <httplib.h>
#include <strings.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <mutex>
#include <sstream>

#include "model/ids.h"
#include "server/http_reply.h"
#include "server/static_files.h"
#include "server/stream_routes.h"
#include "service/api.h"

namespace oai::server {

namespace {

using Clock = std::chrono::steady_clock;

// When the request started: set by the pre-routing handler, read by the logger; both run on the connection's thread.
thread_local Clock::time_point t_requestStart;

std::string MessageForStatus(int status, const httplib::Request& req) {
  switch (status) {
    case 404: return "no route for " + req.path;
    case 413: return "request body is larger than " + std::to_string(kMaxBodyBytes / 1024) + " KiB";
    case 414: return "request line is too long";
    default: return status >= 500 ? "internal error" : "bad request";
  }
}

void LogRequest(std::ostream& out, std::mutex& mutex, const httplib::Request& req, const httplib::Response& res) {
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t_requestStart).count();
  std::ostringstream line;
  line << NowIso8601() << " request_id=" << RequestIdOf(res) << " method=" << req.method << " path=" << req.path
       << " status=" << res.status << " bytes=" << res.body.size() << " duration_ms=" << std::fixed
       << std::setprecision(3) << ms << " remote=" << req.remote_addr << '\n';
  std::lock_guard<std::mutex> lock(mutex);
  out << line.str() << std::flush;
}

}  // namespace

void RegisterRoutes(httplib::Server& server, Services& services) {
  Services* s = &services;
  auto logMutex = std::make_shared<std::mutex>();
  if (!services.metrics) services.metrics = std::make_shared<Metrics>();
  if (!services.measuredStore) {
    services.measuredStore = std::make_shared<MeasuredSessionStore>(*services.store, services.metrics);
    services.store = services.measuredStore.get();
  }
  auto api = std::make_shared<service::Api>(
      *services.engine, *services.store, service::ApiOptions{services.config.insights, services.config.insightsToken});

  server.set_payload_max_length(kMaxBodyBytes);
  server.set_tcp_nodelay(true);

  if (!services.rateLimiter) services.rateLimiter = std::make_shared<RateLimiter>(services.config.rateLimit);
  if (!services.streams) services.streams = std::make_shared<MemoryStreamStore>();

  server.set_pre_routing_handler([s](const httplib::Request& req, httplib::Response& res) {
    t_requestStart = Clock::now();
    // See SetAcceptEncoding. httplib builds each Request as a non-const object and hands handlers a const
    // reference; removing the header here is what keeps it from compressing.
    auto& headers = const_cast<httplib::Request&>(req).headers;
    std::string acceptEncoding;
    for (auto it = headers.find("Accept-Encoding"); it != headers.end() && it->first.size() == 15 &&
                                                    strcasecmp(it->first.c_str(), "Accept-Encoding") == 0;) {
      acceptEncoding += (acceptEncoding.empty() ? "" : ", ") + it->second;
      it = headers.erase(it);
    }
    SetAcceptEncoding(std::move(acceptEncoding));
    EnsureRequestId(req, res);
    const bool apiPath = req.path.rfind("/api/", 0) == 0;
    // CORS: only origins on the allowlist get the headers that let a browser read the answer.
    const std::string origin = req.get_header_value("Origin");
    const auto& allowed = s->config.corsOrigins;
    const bool originAllowed = !origin.empty() && std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
    if (originAllowed) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Vary", "Origin");
      res.set_header("Access-Control-Expose-Headers", "X-Request-Id, X-Message-Id, X-Session-Id, Retry-After");
    }
    if (apiPath && req.method == "OPTIONS") {
      if (!originAllowed) {
        SendError(req, res, 403, "CORS_FORBIDDEN", "origin " + (origin.empty() ? std::string("(none)") : origin) +
                                                       " is not allowed (CORS_ORIGINS)");
        return httplib::Server::HandlerResponse::Handled;
      }
      res.status = 204;
      res.set_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
      res.set_header("Access-Control-Allow-Headers", "Content-Type, X-Request-Id, Last-Event-ID, Authorization");
      res.set_header("Access-Control-Max-Age", "600");
      return httplib::Server::HandlerResponse::Handled;
    }
    int retryAfter = 1;
    if (apiPath && !s->rateLimiter->Allow(req.remote_addr, Clock::now(), &retryAfter)) {
      s->metrics->RateLimited();
      res.set_header("Retry-After", std::to_string(retryAfter));
      SendError(req, res, 429, "RATE_LIMITED",
                "too many requests from " + req.remote_addr + "; retry in " + std::to_string(retryAfter) + " s",
                Json{{"retryable", true}, {"retry_after_seconds", retryAfter}});
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    EnsureRequestId(req, res);
    if (!res.body.empty()) return;  // a handler already wrote its own error envelope
    const std::string allow = service::AllowedMethods(req.path);
    if (res.status == 404 && !allow.empty()) {
      res.set_header("Allow", allow);
      SendError(req, res, 405, "METHOD_NOT_ALLOWED", req.method + " is not allowed on " + req.path + " (use " + allow + ")");
      return;
    }
    SendError(req, res, res.status, service::ErrorCodeForStatus(res.status), MessageForStatus(res.status, req));
  });

  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
    // The exception's text stays out of the response: it may name internals.
    SendError(req, res, 500, "INTERNAL_ERROR", "internal error");
  });

  server.set_logger([s, logMutex](const httplib::Request& req, const httplib::Response& res) {
    const double seconds = std::chrono::duration<double>(Clock::now() - t_requestStart).count();
    s->metrics->Record(RouteLabel(req.path), req.method, res.status, seconds);
    if (s->accessLog) LogRequest(*s->accessLog, *logMutex, req, res);
  });

  server.Get("/metrics", [s](const httplib::Request&, httplib::Response& res) {
    res.set_content(s->metrics->Render(s->engine->CacheStatistics()), "text/plain; version=0.0.4; charset=utf-8");
  });

  // Streams first: they hold the connection, so they are the transport's, not the API's.
  RegisterStreamRoutes(server, services);

  // Every other API path, every method: service::Api answers (405 with Allow, 404 for unknown paths).
  const auto apiHandler = [s, api](const httplib::Request& req, httplib::Response& res) {
    service::ApiResponse reply = api->Handle(ToApiRequest(req, res));
    if (reply.storeUnavailable) s->metrics->StoreError();
    Send(res, std::move(reply));
  };
  server.Post(R"(/api/.*)", apiHandler);
  server.Delete(R"(/api/.*)", apiHandler);
  server.Put(R"(/api/.*)", apiHandler);
  server.Patch(R"(/api/.*)", apiHandler);

  // GET: the API, else the built page when there is one. API paths never fall through to files.
  server.Get(R"(/.*)", [s, apiHandler](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) == 0 || req.path == "/api") return apiHandler(req, res);
    auto file = LoadStaticFile(s->config.webRoot, req.path, AcceptsGzip());
    if (!file) return SendError(req, res, 404, "NOT_FOUND", "no file at " + req.path);
    res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", file->cacheControl);
    res.set_header("Vary", "Accept-Encoding");
    if (file->gzip) res.set_header("Content-Encoding", "gzip");
    res.set_content(std::move(file->body), file->contentType);
  });
}

}  // namespace oai::server
