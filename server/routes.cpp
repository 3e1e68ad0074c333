// HTTP routes, error envelope, request ids and access log (see routes.h).
#include "server/routes.h"

#include <httplib.h>
#include <strings.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <mutex>
#include <regex>
#include <sstream>

#include "model/ids.h"
#include "model/json_text.h"
#include "model/validation.h"
#include "server/openai_client.h"
#include "service/chat_service.h"
#include "service/export.h"
#include "server/static_files.h"

namespace oai::server {

namespace {

using Clock = std::chrono::steady_clock;

// Per-request bookkeeping shared by the pre-routing handler, the handlers and the logger, which all run on the
// connection's thread in that order.
thread_local Clock::time_point t_requestStart;
// The request's Accept-Encoding. cpp-httplib 0.11 would compress text answers itself, with brotli at its slowest
// setting when the client accepts br (measured: ~20 ms for a 5 KB chat answer, ~400 ms for app.js). The pre-routing
// handler takes the header off the request so httplib leaves bodies alone, and keeps it here: JSON answers are
// gzip-compressed at a fast level, static files come precompressed from the build.
thread_local std::string t_acceptEncoding;

bool AcceptsGzip() { return t_acceptEncoding.find("gzip") != std::string::npos; }

const std::regex kSessionPath(R"(^/api/session/([^/]+)$)");
const std::regex kExportPath(R"(^/api/session/([^/]+)/export$)");
const std::regex kStreamPath(R"(^/api/chat/stream/([^/]+)$)");

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

void SendJsonText(httplib::Response& res, int status, std::string text) {
  res.status = status;
  res.set_header("Vary", "Accept-Encoding");
  if (text.size() > 1024 && AcceptsGzip()) {
    if (auto packed = Gzip(text, 1)) {
      res.set_header("Content-Encoding", "gzip");
      text = std::move(*packed);
    }
  }
  res.set_content(std::move(text), "application/json");
}

void SendJson(httplib::Response& res, int status, const Json& body) { SendJsonText(res, status, body.dump()); }

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
  if (path == "/api/chat" || path == "/api/chat/stream" || path == "/api/chat/stream/initiate") return "POST";
  if (path == "/metrics") return "GET";
  if (std::regex_match(path, kSessionPath)) return "GET, DELETE";
  if (std::regex_match(path, kExportPath)) return "GET";
  if (std::regex_match(path, kStreamPath)) return "GET";
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
void WithStore(const Services* s, const httplib::Request& req, httplib::Response& res, F&& body) {
  try {
    body();
  } catch (const service::StoreUnavailable&) {
    s->metrics->StoreError();
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


// Runs a turn for a stream, recording each step as an event and writing the ones after `lastSent` to the client
// while it is connected. The turn always completes (a client that dropped can resume from the record).
// Returns whether the client received every event.
bool RunStreamedTurn(Services* s, StreamStore& streams, const std::string& id, const ChatRequest& request,
                     httplib::DataSink& sink, int lastSent) {
  bool connected = true;
  auto emit = [&](const std::string& name, std::string data) {
    SseEvent e{0, name, std::move(data)};
    try {
      e.id = streams.Append(id, name, e.data);
    } catch (const service::StoreUnavailable&) {
      s->metrics->StoreError();  // not resumable any more, but this client still gets its answer
    }
    if (connected && (e.id == 0 || e.id > lastSent)) {
      const std::string text = FormatSse(e);
      connected = sink.is_writable() && sink.write(text.data(), text.size());
    }
  };
  engine::TurnObserver observer;
  observer.onAgentStatus = [&](AgentId a, AgentStatus st) { emit("agent_status", Json(AgentStatusEvent{a, st}).dump()); };
  observer.onLog = [&](const RetrievalLog& log) { emit("retrieval_log", ToJsonText(log)); };
  observer.onMessageChunk = [&](const std::string& c) { emit("message_chunk", Json(MessageChunkEvent{c}).dump()); };
  try {
    const service::TurnResult turn = service::RunChatTurn(*s->engine, *s->store, request, &observer);
    emit("done", ToJsonText(DoneEvent{turn.response, turn.messageId}));
  } catch (const service::StoreUnavailable&) {
    s->metrics->StoreError();
    emit("stream_error",
         Json(StreamErrorEvent{"STORE_UNAVAILABLE", "the session store is unavailable; retry shortly", true}).dump());
  } catch (const std::exception&) {
    emit("stream_error", Json(StreamErrorEvent{"INTERNAL_ERROR", "internal error", false}).dump());
  }
  try {
    streams.Finish(id);
  } catch (const service::StoreUnavailable&) {
    s->metrics->StoreError();
  }
  return connected;
}

void SetSseHeaders(httplib::Response& res) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
}

}  // namespace

std::unique_ptr<engine::Engine> CreateEngine(const Config& config, std::vector<std::string>* warnings,
                                             std::shared_ptr<engine::ResponseCache> cache) {
  engine::EngineConfig ec;
  ec.cache = std::move(cache);
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

  if (!services.metrics) services.metrics = std::make_shared<Metrics>();
  if (!services.rateLimiter) services.rateLimiter = std::make_shared<RateLimiter>(services.config.rateLimit);
  if (!services.streams) services.streams = std::make_shared<MemoryStreamStore>();

  server.set_pre_routing_handler([s](const httplib::Request& req, httplib::Response& res) {
    t_requestStart = Clock::now();
    // See t_acceptEncoding. httplib builds each Request as a non-const object and hands handlers a const reference;
    // removing the header here is what keeps it from compressing.
    auto& headers = const_cast<httplib::Request&>(req).headers;
    t_acceptEncoding.clear();
    for (auto it = headers.find("Accept-Encoding"); it != headers.end() && it->first.size() == 15 &&
                                                    strcasecmp(it->first.c_str(), "Accept-Encoding") == 0;) {
      t_acceptEncoding += (t_acceptEncoding.empty() ? "" : ", ") + it->second;
      it = headers.erase(it);
    }
    EnsureRequestId(req, res);
    const bool api = req.path.rfind("/api/", 0) == 0;
    // CORS: only origins on the allowlist get the headers that let a browser read the answer.
    const std::string origin = req.get_header_value("Origin");
    const auto& allowed = s->config.corsOrigins;
    const bool originAllowed = !origin.empty() && std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
    if (originAllowed) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Vary", "Origin");
      res.set_header("Access-Control-Expose-Headers", "X-Request-Id, X-Message-Id, X-Session-Id, Retry-After");
    }
    if (api && req.method == "OPTIONS") {
      if (!originAllowed) {
        SendError(req, res, 403, "CORS_FORBIDDEN", "origin " + (origin.empty() ? std::string("(none)") : origin) +
                                                       " is not allowed (CORS_ORIGINS)");
        return httplib::Server::HandlerResponse::Handled;
      }
      res.status = 204;
      res.set_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
      res.set_header("Access-Control-Allow-Headers", "Content-Type, X-Request-Id, Last-Event-ID");
      res.set_header("Access-Control-Max-Age", "600");
      return httplib::Server::HandlerResponse::Handled;
    }
    int retryAfter = 1;
    if (api && !s->rateLimiter->Allow(req.remote_addr, Clock::now(), &retryAfter)) {
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

  server.set_logger([s, logMutex](const httplib::Request& req, const httplib::Response& res) {
    const double seconds = std::chrono::duration<double>(Clock::now() - t_requestStart).count();
    s->metrics->Record(RouteLabel(req.path), req.method, res.status, seconds);
    if (s->accessLog) LogRequest(*s->accessLog, *logMutex, req, res);
  });

  server.Get("/metrics", [s](const httplib::Request&, httplib::Response& res) {
    res.set_content(s->metrics->Render(s->engine->CacheStatistics()), "text/plain; version=0.0.4; charset=utf-8");
  });

  server.Get("/api/health", [s](const httplib::Request&, httplib::Response& res) {
    const HealthStatus h = service::BuildHealth(*s->engine, *s->store);
    SendJson(res, h.store_ok ? 200 : 503, Json(h));
  });

  server.Get("/api/agents", [s](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200, Json(s->engine->Agents()));
  });

  server.Post("/api/session", [s](const httplib::Request& req, httplib::Response& res) {
    WithStore(s, req, res, [&] {
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
    WithStore(s, req, res, [&] {
      auto history = s->store->History(*id);
      if (!history) return SendError(req, res, 404, "SESSION_NOT_FOUND", "no session " + *id);
      SendJson(res, 200, Json(*history));
    });
  });

  server.Get(R"(/api/session/([^/]+)/export)", [s](const httplib::Request& req, httplib::Response& res) {
    auto id = SessionIdFromPath(req, res);
    if (!id) return;
    const std::string format = req.has_param("format") ? req.get_param_value("format") : "md";
    if (format != "md" && format != "json") {
      return SendError(req, res, 400, "VALIDATION_ERROR", "format must be md or json",
                       Json::array({{{"field", "format"}, {"rule", "enum"}, {"message", "format must be md or json"}}}));
    }
    WithStore(s, req, res, [&] {
      auto history = s->store->History(*id);
      if (!history) return SendError(req, res, 404, "SESSION_NOT_FOUND", "no session " + *id);
      res.set_header("Content-Disposition", "attachment; filename=\"orchestratai-" + *id + "." + format + "\"");
      if (format == "json") {
        res.set_content(service::ExportJson(*history).dump(2), "application/json");
      } else {
        res.set_content(service::ExportMarkdown(*history), "text/markdown; charset=utf-8");
      }
    });
  });

  server.Delete(R"(/api/session/([^/]+))", [s](const httplib::Request& req, httplib::Response& res) {
    auto id = SessionIdFromPath(req, res);
    if (!id) return;
    WithStore(s, req, res, [&] {
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
    WithStore(s, req, res, [&] {
      const service::TurnResult turn = service::RunChatTurn(*s->engine, *s->store, chat);
      res.set_header("X-Message-Id", turn.messageId);
      res.set_header("X-Session-Id", chat.session_id);
      SendJsonText(res, 200, ToJsonText(turn.response));
    });
  });


  // Streaming: the same turn as /api/chat, as server-sent events while it runs.
  server.Post("/api/chat/stream", [s](const httplib::Request& req, httplib::Response& res) {
    if (!IsJsonContentType(req)) {
      return SendError(req, res, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
    }
    Result<ChatRequest> parsed = ParseChatRequest(req.body);
    if (!parsed) return SendError(req, res, 400, "VALIDATION_ERROR", parsed.error().Summary(), parsed.error().ToDetails());
    if (static_cast<std::size_t>(s->metrics->ActiveStreams()) >= s->maxStreams) {
      res.set_header("Retry-After", "1");
      return SendError(req, res, 503, "TOO_MANY_STREAMS", "too many open streams; retry shortly", Json{{"retryable", true}});
    }
    // Not resumable (the client holds the connection): recorded in a private memory store for the turn's duration.
    auto local = std::make_shared<MemoryStreamStore>();
    const std::string streamId = local->Create(parsed.value());
    const ChatRequest request = parsed.value();
    SetSseHeaders(res);
    s->metrics->StreamStarted();
    res.set_chunked_content_provider(
        "text/event-stream",
        [s, local, streamId, request](std::size_t, httplib::DataSink& sink) {
          RunStreamedTurn(s, *local, streamId, request, sink, 0);
          sink.done();
          return true;
        },
        [s](bool) { s->metrics->StreamEnded(); });
  });

  server.Post("/api/chat/stream/initiate", [s](const httplib::Request& req, httplib::Response& res) {
    if (!IsJsonContentType(req)) {
      return SendError(req, res, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
    }
    Result<ChatRequest> parsed = ParseChatRequest(req.body);
    if (!parsed) return SendError(req, res, 400, "VALIDATION_ERROR", parsed.error().Summary(), parsed.error().ToDetails());
    if (s->streams->Size() + static_cast<std::size_t>(s->metrics->ActiveStreams()) >= s->maxStreams * 4) {
      res.set_header("Retry-After", "1");
      return SendError(req, res, 503, "TOO_MANY_STREAMS", "too many pending streams; retry shortly", Json{{"retryable", true}});
    }
    WithStore(s, req, res, [&] { SendJson(res, 201, Json{{"stream_id", s->streams->Create(parsed.value())}}); });
  });

  server.Get(R"(/api/chat/stream/([^/]+))", [s](const httplib::Request& req, httplib::Response& res) {
    const std::string raw = req.matches[1];
    const std::string key = IsUuid(raw) ? NormalizeUuid(raw) : raw;
    std::optional<ChatRequest> request;
    try {
      if (IsUuid(raw)) request = s->streams->Request(key);
    } catch (const service::StoreUnavailable&) {
      s->metrics->StoreError();
      res.set_header("Retry-After", "1");
      return SendError(req, res, 503, "STORE_UNAVAILABLE", "the stream store is unavailable; retry shortly", Json{{"retryable", true}});
    }
    int lastId = 0;
    if (req.has_header("Last-Event-ID")) {
      const std::string v = req.get_header_value("Last-Event-ID");
      if (!v.empty() && v.size() < 9 && v.find_first_not_of("0123456789") == std::string::npos) lastId = std::stoi(v);
    }
    bool delivered = false;
    try {
      delivered = request && lastId == 0 && s->streams->Delivered(key);
    } catch (const service::StoreUnavailable&) {
    }
    if (!request || delivered) {
      return SendError(req, res, 404, "STREAM_NOT_FOUND",
                       "no stream " + raw + " (streams are kept 5 minutes and delivered once; resume with Last-Event-ID)");
    }
    if (static_cast<std::size_t>(s->metrics->ActiveStreams()) >= s->maxStreams) {
      res.set_header("Retry-After", "1");
      return SendError(req, res, 503, "TOO_MANY_STREAMS", "too many open streams; retry shortly", Json{{"retryable", true}});
    }
    SetSseHeaders(res);
    s->metrics->StreamStarted();
    res.set_chunked_content_provider(
        "text/event-stream",
        [s, key, request = *request, lastId](std::size_t, httplib::DataSink& sink) {
          try {
            if (s->streams->Claim(key)) {
              if (RunStreamedTurn(s, *s->streams, key, request, sink, lastId)) s->streams->MarkDelivered(key);
              sink.done();
              return true;  // kept for a Last-Event-ID resume until it expires
            } else {
              // Another connection (maybe on another replica) runs or ran the turn: replay what this client has not
              // seen, then follow along until it is done.
              int sent = lastId;
              bool finished = false;
              while (!finished) {
                for (const SseEvent& e : s->streams->EventsAfter(key, sent, std::chrono::milliseconds(200), &finished)) {
                  const std::string text = FormatSse(e);
                  sent = e.id;
                  if (!sink.is_writable() || !sink.write(text.data(), text.size())) return false;
                }
                if (!sink.is_writable()) return false;
              }
            }
            // A resume delivered to the end: the stream is used up ("the rest, once").
            s->streams->Remove(key);
          } catch (const service::StoreUnavailable&) {
            s->metrics->StoreError();
            const std::string text = FormatSse({0, "stream_error", Json(StreamErrorEvent{"STORE_UNAVAILABLE",
                                                                                      "the stream store is unavailable; reconnect shortly", true}).dump()});
            sink.write(text.data(), text.size());
          }
          sink.done();
          return true;
        },
        [s](bool) { s->metrics->StreamEnded(); });
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
