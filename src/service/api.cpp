// The API's route table and envelope (see api.h).
#include "service/api.h"

#include <strings.h>

#include <cctype>

#include "model/ids.h"
#include "model/json_text.h"
#include "model/sse.h"
#include "model/validation.h"
#include "service/chat_service.h"
#include "service/export.h"
#include "service/insights.h"

namespace oai::service {

namespace {

constexpr const char* kJson = "application/json";

ApiResponse JsonReply(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.contentType = kJson;
  r.body = std::move(body);
  return r;
}

// "/api/session/<id>" → "<id>"; "/api/session/<id>/export" → "<id>" with *suffix = "export".
bool SplitSessionPath(const std::string& path, std::string* id, std::string* suffix) {
  static const std::string prefix = "/api/session/";
  if (path.rfind(prefix, 0) != 0 || path.size() == prefix.size()) return false;
  const std::string rest = path.substr(prefix.size());
  const auto slash = rest.find('/');
  *id = rest.substr(0, slash);
  *suffix = slash == std::string::npos ? "" : rest.substr(slash + 1);
  return !id->empty() && (suffix->empty() || *suffix == "export");
}

// The value of `key` in a query string ("format=md&x=1"); percent-encoding is not needed by any parameter we read.
std::optional<std::string> QueryParam(const std::string& query, const std::string& key) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    const std::size_t amp = query.find('&', pos);
    const std::string pair = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string::npos ? std::string() : pair.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return std::nullopt;
}

bool IsJsonContentType(const std::string& type) {
  const std::string want = kJson;
  if (type.size() < want.size() || strncasecmp(type.c_str(), want.c_str(), want.size()) != 0) return false;
  return type.size() == want.size() || type[want.size()] == ';' || type[want.size()] == ' ';
}

// A 400 for one field, with the envelope's details naming it.
ApiResponse Invalid(const char* field, const char* rule, const std::string& message, const std::string& requestId) {
  const ValidationError error{{{field, rule, message}}};
  return ErrorResponseFor(400, "VALIDATION_ERROR", message, requestId, error.ToDetails());
}

// "GET, DELETE" allows GET and DELETE.
bool Allows(const std::string& allow, const std::string& method) {
  std::size_t pos = 0;
  while (pos < allow.size()) {
    std::size_t comma = allow.find(", ", pos);
    if (allow.compare(pos, comma == std::string::npos ? std::string::npos : comma - pos, method) == 0) return true;
    if (comma == std::string::npos) break;
    pos = comma + 2;
  }
  return false;
}

bool IsStreamPath(const std::string& path) {
  static const std::string prefix = "/api/chat/stream/";
  return path.rfind(prefix, 0) == 0 && path.size() > prefix.size() &&
         path.find('/', prefix.size()) == std::string::npos && path != "/api/chat/stream/initiate";
}

}  // namespace

std::string ApiResponse::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

