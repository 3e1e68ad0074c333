// EventSource streams for the page (see event_stream.h).
#include "event_stream.h"

#include <emscripten.h>

#include <string>

extern "C" void oai_stream_open(int handle, const char* url, const char* body);

namespace oai::shell {

std::map<int, PageTransport::Open>& PageTransport::Streams() {
  static std::map<int, Open> streams;  // the page has one thread: no lock
  return streams;
}

void PageTransport::Stream(const app::HttpRequest& request, std::function<void(SseEvent)> onEvent,
                           std::function<void(app::HttpResponse)> onEnd) {
  static int next = 1;
  const int handle = next++;
  Streams().emplace(handle, Open{std::move(onEvent), std::move(onEnd)});
  oai_stream_open(handle, request.url.c_str(), request.body.c_str());
}

void PageTransport::Event(int handle, const char* name, const char* data, const char* id) {
  const auto it = Streams().find(handle);
  if (it == Streams().end()) return;
  SseEvent e;
  e.name = name ? name : "message";
  e.data = data ? data : "";
  const std::string digits = id ? id : "";
  e.id = !digits.empty() && digits.size() < 9 && digits.find_first_not_of("0123456789") == std::string::npos
             ? std::stoi(digits)
             : 0;
  it->second.onEvent(std::move(e));
}

void PageTransport::End(int handle, int status, const char* body, const char* error) {
  const auto it = Streams().find(handle);
  if (it == Streams().end()) return;
  auto onEnd = std::move(it->second.onEnd);
  Streams().erase(it);
  app::HttpResponse r;
  r.status = status;
  r.body = body ? body : "";
  r.error = error ? error : "";
  r.headers.emplace_back("Content-Type", "application/json");
  onEnd(std::move(r));
}

}  // namespace oai::shell

extern "C" {
EMSCRIPTEN_KEEPALIVE void orchestratai_stream_event(int handle, const char* name, const char* data, const char* id) {
  oai::shell::PageTransport::Event(handle, name, data, id);
}
EMSCRIPTEN_KEEPALIVE void orchestratai_stream_end(int handle, int status, const char* body, const char* error) {
  oai::shell::PageTransport::End(handle, status, body, error);
}
}
