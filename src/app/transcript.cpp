#include "app/transcript.h"

#include <variant>

namespace oai::app {

std::string SourcesText(const DomainState& d, const ChatMessage& message) {
  if (message.role != MessageRole::Assistant || message.id.empty()) return {};
  std::string out;
  for (const LogTurn& turn : d.logTurns) {
    for (const LogEntry& e : turn.entries) {
      if (e.messageId != message.id) continue;
      const auto* docs = std::get_if<DocumentsData>(&e.log.data);
      if (!docs) continue;
      for (const Citation& c : docs->citations) {
        out += "[" + std::to_string(c.n) + "] " + (c.title.empty() ? c.source : c.title);
        if (!c.heading.empty()) out += " — " + c.heading;
        if (!c.title.empty() && !c.source.empty()) out += " (" + c.source + ")";
        out += "\n";
      }
    }
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

}  // namespace oai::app
