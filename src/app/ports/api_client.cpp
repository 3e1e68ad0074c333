// ApiClient: REST calls over the Transport, strict validation of every answer, and the failure classes the UI shows.
#include "app/ports/api_client.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <string_view>

#include "model/ids.h"
#include "model/validation.h"

namespace oai::app {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
  return it != haystack.end();
}

std::optional<std::string> FindHeader(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (EqualsIgnoreCase(k, name)) return v;
  return std::nullopt;
}

// Retry-After is either delay-seconds or an HTTP date; the server sends seconds, and a date is treated as absent.
int ParseRetryAfter(const std::optional<std::string>& value) {
  if (!value || value->empty() || value->size() > 9) return -1;
  int seconds = 0;
  for (char c : *value) {
    if (c < '0' || c > '9') return -1;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

std::string StatusText(int status) { return "HTTP " + std::to_string(status); }

// Converts with the model's from_json; a type mismatch becomes an error text instead of an exception.
template <class T>
std::optional<T> TryConvert(const Json& j, std::string* error) {
  try {
    return j.get<T>();
  } catch (const std::exception& ex) {
    *error = ex.what();
    return std::nullopt;
  }
}

}  // namespace

const char* ToString(ApiErrorKind kind) {
  switch (kind) {
    case ApiErrorKind::Network: return "network";
    case ApiErrorKind::Timeout: return "timeout";
    case ApiErrorKind::Validation: return "validation";
    case ApiErrorKind::NotFound: return "not_found";
    case ApiErrorKind::RateLimited: return "rate_limited";
    case ApiErrorKind::Server: return "server";
    case ApiErrorKind::InvalidResponse: return "invalid_response";
  }
  return "unknown";
}

ApiError InvalidResponseError(const HttpResponse& response, const std::string& detail) {
  ApiError e;
  e.kind = ApiErrorKind::InvalidResponse;
  e.status = response.status;
  e.message = "The server's answer could not be understood (it does not match the API contract).";
  e.detail = detail;
  e.requestId = FindHeader(response, "X-Request-Id").value_or("");
  // A broken answer is a bug, not a hiccup: sending the same request again would get the same answer.
  e.retryable = false;
  return e;
}

ApiError ClassifyFailure(const HttpResponse& response) {
  ApiError e;
  e.status = response.status;
  e.requestId = FindHeader(response, "X-Request-Id").value_or("");
  if (response.status == 0) {
    const bool timedOut = ContainsIgnoreCase(response.error, "timeout") || ContainsIgnoreCase(response.error, "timed out");
    e.kind = timedOut ? ApiErrorKind::Timeout : ApiErrorKind::Network;
    e.message = timedOut ? "The server did not answer in time. Try again."
                         : "Can't reach the server. Check your connection and try again.";
    e.detail = response.error;
    e.retryable = true;
    return e;
  }

  // The server's envelope, when there is one, carries the precise reason (which field, which rule).
  std::string serverMessage;
  if (auto envelope = ParseErrorResponse(response.body); envelope.ok()) {
    serverMessage = envelope.value().error.message;
    e.code = envelope.value().error.code;
    if (!envelope.value().error.requestId.empty()) e.requestId = envelope.value().error.requestId;
  }
  e.detail = serverMessage.empty() ? StatusText(response.status) : serverMessage;

  const int s = response.status;
  if (s == 408) {
    e.kind = ApiErrorKind::Timeout;
    e.message = "The server did not answer in time. Try again.";
    e.retryable = true;
  } else if (s == 404) {
    e.kind = ApiErrorKind::NotFound;
    e.message = serverMessage.empty() ? "Not found on the server." : serverMessage;
  } else if (s == 429) {
    e.kind = ApiErrorKind::RateLimited;
    e.retryAfterSeconds = ParseRetryAfter(FindHeader(response, "Retry-After"));
    e.message = e.retryAfterSeconds >= 0
                    ? "Too many requests. Wait " + std::to_string(e.retryAfterSeconds) + " s and try again."
                    : "Too many requests. Wait a moment and try again.";
    e.retryable = true;
  } else if (s >= 500) {
    e.kind = ApiErrorKind::Server;
    e.message = s == 503 ? "The service is temporarily unavailable (HTTP 503). Try again in a moment."
                         : "The server had a problem (" + StatusText(s) + "). Try again in a moment.";
    e.retryAfterSeconds = ParseRetryAfter(FindHeader(response, "Retry-After"));
    e.retryable = true;
  } else if (s >= 400) {
    e.kind = ApiErrorKind::Validation;
    e.message = serverMessage.empty() ? "The server refused the request (" + StatusText(s) + ")." : serverMessage;
  } else {
    // 1xx/3xx reaching the app (redirects are followed by the transports) or a 2xx handled as failure by a caller.
    e = InvalidResponseError(response, "unexpected status " + StatusText(s));
  }
  return e;
}

ApiClient::ApiClient(Transport* transport, std::string baseUrl) : m_transport(transport), m_baseUrl(std::move(baseUrl)) {
  while (!m_baseUrl.empty() && m_baseUrl.back() == '/') m_baseUrl.pop_back();
}

HttpRequest ApiClient::MakeRequest(const char* method, const std::string& path) const {
  HttpRequest req;
  req.method = method;
  req.url = m_baseUrl + path;
  req.headers.emplace_back("Accept", "application/json");
  return req;
}

void ApiClient::PostChat(const ChatRequest& request, std::function<void(ApiResult<ChatAnswer>)> onDone) {
  HttpRequest req = MakeRequest("POST", "/api/chat");
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = Json(request).dump();
  m_transport->Send(req, [onDone = std::move(onDone)](HttpResponse r) {
    if (r.status < 200 || r.status >= 300) return onDone(ApiResult<ChatAnswer>::Failure(ClassifyFailure(r)));
    auto parsed = ParseChatResponse(r.body);
    if (!parsed.ok()) return onDone(ApiResult<ChatAnswer>::Failure(InvalidResponseError(r, parsed.error().Summary())));
    std::string messageId;
    for (const auto& [name, value] : r.headers)
      if (strcasecmp(name.c_str(), "X-Message-Id") == 0 && IsUuid(value)) messageId = NormalizeUuid(value);
    onDone(ApiResult<ChatAnswer>::Success(ChatAnswer{std::move(parsed.value()), std::move(messageId)}));
  });
}

namespace {

ApiError StreamFailure(std::string message, std::string detail) {
  ApiError e;
  e.kind = ApiErrorKind::Network;
  e.message = std::move(message);
  e.detail = std::move(detail);
  e.retryable = true;
  return e;
}

}  // namespace

void ApiClient::StreamChat(const ChatRequest& request, ChatStreamHandlers handlers) {
  HttpRequest req = MakeRequest("POST", "/api/chat/stream");
  req.headers = {{"Accept", "text/event-stream"}, {"Content-Type", "application/json"}};
  req.body = Json(request).dump();
  struct Progress {
    ChatStreamHandlers handlers;
    int events = 0;
    bool finished = false;
    void Finish(ApiResult<ChatAnswer> result) {
      if (finished) return;
      finished = true;
      handlers.onDone(std::move(result));
    }
  };
  auto progress = std::make_shared<Progress>();
  progress->handlers = std::move(handlers);
  auto onEvent = [progress](SseEvent e) {
    if (progress->finished) return;
    ++progress->events;
    const Json j = ParseJsonOrDiscarded(e.data);
    std::string error;
    const auto invalid = [&](const std::string& detail) {
      HttpResponse r;
      r.status = 200;
      progress->Finish(ApiResult<ChatAnswer>::Failure(InvalidResponseError(r, e.name + " event: " + detail)));
    };
    if (e.name == "agent_status") {
      auto status = TryConvert<AgentStatusEvent>(j, &error);
      if (!status) return invalid(error);
      if (progress->handlers.onStatus) progress->handlers.onStatus(*status);
    } else if (e.name == "retrieval_log") {
      if (auto errors = ValidateRetrievalLog(j); !errors.empty()) return invalid(errors.front().message);
      auto log = TryConvert<RetrievalLog>(j, &error);
      if (!log) return invalid(error);
      if (progress->handlers.onLog) progress->handlers.onLog(std::move(*log));
    } else if (e.name == "message_chunk") {
      auto chunk = TryConvert<MessageChunkEvent>(j, &error);
      if (!chunk) return invalid(error);
      if (progress->handlers.onChunk) progress->handlers.onChunk(std::move(chunk->content));
    } else if (e.name == "done") {
      if (!j.is_object() || !j.contains("message_id")) return invalid("the answer has no message_id");
      const Json& id = j.at("message_id");
      if (!id.is_string() || !IsUuid(id.get_ref<const std::string&>())) return invalid("message_id must be a UUID");
      Json response = j;
      response.erase("message_id");
      auto parsed = ParseChatResponse(response.dump());
      if (!parsed.ok()) return invalid(parsed.error().Summary());
      progress->Finish(ApiResult<ChatAnswer>::Success(
          ChatAnswer{std::move(parsed.value()), NormalizeUuid(id.get_ref<const std::string&>())}));
    } else if (e.name == "stream_error") {
      auto failure = TryConvert<StreamErrorEvent>(j, &error);
      if (!failure) return invalid(error);
      ApiError err;
      err.kind = ApiErrorKind::Server;
      err.code = failure->code;
      err.message = failure->message.empty() ? "The server could not finish the answer." : failure->message;
      if (!err.message.empty()) err.message[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(err.message[0])));
      if (err.message.back() != '.') err.message += '.';
      err.retryable = failure->retryable;
      progress->Finish(ApiResult<ChatAnswer>::Failure(std::move(err)));
    }  // other events (a newer server's) are skipped
  };
  auto onEnd = [this, progress, request](HttpResponse r) {
    if (progress->finished) return;
    if (progress->events == 0) {
      // Nothing arrived: streaming is not possible here. The same turn as a plain request, once.
      progress->finished = true;
      PostChat(request, std::move(progress->handlers.onDone));
      return;
    }
    if (r.status >= 200 && r.status < 300) {
      return progress->Finish(ApiResult<ChatAnswer>::Failure(
          StreamFailure("The answer stopped before it was complete. Try again.", "the stream ended without done")));
    }
    progress->Finish(ApiResult<ChatAnswer>::Failure(
        StreamFailure("The connection dropped before the answer was complete. Try again.", r.error)));
  };
  m_transport->Stream(req, std::move(onEvent), std::move(onEnd));
}

