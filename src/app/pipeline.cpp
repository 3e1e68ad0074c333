// Pipeline(): the header's four steps from the agents' statuses and the messages.
#include "app/pipeline.h"

namespace oai::app {

const char* ToString(StepState s) {
  switch (s) {
    case StepState::Waiting: return "waiting";
    case StepState::Active: return "active";
    case StepState::Done: return "done";
  }
  return "waiting";
}

std::array<PipelineStep, 4> Pipeline(const DomainState& d) {
  const bool answered = !d.messages.empty() && d.messages.back().role == MessageRole::Assistant && !d.sending;
  std::optional<AgentId> specialist;
  for (const auto& card : d.agents)
    if (card.agent.id != AgentId::Orchestrator &&
        (card.agent.status == AgentStatus::Active || card.agent.status == AgentStatus::Complete))
      specialist = card.agent.id;
  const bool writing = d.sending && !d.messages.empty() && d.messages.back().streaming &&
                       !d.messages.back().content.empty();
  const bool done[4] = {
      d.sending || answered,
      d.Card(AgentId::Orchestrator).agent.status == AgentStatus::Complete || specialist.has_value() || answered,
      (specialist && d.Card(*specialist).agent.status == AgentStatus::Complete) || writing || answered,
      answered,
  };
  std::array<PipelineStep, 4> steps{{
      {"Input", StepState::Waiting, std::nullopt},
      {"Orchestrator", StepState::Waiting, AgentId::Orchestrator},
      {specialist ? d.Card(*specialist).agent.name : std::string("Agent"), StepState::Waiting, specialist},
      {"Response", StepState::Waiting, std::nullopt},
  }};
  bool activeGiven = false;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (done[i]) {
      steps[i].state = StepState::Done;
    } else if (d.sending && !activeGiven) {
      steps[i].state = StepState::Active;
      activeGiven = true;
    }
  }
  return steps;
}

}  // namespace oai::app
