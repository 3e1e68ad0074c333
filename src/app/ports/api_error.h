// How an API call failed, in classes the UI can explain and act on (retry, wait, fix the input). Produced by the API
// client (api_client.cpp classifies every failure in one place); carried by actions and state.
#pragma once

#include <string>

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

}  // namespace oai::app
