// The two things the app needs from its host: an HTTP transport (emscripten_fetch in the browser, cpp-httplib on the
// desktop, a fake in tests) and a small key-value store (localStorage in the browser).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace oai::app {

struct HttpRequest {
  std::string method;
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int timeoutMs = 30000;
};

struct HttpResponse {
  int status = 0;  // 0 = network error or timeout
  std::string body;
  std::string error;
  std::vector<std::pair<std::string, std::string>> headers;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // onDone may run on any thread.
  virtual void Send(const HttpRequest& req, std::function<void(HttpResponse)> onDone) = 0;
};

class KeyValueStore {
 public:
  virtual ~KeyValueStore() = default;
  virtual std::optional<std::string> Get(const std::string& key) = 0;
  virtual void Set(const std::string& key, const std::string& value) = 0;
};

}  // namespace oai::app