void ApiClient::PostFeedback(const FeedbackRequest& request, std::function<void(ApiResult<FeedbackRecord>)> onDone) {
  HttpRequest req = MakeRequest("POST", "/api/feedback");
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = Json(request).dump();
  m_transport->Send(req, [onDone = std::move(onDone)](HttpResponse r) {
    if (r.status < 200 || r.status >= 300) return onDone(ApiResult<FeedbackRecord>::Failure(ClassifyFailure(r)));
    std::string error;
    auto record = TryConvert<FeedbackRecord>(ParseJsonOrDiscarded(r.body), &error);
    if (!record) return onDone(ApiResult<FeedbackRecord>::Failure(InvalidResponseError(r, error)));
    onDone(ApiResult<FeedbackRecord>::Success(std::move(*record)));
  });
}

void ApiClient::GetDocument(const std::string& id, std::function<void(ApiResult<DocumentDetail>)> onDone) {
  // The id is a path ("policy/refunds.md"): its slashes stay, anything else outside [A-Za-z0-9._-] is escaped.
  std::string escaped;
  for (unsigned char c : id) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-') {
      escaped.push_back(static_cast<char>(c));
    } else {
      static const char* hex = "0123456789ABCDEF";
      escaped += {'%', hex[c >> 4], hex[c & 15]};
    }
  }
  HttpRequest req = MakeRequest("GET", "/api/documents/" + escaped);
  m_transport->Send(req, [onDone = std::move(onDone), id](HttpResponse r) {
    if (r.status < 200 || r.status >= 300) return onDone(ApiResult<DocumentDetail>::Failure(ClassifyFailure(r)));
    const Json j = ParseJsonOrDiscarded(r.body);
    static const std::set<std::string> kKeys = {"id", "path", "title", "domain", "content", "chunks"};
    if (!j.is_object() || j.size() != kKeys.size())
      return onDone(ApiResult<DocumentDetail>::Failure(InvalidResponseError(r, "a document has exactly id, path, title, domain, content, chunks")));
    for (const auto& [key, value] : j.items())
      if (!kKeys.count(key)) return onDone(ApiResult<DocumentDetail>::Failure(InvalidResponseError(r, "unexpected key " + key)));
    std::string error;
    auto doc = TryConvert<DocumentDetail>(j, &error);
    if (!doc) return onDone(ApiResult<DocumentDetail>::Failure(InvalidResponseError(r, error)));
    if (doc->id != id) return onDone(ApiResult<DocumentDetail>::Failure(InvalidResponseError(r, "asked for " + id + ", got " + doc->id)));
    const auto size = static_cast<std::int64_t>(doc->content.size());
    for (const DocumentSection& c : doc->chunks) {
      if (c.start < 0 || c.start > c.end || c.end > size)
        return onDone(ApiResult<DocumentDetail>::Failure(InvalidResponseError(r, "a section lies outside the document")));
    }
    onDone(ApiResult<DocumentDetail>::Success(std::move(*doc)));
  });
}

