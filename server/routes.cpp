// HTTP routes, error envelope, request ids and access log (see routes.h).
#include "server/routes.h"

#include <httplib.h>
#include <strings.h>

#include <chrono>
#include <iomanip>
#include <mutex>
#include <regex>
#include <sstream>

#include "model/ids.h"
#include "model/validation.h"
#include "server/openai_client.h"
#include "service/chat_service.h"
#include "server/static_files.h"

namespace oai::server {

namespace {

using Clock = std::chrono::steady_clock;

// Per-request bookkeeping shared by the pre-routing handler, the handlers and the logger, which all run on the
// connection's thread in that order.
thread_local Clock::time_point t_requestStart;

const std::regex kSessionPath(R"(^/api/session/([^/]+)$)");

bool IsSaneRequestId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string RequestIdOf(const httplib::Response& res) {
  return res.has_header("X-Request-Id") ? res.get_header_value("X-Request-Id") : std::string();
}

void EnsureRequestId(const httplib::Request& req, httplib::Response& res) {
  if (res.has_header("X-Request-Id")) return;
  std::string incoming = req.get_header_value("X-Request-Id");
  res.set_header("X-Request-Id", IsSaneRequestId(incoming) ? incoming : NewUuidV4());
}

void SendJson(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void SendError(const httplib::Request& req, httplib::Response& res, int status, const std::string& code,
               const std::string& message, std::optional<Json> details = std::nullopt) {
  EnsureRequestId(req, res);
  ErrorResponse err;
  err.error.code = code;
  err.error.message = message;
  err.error.details = std::move(details);
  err.error.timestamp = NowIso8601();
  err.error.requestId = RequestIdOf(res);
  SendJson(res, status, Json(err));
}

const char* CodeForStatus(int status) {
  switch (status) {
    case 400: return "VALIDATION_ERROR";
    case 404: return "NOT_FOUND";
    case 405: return "METHOD_NOT_ALLOWED";
    case 408: return "REQUEST_TIMEOUT";
    case 413: return "PAYLOAD_TOO_LARGE";
    case 414: return "URI_TOO_LONG";
    case 415: return "UNSUPPORTED_MEDIA_TYPE";
    case 429: return "RATE_LIMITED";
    case 503: return "SERVICE_UNAVAILABLE";
    default: return status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
  }
}

std::string MessageForStatus(int status, const httplib::Request& req) {
  switch (status) {
    case 404: return "no route for " + req.path;
    case 413: return "request body is larger than " + std::to_string(kMaxBodyBytes / 1024) + " KiB";
    case 414: return "request line is too long";
    default: return status >= 500 ? "internal error" : "bad request";
  }
}

// The methods each API path answers; anything else on these paths is a 405 with Allow.
std::string AllowedMethods(const std::string& path) {
  if (path == "/api/health" || path == "/api/agents") return "GET";
  if (path == "/api/session") return "POST";
  if (path == "/api/chat") return "POST";
  if (std::regex_match(path, kSessionPath)) return "GET, DELETE";
  return "";
}

bool IsJsonContentType(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  const std::string want = "application/json";
  if (type.size() < want.size() || strncasecmp(type.c_str(), want.c_str(), want.size()) != 0) return false;
  return type.size() == want.size() || type[want.size()] == ';' || type[want.size()] == ' ';
}

// Session id from the path: 400 when it is not a UUID, otherwise the lower-case form.
std::optional<std::string> SessionIdFromPath(const httplib::Request& req, httplib::Response& res) {
  const std::string raw = req.matches[1];
  if (!IsUuid(raw)) {
    SendError(req, res, 400, "VALIDATION_ERROR", "session id must be a UUID",
              Json::array({{{"field", "session_id"}, {"rule", "format"}, {"message", "session id must be a UUID"}}}));
    return std::nullopt;
  }
  return NormalizeUuid(raw);
}

template <class F>
void WithStore(const httplib::Request& req, httplib::Response& res, F&& body) {
  try {
    body();
  } catch (const service::StoreUnavailable&) {
    res.set_header("Retry-After", "1");
    SendError(req, res, 503, "STORE_UNAVAILABLE", "the session store is unavailable; retry shortly",
              Json{{"retryable", true}});
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

std::unique_ptr<engine::Engine> CreateEngine(const Config& config, std::vector<std::string>* warnings) {
  engine::EngineConfig ec;
  ec.documents = engine::LoadDocumentsFromDirectory(config.docsDir, warnings);
  if (ec.documents.empty()) throw std::runtime_error("no markdown documents in " + config.docsDir);
  ec.routerExamplesTsv = engine::ReadTextFile(config.routerExamples);
  try {
    if (!config.llmBaseUrl.empty()) {
      ec.llm = std::make_shared<OpenAiClient>(OpenAiConfig{config.llmBaseUrl, config.llmModel, config.llmApiKey});
    }
    auto engine = engine::Engine::Create(std::move(ec));
    if (warnings) {
      for (const auto& w : engine->Info().warnings) warnings->push_back(w);
    }
    return engine;
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
}

void RegisterRoutes(httplib::Server& server, Services& services) {
  Services* s = &services;
  auto logMutex = std::make_shared<std::mutex>();

  server.set_payload_max_length(kMaxBodyBytes);
  server.set_tcp_nodelay(true);

  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    t_requestStart = Clock::now();
    EnsureRequestId(req, res);
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    EnsureRequestId(req, res);
    if (!res.body.empty()) return;  // a handler already wrote its own error envelope
    const std::string allow = AllowedMethods(req.path);
    if (res.status == 404 && !allow.empty()) {
      res.set_header("Allow", allow);
      SendError(req, res, 405, "METHOD_NOT_ALLOWED", req.method + " is not allowed on " + req.path + " (use " + allow + ")");
      return;
    }
    SendError(req, res, res.status, CodeForStatus(res.status), MessageForStatus(res.status, req));
  });

  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
    // The exception's text stays out of the response: it may name internals.
    SendError(req, res, 500, "INTERNAL_ERROR", "internal error");
  });

  if (services.accessLog) {
    server.set_logger([s, logMutex](const httplib::Request& req, const httplib::Response& res) {
      LogRequest(*s->accessLog, *logMutex, req, res);
    });
  }

  server.Get("/api/health", [s](const httplib::Request&, httplib::Response& res) {
    const HealthStatus h = service::BuildHealth(*s->engine, *s->store);
    SendJson(res, h.store_ok ? 200 : 503, Json(h));
  });

  server.Get("/api/agents", [s](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200, Json(s->engine->Agents()));
  });