const char* ErrorCodeForStatus(int status) {
  switch (status) {
    case 400: return "VALIDATION_ERROR";
    case 401: return "UNAUTHORIZED";
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

bool IsSaneRequestId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string RequestIdFor(const std::string& incoming) { return IsSaneRequestId(incoming) ? incoming : NewUuidV4(); }

ApiResponse ErrorResponseFor(int status, const std::string& code, const std::string& message,
                             const std::string& requestId, std::optional<Json> details) {
  ErrorResponse err;
  err.error.code = code;
  err.error.message = message;
  err.error.details = std::move(details);
  err.error.timestamp = NowIso8601();
  err.error.requestId = requestId;
  ApiResponse r = JsonReply(status, Json(err).dump());
  r.headers.emplace_back("X-Request-Id", requestId);
  return r;
}

namespace {

// "/api/documents/billing/pricing-plans.md" → "billing/pricing-plans.md" (percent-escapes decoded); "" otherwise.
std::string DocumentIdOf(const std::string& path) {
  static const std::string prefix = "/api/documents/";
  if (path.rfind(prefix, 0) != 0 || path.size() == prefix.size()) return "";
  std::string id;
  for (std::size_t i = prefix.size(); i < path.size(); ++i) {
    const auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    if (path[i] == '%' && i + 2 < path.size() && hex(path[i + 1]) && hex(path[i + 2])) {
      id.push_back(static_cast<char>(std::stoi(path.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      id.push_back(path[i]);
    }
  }
  return id;
}

}  // namespace

std::string AllowedMethods(const std::string& path) {
  if (path == "/api/health" || path == "/api/agents" || path == "/api/documents" || path == "/api/insights") return "GET";
  if (!DocumentIdOf(path).empty()) return "GET";
  if (path == "/api/session" || path == "/api/feedback") return "POST";
  if (path == "/api/chat" || path == "/api/chat/stream" || path == "/api/chat/stream/initiate") return "POST";
  if (path == "/metrics") return "GET";
  std::string id, suffix;
  if (SplitSessionPath(path, &id, &suffix)) return suffix.empty() ? "GET, DELETE" : "GET";
  if (IsStreamPath(path)) return "GET";
  return "";
}

std::variant<ChatRequest, ApiResponse> ParseChatBody(const ApiRequest& request, const std::string& requestId) {
  if (!IsJsonContentType(request.contentType)) {
    return ErrorResponseFor(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json", requestId);
  }
  Result<ChatRequest> parsed = ParseChatRequest(request.body);
  if (!parsed) {
    return ErrorResponseFor(400, "VALIDATION_ERROR", parsed.error().Summary(), requestId, parsed.error().ToDetails());
  }
  return std::move(parsed.value());
}

ApiResponse Api::Handle(const ApiRequest& request) {
  const std::string requestId = RequestIdFor(request.requestId);
  const auto q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : request.target.substr(q + 1);
  ApiResponse r;
  try {
    r = Route(request, path, query, requestId);
  } catch (const StoreUnavailable&) {
    r = ErrorResponseFor(503, "STORE_UNAVAILABLE", "the session store is unavailable; retry shortly", requestId,
                         Json{{"retryable", true}});
    r.headers.emplace_back("Retry-After", "1");
    r.storeUnavailable = true;
  } catch (const std::exception&) {
    // The exception's text stays out of the response: it may name internals.
    r = ErrorResponseFor(500, "INTERNAL_ERROR", "internal error", requestId);
  }
  if (r.Header("X-Request-Id").empty()) r.headers.emplace_back("X-Request-Id", requestId);
  return r;
}

namespace {
// Compares every byte whatever the first difference, so the time taken does not tell how much of a guess was right.
bool SameSecret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}
}  // namespace

ApiResponse Api::Insights(const ApiRequest& request, const std::string& query, const std::string& requestId) {
  if (!m_options.insights) {
    return ErrorResponseFor(404, "INSIGHTS_DISABLED", "insights are turned off on this server (--no-insights)", requestId);
  }
  if (!m_options.insightsToken.empty()) {
    const std::string prefix = "Bearer ";
    const std::string& header = request.authorization;
    const bool ok = header.size() > prefix.size() && strncasecmp(header.c_str(), prefix.c_str(), prefix.size()) == 0 &&
                    SameSecret(header.substr(prefix.size()), m_options.insightsToken);
    if (!ok) {
      ApiResponse r = ErrorResponseFor(401, "UNAUTHORIZED",
                                       header.empty() ? "insights need the token: send Authorization: Bearer <token>"
                                                      : "the insights token is not right",
                                       requestId);
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"insights\"");
      return r;
    }
  }
  auto range = ParseInsightsRange(QueryParam(query, "from"), QueryParam(query, "to"), NowIso8601());
  if (const auto* error = std::get_if<FieldError>(&range)) {
    const ValidationError invalid{{*error}};
    return ErrorResponseFor(400, "VALIDATION_ERROR", error->message, requestId, invalid.ToDetails());
  }
  const std::string format = QueryParam(query, "format").value_or("json");
  if (format != "json" && format != "csv") return Invalid("format", "enum", "format must be json or csv", requestId);
  const InsightsRange& r = std::get<InsightsRange>(range);
  Json report = BuildInsights(m_store.Insights(r), r);
  report["generated_at"] = NowIso8601();
  if (format == "json") return JsonReply(200, report.dump());
  ApiResponse csv;
  csv.status = 200;
  csv.contentType = "text/csv; charset=utf-8";
  csv.body = GapsCsv(report);
  csv.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"orchestratai-content-gaps-" + r.from + "-to-" + r.to + ".csv\"");
  return csv;
}

ApiResponse Api::Route(const ApiRequest& request, const std::string& path, const std::string& query,
                       const std::string& requestId) {
  const std::string& method = request.method;
  const std::string allow = AllowedMethods(path);
  if (allow.empty()) return ErrorResponseFor(404, "NOT_FOUND", "no route for " + path, requestId);
  if (!Allows(allow, method)) {
    ApiResponse r = ErrorResponseFor(405, "METHOD_NOT_ALLOWED",
                                     method + " is not allowed on " + path + " (use " + allow + ")", requestId);
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  // POST /api/chat/stream without a held connection (the page's in-browser backend): the same events, written whole
  // once the turn is done. The server streams them as they happen (server/stream_routes.cpp routes it first).
  if (path == "/api/chat/stream") {
    auto parsed = ParseChatBody(request, requestId);
    if (auto* error = std::get_if<ApiResponse>(&parsed)) return std::move(*error);
    std::string events;
    int id = 0;
    const auto emit = [&](const char* name, std::string data) { events += FormatSse({++id, name, std::move(data)}); };
    const EventSink sink = emit;
    const TurnResult turn = RunChatTurn(m_engine, m_store, std::get<ChatRequest>(parsed), &sink);
    emit("done", ToJsonText(DoneEvent{turn.response, turn.messageId}, turn.logTexts));
    ApiResponse r;
    r.status = 200;
    r.contentType = "text/event-stream";
    r.body = std::move(events);
    return r;
  }
  // Resumable streams and metrics need the server (held connections, its counters): it routes them before they
  // reach here.
  if (path == "/metrics" || path.rfind("/api/chat/stream", 0) == 0) {
    return ErrorResponseFor(404, "NOT_FOUND", "no route for " + path + " here (served by the companion server)",
                            requestId);
  }

  if (path == "/api/health") {
    const HealthStatus h = BuildHealth(m_engine, m_store);
    return JsonReply(h.store_ok ? 200 : 503, Json(h).dump());
  }
  if (path == "/api/agents") return JsonReply(200, Json(m_engine.Agents()).dump());
  if (path == "/api/insights") return Insights(request, query, requestId);
  if (path == "/api/documents") return JsonReply(200, Json(m_engine.Documents()).dump());
  if (const std::string id = DocumentIdOf(path); !id.empty()) {
    const std::optional<DocumentDetail> doc = m_engine.Document(id);
    if (!doc) return ErrorResponseFor(404, "DOCUMENT_NOT_FOUND", "no document " + id + " in the knowledge base", requestId);
    return JsonReply(200, Json(*doc).dump());
  }
  if (path == "/api/session") {
    SessionCreated created;
    created.session_id = NewUuidV4();
    created.created_at = m_store.Ensure(created.session_id, NowIso8601()).start_time;
    return JsonReply(201, Json(created).dump());
  }
  if (path == "/api/feedback") {
    if (!IsJsonContentType(request.contentType)) {
      return ErrorResponseFor(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json", requestId);
    }
    Result<FeedbackRequest> parsed = ParseFeedbackRequest(request.body);
    if (!parsed) {
      return ErrorResponseFor(400, "VALIDATION_ERROR", parsed.error().Summary(), requestId, parsed.error().ToDetails());
    }
    const FeedbackRequest& vote = parsed.value();
    FeedbackRecord record{vote.session_id, vote.message_id, Feedback{vote.rating, vote.reason, vote.comment, NowIso8601()}};
    switch (m_store.SetFeedback(vote.session_id, vote.message_id, record.feedback)) {
      case FeedbackOutcome::Stored: return JsonReply(200, Json(record).dump());
      case FeedbackOutcome::NoSession:
        return ErrorResponseFor(404, "SESSION_NOT_FOUND", "no session " + vote.session_id, requestId);
      case FeedbackOutcome::NoMessage:
        return ErrorResponseFor(404, "MESSAGE_NOT_FOUND",
                                "no message " + vote.message_id + " in session " + vote.session_id, requestId);
      case FeedbackOutcome::NotAnAnswer:
        return Invalid("message_id", "role", "message_id must name an answer (an assistant message), not a question",
                       requestId);
    }
  }
  if (path == "/api/chat") {
    auto parsed = ParseChatBody(request, requestId);
    if (auto* error = std::get_if<ApiResponse>(&parsed)) return std::move(*error);
    const ChatRequest& chat = std::get<ChatRequest>(parsed);
    const TurnResult turn = RunChatTurn(m_engine, m_store, chat);
    ApiResponse r = JsonReply(200, ToJsonText(turn.response, turn.logTexts));
    r.headers.emplace_back("X-Message-Id", turn.messageId);
    r.headers.emplace_back("X-Session-Id", chat.session_id);
    return r;
  }

  std::string rawId, suffix;
  SplitSessionPath(path, &rawId, &suffix);
  if (!IsUuid(rawId)) {
    return Invalid("session_id", "format", "session id must be a UUID", requestId);
  }
  const std::string id = NormalizeUuid(rawId);
  if (suffix == "export") {
    const std::string format = QueryParam(query, "format").value_or("md");
    if (format != "md" && format != "json") {
      return Invalid("format", "enum", "format must be md or json", requestId);
    }
    auto history = m_store.History(id);
    if (!history) return ErrorResponseFor(404, "SESSION_NOT_FOUND", "no session " + id, requestId);
    ApiResponse r;
    r.status = 200;
    if (format == "json") {
      r.contentType = kJson;
      r.body = ExportJson(*history).dump(2);
    } else {
      r.contentType = "text/markdown; charset=utf-8";
      r.body = ExportMarkdown(*history);
    }
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"orchestratai-" + id + "." + format + "\"");
    return r;
  }
  if (method == "GET") {
    auto history = m_store.History(id);
    if (!history) return ErrorResponseFor(404, "SESSION_NOT_FOUND", "no session " + id, requestId);
    return JsonReply(200, Json(*history).dump());
  }
  // DELETE
  if (!m_store.Delete(id)) return ErrorResponseFor(404, "SESSION_NOT_FOUND", "no session " + id, requestId);
  ApiResponse r;
  r.status = 204;
  return r;
}

}  // namespace oai::service
