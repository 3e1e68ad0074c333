// The client of the companion server's REST API over a Transport. Every response is validated strictly against the
// contract (PRODUCT.md §3) and every failure is classified into a class with one clear message for people.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/transport.h"
#include "model/model.h"

namespace oai::app {

enum class ApiErrorKind {
  Network,          // no answer at all (offline, DNS, connection refused)
  Timeout,          // no answer in time (transport timeout or HTTP 408)
  Validation,       // 400/413/415/422: the request was refused; the server's message says why
  NotFound,         // 404
  RateLimited,      // 429, with Retry-After
  Server,           // 5xx
  InvalidResponse,  // an answer that breaks the contract (bad JSON, extra keys, wrong types) or an unexpected status
};
const char* ToString(ApiErrorKind kind);

struct ApiError {
  ApiErrorKind kind = ApiErrorKind::Network;
  int status = 0;              // HTTP status, 0 when there was no answer
  std::string message;         // for people, one sentence
  std::string code;            // the server's error code when it sent the envelope ("VALIDATION_ERROR")
  std::string detail;          // technical detail for the logs (transport error, validation summary)
  std::string requestId;       // X-Request-Id or the envelope's requestId
  bool retryable = false;      // trying the same request again may succeed
  int retryAfterSeconds = -1;  // from Retry-After, -1 when absent
  bool operator==(const ApiError&) const = default;
};

template <class T>
struct ApiResult {
  std::optional<T> value;
  ApiError error;  // meaningful only when !ok()
  bool ok() const { return value.has_value(); }
  static ApiResult Success(T v) { return ApiResult{std::move(v), {}}; }
  static ApiResult Failure(ApiError e) { return ApiResult{std::nullopt, std::move(e)}; }
};

// Turns a transport response that is not a 2xx into an ApiError (also used for 2xx bodies that fail validation, with
// kind InvalidResponse). Exposed for tests and for other clients (streaming) that share the classification.
ApiError ClassifyFailure(const HttpResponse& response);
ApiError InvalidResponseError(const HttpResponse& response, const std::string& detail);

class ApiClient {
 public:
  // baseUrl: "" means same origin ("/api/chat"); "http://127.0.0.1:8080" for the desktop host.
  ApiClient(Transport* transport, std::string baseUrl);

  void PostChat(const ChatRequest& request, std::function<void(ApiResult<ChatResponse>)> onDone);
  void GetSession(const std::string& sessionId, std::function<void(ApiResult<SessionHistory>)> onDone);
  void GetHealth(std::function<void(ApiResult<HealthStatus>)> onDone);
  void GetAgents(std::function<void(ApiResult<std::vector<Agent>>)> onDone);

  const std::string& BaseUrl() const { return m_baseUrl; }

 private:
  HttpRequest MakeRequest(const char* method, const std::string& path) const;

  Transport* m_transport;
  std::string m_baseUrl;
};

}  // namespace oai::app
