// The HTTP API of PRODUCT.md §3 without HTTP: method, path, headers and body in; status, headers and body out. The
// route table, the id checks, the content-type and body validation, the error envelope and the request id live here
// once; the server (server/routes.cpp) and the page's in-browser backend (local/) both call Handle().
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "model/model.h"
#include "service/session_store.h"

namespace oai::service {

struct ApiRequest {
  std::string method;       // "GET", "POST", ...
  std::string target;       // path with an optional query: "/api/session/<id>/export?format=md"
  std::string contentType;  // the Content-Type header
  std::string requestId;    // the incoming X-Request-Id; kept when it is sane, otherwise a new one is made
  std::string body;
  std::string authorization;  // the Authorization header (GET /api/insights with a token)
};

// What the operator chose about the insights endpoint (server flags --no-insights and INSIGHTS_TOKEN).
struct ApiOptions {
  bool insights = true;
  std::string insightsToken;  // empty: no token needed
};

struct ApiResponse {
  int status = 200;
  std::string contentType;  // empty for 204
  std::string body;
  // Always X-Request-Id; Allow (405), Retry-After (503/429), X-Message-Id and X-Session-Id (chat),
  // Content-Disposition (export).
  std::vector<std::pair<std::string, std::string>> headers;
  bool storeUnavailable = false;  // the session store failed (a 503): the server counts it

  std::string Header(const std::string& name) const;
};

// The error envelope {"error":{code, message, details?, timestamp, requestId}} as a response.
ApiResponse ErrorResponseFor(int status, const std::string& code, const std::string& message,
                             const std::string& requestId, std::optional<Json> details = std::nullopt);
// The error code of a bare HTTP status ("VALIDATION_ERROR" for 400, ...).
const char* ErrorCodeForStatus(int status);
// The methods an API path answers ("GET, DELETE"); empty for a path that is not an API route.
std::string AllowedMethods(const std::string& path);
// An incoming X-Request-Id worth keeping: 1..64 letters, digits, '-' or '_'.
bool IsSaneRequestId(const std::string& id);
// The request id to use for `incoming`: itself when sane, else a new UUID.
std::string RequestIdFor(const std::string& incoming);

// A chat body as the chat routes accept it (415 for a non-JSON content type, 400 with the fields for bad input).
// Returns the request, or the error response to send.
std::variant<ChatRequest, ApiResponse> ParseChatBody(const ApiRequest& request, const std::string& requestId);

class Api {
 public:
  Api(engine::Engine& engine, SessionStore& store, ApiOptions options = {})
      : m_engine(engine), m_store(store), m_options(std::move(options)) {}
  // Never throws: failures are error envelopes (a 500 never names internals).
  ApiResponse Handle(const ApiRequest& request);

 private:
  ApiResponse Route(const ApiRequest& request, const std::string& path, const std::string& query,
                    const std::string& requestId);
  ApiResponse Insights(const ApiRequest& request, const std::string& query, const std::string& requestId);
  engine::Engine& m_engine;
  SessionStore& m_store;
  ApiOptions m_options;
};

}  // namespace oai::service
