// The in-page engine answers a streamed turn in one go: a few milliseconds on the page's own thread, so every event
// would reach the app before the next frame and the answer would appear whole. PacedStreams hands each stream's
// events to the app one per frame instead (the host calls Pump once per frame), so the page shows what a stream from
// the server shows: the pipeline's steps filling in turn, each log card as its step ends, the answer growing piece
// by piece. Nothing is invented or delayed beyond one frame per event; the end comes after the last event.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <vector>

#include "app/ports/transport.h"
#include "model/sse.h"

namespace oai::local {

class PacedStreams {
 public:
  // A stream whose whole answer is known: its events (in order) and how it ended.
  void Add(std::vector<SseEvent> events, app::HttpResponse end, std::function<void(SseEvent)> onEvent,
           std::function<void(app::HttpResponse)> onEnd);
  // Hands out the next event of every open stream (or, after its last event, its end). True when anything was
  // handed out: the host draws another frame.
  bool Pump();
  bool Idle() const { return m_open.empty(); }

 private:
  struct Open {
    std::vector<SseEvent> events;
    std::size_t next = 0;
    app::HttpResponse end;
    std::function<void(SseEvent)> onEvent;
    std::function<void(app::HttpResponse)> onEnd;
  };
  std::deque<Open> m_open;
};

// Splits a whole `text/event-stream` answer into its events (the last one counts without its blank line).
std::vector<SseEvent> SplitEvents(const std::string& body);

}  // namespace oai::local
