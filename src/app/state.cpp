// Defaults of the app state: the agent registry as shown before the server reports its own.
#include "app/state.h"

#include "model/agents.h"

namespace oai::app {

const char* ToString(ConnectionState s) {
  switch (s) {
    case ConnectionState::Unknown: return "unknown";
    case ConnectionState::Online: return "online";
    case ConnectionState::Offline: return "offline";
    case ConnectionState::Failing: return "failing";
  }
  return "unknown";
}

std::size_t DomainState::LogCount() const {
  std::size_t n = 0;
  for (const auto& t : logTurns) n += t.entries.size();
  return n;
}

std::array<AgentCard, 4> DefaultAgents() {
  std::array<AgentCard, 4> cards;
  for (const AgentSpec& spec : kAgentRegistry) cards[static_cast<std::size_t>(spec.id)].agent = MakeAgent(spec.id);
  return cards;
}

State InitialState() {
  State s;
  s.domain.agents = DefaultAgents();
  return s;
}

}  // namespace oai::app
