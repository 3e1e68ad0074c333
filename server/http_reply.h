// Writing the API's answers onto cpp-httplib responses: headers, the request id, and compression chosen by the
// server (gzip level 1 for JSON over 1 KB when the client accepts it). Shared by routes.cpp and stream_routes.cpp.
#pragma once

#include <optional>
#include <string>

#include "model/model.h"
#include "service/api.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace oai::server {

// The request's Accept-Encoding, taken off the request by the pre-routing handler (cpp-httplib 0.11 would otherwise
// compress text answers itself, with brotli at its slowest setting: ~20 ms for a 5 KB chat answer, ~400 ms for
// app.js) and kept per connection thread.
void SetAcceptEncoding(std::string value);
bool AcceptsGzip();

// The X-Request-Id of the response (set by the pre-routing handler).
std::string RequestIdOf(const httplib::Response& res);
// Sets X-Request-Id from the request's header when it is sane, else a new id; keeps one already set.
void EnsureRequestId(const httplib::Request& req, httplib::Response& res);

// Copies status, headers and body onto `res`.
void Send(httplib::Response& res, service::ApiResponse reply);
// The error envelope with the response's request id.
void SendError(const httplib::Request& req, httplib::Response& res, int status, const std::string& code,
               const std::string& message, std::optional<Json> details = std::nullopt);

// The httplib request as the API sees it.
service::ApiRequest ToApiRequest(const httplib::Request& req, const httplib::Response& res);

}  // namespace oai::server
