// Defaults of the app state: the agent registry as shown before the server reports its own.
#include "app/state.h"

namespace oai::app {

const char* ToString(ConnectionState s) {
  switch (s) {
    case ConnectionState::Unknown: return "unknown";
    case ConnectionState::Online: return "online";
    case ConnectionState::Offline: return "offline";
  }
  return "unknown";
}

std::size_t DomainState::LogCount() const {
  std::size_t n = 0;
  for (const auto& t : logTurns) n += t.entries.size();
  return n;
}

std::array<AgentCard, 4> DefaultAgents() {
  auto card = [](AgentId id, const char* model, Strategy strategy, const char* color) {
    AgentCard c;
    c.id = id;
    c.name = DisplayName(id);
    c.model = model;
    c.strategy = strategy;
    c.color = color;
    return c;
  };
  return {card(AgentId::Orchestrator, "intent router", Strategy::Orchestration, "#06B6D4"),
          card(AgentId::Billing, "extractive", Strategy::PureCag, "#10B981"),
          card(AgentId::Technical, "extractive", Strategy::PureRag, "#3B82F6"),
          card(AgentId::Policy, "extractive", Strategy::PureCag, "#A855F7")};
}

State InitialState() {
  State s;
  s.domain.agents = DefaultAgents();
  return s;
}

}  // namespace oai::app
