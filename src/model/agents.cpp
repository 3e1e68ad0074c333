// Lookups over the agent registry (agents.h).
#include "model/agents.h"

namespace oai {

std::optional<AgentId> SpecialistForDomain(std::string_view domain) {
  for (const AgentSpec& a : kAgentRegistry) {
    if (a.id != AgentId::Orchestrator && domain == a.domain) return a.id;
  }
  return std::nullopt;
}

Agent MakeAgent(AgentId id, const char* model) {
  const AgentSpec& spec = SpecOf(id);
  Agent a;
  a.id = id;
  a.name = spec.name;
  a.model = model ? model : spec.model;
  a.strategy = spec.strategy;
  a.color = spec.color;
  return a;
}

}  // namespace oai
