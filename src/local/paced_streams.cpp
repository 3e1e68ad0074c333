// Streams of the in-page engine, one event per frame (see paced_streams.h).
#include "local/paced_streams.h"

#include <utility>

namespace oai::local {

void PacedStreams::Add(std::vector<SseEvent> events, app::HttpResponse end, std::function<void(SseEvent)> onEvent,
                       std::function<void(app::HttpResponse)> onEnd) {
  Open open;
  open.events = std::move(events);
  open.end = std::move(end);
  open.onEvent = std::move(onEvent);
  open.onEnd = std::move(onEnd);
  m_open.push_back(std::move(open));
}

bool PacedStreams::Pump() {
  if (m_open.empty()) return false;
  // This round serves the streams open when it started; a stream a callback adds (a retry) starts next round.
  std::deque<Open> round;
  round.swap(m_open);
  for (Open& open : round) {
    if (open.next < open.events.size()) {
      SseEvent event = std::move(open.events[open.next++]);
      if (open.onEvent) open.onEvent(std::move(event));
      m_open.push_back(std::move(open));
    } else if (open.onEnd) {
      open.onEnd(std::move(open.end));
    }
  }
  return true;
}

std::vector<SseEvent> SplitEvents(const std::string& body) {
  std::vector<SseEvent> events;
  SseParser parser([&events](SseEvent e) { events.push_back(std::move(e)); });
  parser.Feed(body);
  parser.Feed("\n\n");
  return events;
}

}  // namespace oai::local
