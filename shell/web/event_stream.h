// The page's transport for the server: emscripten_fetch for plain requests (FetchTransport) and, for answers that
// stream, the browser's EventSource through library_oai.js: POST {url}/initiate, then GET {url}/{stream_id}, which
// the browser resumes with Last-Event-ID after a dropped connection. Events come back through the exports below.
#pragma once

#include <functional>
#include <map>

#include "fetch_transport.h"

namespace oai::shell {

class PageTransport final : public FetchTransport {
 public:
  void Stream(const app::HttpRequest& request, std::function<void(SseEvent)> onEvent,
              std::function<void(app::HttpResponse)> onEnd) override;

  // From JavaScript: an event of stream `handle`, and its end (status 2xx: done; else the refusal or 0 and why).
  static void Event(int handle, const char* name, const char* data, const char* id);
  static void End(int handle, int status, const char* body, const char* error);

 private:
  struct Open {
    std::function<void(SseEvent)> onEvent;
    std::function<void(app::HttpResponse)> onEnd;
  };
  static std::map<int, Open>& Streams();
};

}  // namespace oai::shell
