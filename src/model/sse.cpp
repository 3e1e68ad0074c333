// Server-sent events (see sse.h).
#include "model/sse.h"

namespace oai {

std::string FormatSse(const SseEvent& e) {
  return "id: " + std::to_string(e.id) + "\nevent: " + e.name + "\ndata: " + e.data + "\n\n";
}

void SseParser::Feed(std::string_view bytes) {
  for (char c : bytes) {
    if (m_skipLf) {
      m_skipLf = false;
      if (c == '\n') continue;
    }
    if (c == '\r' || c == '\n') {
      m_skipLf = c == '\r';
      Line(m_line);
      m_line.clear();
    } else {
      m_line.push_back(c);
    }
  }
}

void SseParser::Line(std::string_view line) {
  if (line.empty()) {  // the blank line ends an event
    if (m_hasData) {
      if (m_event.name.empty()) m_event.name = "message";
      m_onEvent(std::move(m_event));
    }
    m_event = SseEvent{};
    m_hasData = false;
    return;
  }
  if (line.front() == ':') return;
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (m_hasData) m_event.data.push_back('\n');
    m_event.data.append(value);
    m_hasData = true;
  } else if (field == "event") {
    m_event.name = std::string(value);
  } else if (field == "id") {
    int id = 0;
    bool digits = !value.empty() && value.size() < 10;
    for (char c : value) {
      if (c < '0' || c > '9') digits = false;
      else id = id * 10 + (c - '0');
    }
    m_event.id = digits ? id : 0;
  }
}

}  // namespace oai