void ApiClient::GetExport(const std::string& sessionId, bool json, std::function<void(ApiResult<std::string>)> onDone) {
  HttpRequest req = MakeRequest("GET", "/api/session/" + sessionId + "/export?format=" + (json ? "json" : "md"));
  req.headers = {{"Accept", json ? "application/json" : "text/markdown"}};
  m_transport->Send(req, [onDone = std::move(onDone), json](HttpResponse r) {
    if (r.status < 200 || r.status >= 300) return onDone(ApiResult<std::string>::Failure(ClassifyFailure(r)));
    if (r.body.empty() || (json && !ParseJsonOrDiscarded(r.body).is_object()))
      return onDone(ApiResult<std::string>::Failure(InvalidResponseError(r, "the export is empty or not JSON")));
    onDone(ApiResult<std::string>::Success(std::move(r.body)));
  });
}

void ApiClient::GetInsights(std::function<void(ApiResult<InsightsReport>)> onDone) {
  m_transport->Send(MakeRequest("GET", "/api/insights"), [onDone = std::move(onDone)](HttpResponse r) {
    if (r.status < 200 || r.status >= 300) return onDone(ApiResult<InsightsReport>::Failure(ClassifyFailure(r)));
    std::string error;
    auto report = TryConvert<InsightsReport>(ParseJsonOrDiscarded(r.body), &error);
    if (!report) return onDone(ApiResult<InsightsReport>::Failure(InvalidResponseError(r, error)));
    onDone(ApiResult<InsightsReport>::Success(std::move(*report)));
  });
}

