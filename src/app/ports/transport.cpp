// The default Transport::Stream (see transport.h): the whole answer, then its events.
#include "app/ports/transport.h"

namespace oai::app {

void Transport::Stream(const HttpRequest& req, std::function<void(SseEvent)> onEvent,
                       std::function<void(HttpResponse)> onEnd) {
  Send(req, [onEvent = std::move(onEvent), onEnd = std::move(onEnd)](HttpResponse r) {
    if (r.status >= 200 && r.status < 300) {
      SseParser parser(onEvent);
      parser.Feed(r.body);
      parser.Feed("\n\n");  // a last event without its blank line still counts
      r.body.clear();
    }
    onEnd(std::move(r));
  });
}

}  // namespace oai::app
