// API answers onto cpp-httplib responses (see http_reply.h).
#include "server/http_reply.h"

#include <httplib.h>

#include "server/static_files.h"

namespace oai::server {

namespace {
thread_local std::string t_acceptEncoding;
}  // namespace

void SetAcceptEncoding(std::string value) { t_acceptEncoding = std::move(value); }
bool AcceptsGzip() { return t_acceptEncoding.find("gzip") != std::string::npos; }

std::string RequestIdOf(const httplib::Response& res) {
  return res.has_header("X-Request-Id") ? res.get_header_value("X-Request-Id") : std::string();
}

void EnsureRequestId(const httplib::Request& req, httplib::Response& res) {
  if (res.has_header("X-Request-Id")) return;
  res.set_header("X-Request-Id", service::RequestIdFor(req.get_header_value("X-Request-Id")));
}

void Send(httplib::Response& res, service::ApiResponse reply) {
  res.status = reply.status;
  for (auto& [name, value] : reply.headers) {
    if (name == "X-Request-Id" && res.has_header("X-Request-Id")) continue;
    res.set_header(name.c_str(), value);
  }
  if (reply.status == 204) return;
  const bool json = reply.contentType.rfind("application/json", 0) == 0;
  if (json) res.set_header("Vary", "Accept-Encoding");
  if (json && reply.body.size() > 1024 && AcceptsGzip()) {
    if (auto packed = Gzip(reply.body, 1)) {
      res.set_header("Content-Encoding", "gzip");
      reply.body = std::move(*packed);
    }
  }
  res.set_content(std::move(reply.body), reply.contentType.c_str());
}

void SendError(const httplib::Request& req, httplib::Response& res, int status, const std::string& code,
               const std::string& message, std::optional<Json> details) {
  EnsureRequestId(req, res);
  Send(res, service::ErrorResponseFor(status, code, message, RequestIdOf(res), std::move(details)));
}

service::ApiRequest ToApiRequest(const httplib::Request& req, const httplib::Response& res) {
  service::ApiRequest r;
  r.method = req.method;
  r.target = req.path;
  if (const auto q = req.target.find('?'); q != std::string::npos) r.target += req.target.substr(q);
  r.contentType = req.get_header_value("Content-Type");
  r.requestId = RequestIdOf(res);
  r.body = req.body;
  r.authorization = req.get_header_value("Authorization");
  return r;
}

}  // namespace oai::server
