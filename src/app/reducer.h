// The pure reducer: the only place the app state changes. Deterministic (no clocks, no random numbers, no I/O), so
// every behaviour of the chat, agents and logs is a plain unit test.
#pragma once

#include <vector>

#include "app/actions.h"
#include "app/state.h"

namespace oai::app {

// Applies `action` to `state` and returns the commands the App must execute (requests, storage).
std::vector<Effect> Reduce(State& state, const Action& action);

// Local ids derived from the request sequence number; exposed so tests and the App agree on them.
std::string RequestIdFor(int seq);
std::string UserMessageIdFor(const std::string& requestId);
std::string AssistantMessageIdFor(const std::string& requestId);

}  // namespace oai::app
