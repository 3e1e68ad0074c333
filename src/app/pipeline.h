// The turn's four steps as the header draws them (Input → Orchestrator → Agent → Response), from the state: one
// place, so the header and the end-to-end tests' state read the same thing.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "app/state.h"

namespace oai::app {

enum class StepState { Waiting, Active, Done };
const char* ToString(StepState s);  // "waiting", "active", "done"

struct PipelineStep {
  std::string label;              // "Input", "Orchestrator", the specialist's name (or "Agent"), "Response"
  StepState state = StepState::Waiting;
  std::optional<AgentId> agent;   // whose colour the step takes (none: Input and Response)
};

// A step is done when the next has begun (or the answer is in); the first step not done is active while a question
// is being answered.
std::array<PipelineStep, 4> Pipeline(const DomainState& d);

}  // namespace oai::app
