// Server-sent events (the text/event-stream format of the streaming routes): writing an event, and reading a stream
// as it arrives, in pieces of any size. Shared by the server (writes), the clients (read) and the in-page engine.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace oai {

struct SseEvent {
  int id = 0;  // 1, 2, 3, ... within a stream; 0 when the event had no id
  std::string name;  // "message" when the event named none
  std::string data;  // JSON, one line
};

// "id: 3\nevent: message_chunk\ndata: {...}\n\n"
std::string FormatSse(const SseEvent& e);

// Reads a stream: Feed() with whatever arrived, in any split; each complete event goes to the callback. Lines end in
// "\n", "\r\n" or "\r"; "data:" lines join with "\n"; comments (":") and "retry:" are skipped.
class SseParser {
 public:
  explicit SseParser(std::function<void(SseEvent)> onEvent) : m_onEvent(std::move(onEvent)) {}
  void Feed(std::string_view bytes);

 private:
  void Line(std::string_view line);
  std::function<void(SseEvent)> m_onEvent;
  std::string m_line;
  bool m_skipLf = false;  // a "\r" ended the last line: a "\n" right after it belongs to it
  SseEvent m_event;
  bool m_hasData = false;
};

}  // namespace oai
