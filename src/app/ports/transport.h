// The two things the app needs from its host: an HTTP transport (emscripten_fetch in the browser, cpp-httplib on the
// desktop, a fake in tests) and a small key-value store (localStorage in the browser).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/sse.h"

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

  // A request answered with server-sent events (POST /api/chat/stream): `onEvent` for each event as it arrives, then
  // `onEnd` once, with a 2xx status when the stream ended normally, or the failure (the status and body of a refusal,
  // status 0 for a connection that could not be opened or broke for good). Both may run on any thread.
  // This default reads the whole answer with Send and then hands out its events (the in-page engine, test fakes).
  // Hosts that can read an answer as it arrives override it; a host whose streams can only be GET requests
  // (EventSource) uses the protocol's other form: POST {url}/initiate with the same body, then GET {url}/{stream_id},
  // resumed with Last-Event-ID when the connection drops.
  virtual void Stream(const HttpRequest& req, std::function<void(SseEvent)> onEvent,
                      std::function<void(HttpResponse)> onEnd);
};

class KeyValueStore {
 public:
  virtual ~KeyValueStore() = default;
  virtual std::optional<std::string> Get(const std::string& key) = 0;
  virtual void Set(const std::string& key, const std::string& value) = 0;
};

}  // namespace oai::app