  server.Post("/api/session", [s](const httplib::Request& req, httplib::Response& res) {
    WithStore(req, res, [&] {
      const std::string now = NowIso8601();
      SessionCreated created;
      created.session_id = NewUuidV4();
      created.created_at = s->store->Ensure(created.session_id, now).start_time;
      SendJson(res, 201, Json(created));
    });
  });

  server.Get(R"(/api/session/([^/]+))", [s](const httplib::Request& req, httplib::Response& res) {
    auto id = SessionIdFromPath(req, res);
    if (!id) return;
    WithStore(req, res, [&] {
      auto history = s->store->History(*id);
      if (!history) return SendError(req, res, 404, "SESSION_NOT_FOUND", "no session " + *id);
      SendJson(res, 200, Json(*history));
    });
  });

  server.Delete(R"(/api/session/([^/]+))", [s](const httplib::Request& req, httplib::Response& res) {
    auto id = SessionIdFromPath(req, res);
    if (!id) return;
    WithStore(req, res, [&] {
      if (!s->store->Delete(*id)) return SendError(req, res, 404, "SESSION_NOT_FOUND", "no session " + *id);
      res.status = 204;
    });
  });

  server.Post("/api/chat", [s](const httplib::Request& req, httplib::Response& res) {
    if (!IsJsonContentType(req)) {
      return SendError(req, res, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
    }
    Result<ChatRequest> parsed = ParseChatRequest(req.body);
    if (!parsed) {
      return SendError(req, res, 400, "VALIDATION_ERROR", parsed.error().Summary(), parsed.error().ToDetails());
    }
    const ChatRequest& chat = parsed.value();
    WithStore(req, res, [&] {
      const service::TurnResult turn = service::RunChatTurn(*s->engine, *s->store, chat);
      res.set_header("X-Message-Id", turn.messageId);
      res.set_header("X-Session-Id", chat.session_id);
      SendJson(res, 200, Json(turn.response));
    });
  });

  // Everything else: the built page, when there is one. API paths never fall through to files.
  server.Get(R"(/.*)", [s](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) == 0 || req.path == "/api") {
      if (const std::string allow = AllowedMethods(req.path); !allow.empty()) {
        res.set_header("Allow", allow);
        return SendError(req, res, 405, "METHOD_NOT_ALLOWED",
                         req.method + " is not allowed on " + req.path + " (use " + allow + ")");
      }
      return SendError(req, res, 404, "NOT_FOUND", "no route for " + req.path);
    }
    const std::string accept = req.get_header_value("Accept-Encoding");
    auto file = LoadStaticFile(s->config.webRoot, req.path, accept.find("gzip") != std::string::npos);
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