void ApiClient::GetInsightsCsv(std::function<void(ApiResult<std::string>)> onDone) {
  HttpRequest req = MakeRequest("GET", "/api/insights?format=csv");
  req.headers = {{"Accept", "text/csv"}};
  m_transport->Send(req, [onDone = std::move(onDone)](HttpResponse r) {
    if (r.status < 200 || r.status >= 300) return onDone(ApiResult<std::string>::Failure(ClassifyFailure(r)));
    onDone(ApiResult<std::string>::Success(std::move(r.body)));
  });
}

void ApiClient::DeleteSession(const std::string& sessionId, std::function<void(ApiResult<bool>)> onDone) {
  HttpRequest req = MakeRequest("DELETE", "/api/session/" + sessionId);
  m_transport->Send(req, [onDone = std::move(onDone)](HttpResponse r) {
    if ((r.status >= 200 && r.status < 300) || r.status == 404) return onDone(ApiResult<bool>::Success(true));
    onDone(ApiResult<bool>::Failure(ClassifyFailure(r)));
  });
}

void ApiClient::GetSession(const std::string& sessionId, std::function<void(ApiResult<SessionHistory>)> onDone) {
  HttpRequest req = MakeRequest("GET", "/api/session/" + sessionId);
  m_transport->Send(req, [onDone = std::move(onDone)](HttpResponse r) {
    if (r.status < 200 || r.status >= 300) return onDone(ApiResult<SessionHistory>::Failure(ClassifyFailure(r)));
    Json j = ParseJsonOrDiscarded(r.body);
    if (!j.is_object() || !j.contains("session") || !j.contains("messages") || !j.contains("logs") ||
        !j["logs"].is_array())
      return onDone(ApiResult<SessionHistory>::Failure(
          InvalidResponseError(r, "session history must be an object with session, messages and logs")));
    // Logs are shown field by field in the retrieval panel, so they get the same strict check as a chat answer's.
    for (std::size_t i = 0; i < j["logs"].size(); ++i) {
      auto errors = ValidateRetrievalLog(j["logs"][i], "logs[" + std::to_string(i) + "]");
      if (!errors.empty())
        return onDone(ApiResult<SessionHistory>::Failure(InvalidResponseError(r, errors.front().message)));
    }
    std::string error;
    auto history = TryConvert<SessionHistory>(j, &error);
    if (!history) return onDone(ApiResult<SessionHistory>::Failure(InvalidResponseError(r, error)));
    onDone(ApiResult<SessionHistory>::Success(std::move(*history)));
  });
}

