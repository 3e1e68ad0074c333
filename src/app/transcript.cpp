#include "app/transcript.h"

#include <algorithm>
#include <variant>

namespace oai::app {

std::vector<Citation> CitationsOf(const DomainState& d, const ChatMessage& message) {
  std::vector<Citation> out;
  if (message.role != MessageRole::Assistant || message.id.empty()) return out;
  for (const LogTurn& turn : d.logTurns) {
    // A turn's group belongs to one answer (the "Earlier" group of a restored history has no id of its own): the
    // entries of 10,000 logs are not looked through for each answer drawn.
    if (!turn.messageId.empty() && turn.messageId != message.id) continue;
    for (const LogEntry& e : turn.entries) {
      if (e.messageId != message.id) continue;
      if (const auto* docs = std::get_if<DocumentsData>(&e.log.data)) {
        out.insert(out.end(), docs->citations.begin(), docs->citations.end());
      }
    }
  }
  return out;
}

std::vector<std::string> SuggestionsOf(const DomainState& d, const ChatMessage& message) {
  std::vector<std::string> out;
  if (message.role != MessageRole::Assistant || message.id.empty()) return out;
  const auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  // The answer's turn is near the end: looked for from there.
  for (auto turn = d.logTurns.rbegin(); turn != d.logTurns.rend() && out.empty(); ++turn) {
    if (!turn->messageId.empty() && turn->messageId != message.id) continue;
    for (const LogEntry& e : turn->entries) {
      const auto* docs = std::get_if<DocumentsData>(&e.log.data);
      if (e.messageId != message.id || !docs || !docs->suggestions) continue;
      for (const std::string& s : *docs->suggestions) {
        const bool asked = std::any_of(d.messages.begin(), d.messages.end(), [&](const ChatMessage& m) {
          return m.role == MessageRole::User && lower(m.content) == lower(s);
        });
        if (!asked) out.push_back(s);
      }
    }
  }
  return out;
}

int CitationAt(const std::string& text, int offset) {
  if (offset < 0 || offset > static_cast<int>(text.size())) return 0;
  // The marker's '[' is at most four bytes before the click ("[12]" clicked on its ']').
  for (int open = offset; open >= 0 && open >= offset - 4; --open) {
    if (open >= static_cast<int>(text.size()) || text[static_cast<std::size_t>(open)] != '[') continue;
    int n = 0;
    std::size_t i = static_cast<std::size_t>(open) + 1;
    while (i < text.size() && i < static_cast<std::size_t>(open) + 4 && text[i] >= '0' && text[i] <= '9') n = n * 10 + (text[i++] - '0');
    if (n > 0 && i < text.size() && text[i] == ']' && static_cast<int>(i) + 1 >= offset) return n;
    return 0;
  }
  return 0;
}

std::string SourcesText(const DomainState& d, const ChatMessage& message) {
  std::string out;
  for (const Citation& c : CitationsOf(d, message)) {
    out += "[" + std::to_string(c.n) + "] " + (c.title.empty() ? c.source : c.title);
    if (!c.heading.empty()) out += " — " + c.heading;
    if (!c.title.empty() && !c.source.empty()) out += " (" + c.source + ")";
    out += "\n";
  }
  return out;
}

std::string MessageText(const DomainState& d, const ChatMessage& message) {
  std::string out = message.content;
  const std::string sources = SourcesText(d, message);
  if (!sources.empty()) out += "\n\nSources:\n" + sources.substr(0, sources.size() - 1);
  return out;
}

std::string ConversationText(const DomainState& d, const std::function<std::string(const std::string&)>& time) {
  std::string out;
  for (const ChatMessage& m : d.messages) {
    if (!out.empty()) out += "\n\n";
    const std::string who = m.role == MessageRole::User ? "You" : d.Card(m.agent.value_or(AgentId::Orchestrator)).agent.name;
    const std::string when = time ? time(m.timestamp) : m.timestamp;
    out += who + (when.empty() ? "" : " (" + when + ")") + ":\n" + MessageText(d, m);
  }
  return out;
}

std::string SelectedText(const State& s) {
  const TextSelection& sel = s.view.textSelection;
  if (sel.Empty()) return {};
  for (const ChatMessage& m : s.domain.messages) {
    if (m.id != sel.messageId) continue;
    const auto size = static_cast<int>(m.content.size());
    const int from = std::clamp(std::min(sel.anchor, sel.focus), 0, size);
    const int to = std::clamp(std::max(sel.anchor, sel.focus), 0, size);
    return m.content.substr(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
  }
  return {};
}

}  // namespace oai::app