void ApiClient::GetHealth(std::function<void(ApiResult<HealthStatus>)> onDone) {
  HttpRequest req = MakeRequest("GET", "/api/health");
  req.timeoutMs = 10000;
  m_transport->Send(req, [onDone = std::move(onDone)](HttpResponse r) {
    // 503 with a health body means "up but degraded" (the store is unreachable): the server answered, so it is online.
    const bool healthBody = (r.status >= 200 && r.status < 300) || r.status == 503;
    if (healthBody) {
      Json j = ParseJsonOrDiscarded(r.body);
      if (j.is_object() && j.contains("status") && !j.contains("error")) {
        std::string error;
        auto health = TryConvert<HealthStatus>(j, &error);
        if (!health) return onDone(ApiResult<HealthStatus>::Failure(InvalidResponseError(r, error)));
        return onDone(ApiResult<HealthStatus>::Success(std::move(*health)));
      }
      if (r.status != 503)
        return onDone(ApiResult<HealthStatus>::Failure(InvalidResponseError(r, "health must be an object with status")));
    }
    onDone(ApiResult<HealthStatus>::Failure(ClassifyFailure(r)));
  });
}

void ApiClient::GetAgents(std::function<void(ApiResult<std::vector<Agent>>)> onDone) {
  HttpRequest req = MakeRequest("GET", "/api/agents");
  m_transport->Send(req, [onDone = std::move(onDone)](HttpResponse r) {
    if (r.status < 200 || r.status >= 300) return onDone(ApiResult<std::vector<Agent>>::Failure(ClassifyFailure(r)));
    Json j = ParseJsonOrDiscarded(r.body);
    if (!j.is_array())
      return onDone(ApiResult<std::vector<Agent>>::Failure(InvalidResponseError(r, "agents must be an array")));
    std::string error;
    auto agents = TryConvert<std::vector<Agent>>(j, &error);
    if (!agents) return onDone(ApiResult<std::vector<Agent>>::Failure(InvalidResponseError(r, error)));
    onDone(ApiResult<std::vector<Agent>>::Success(std::move(*agents)));
  });
}

}  // namespace oai::app
