// The first step of a turn: which agent answers. The intent router classifies the question (read together with the
// previous one when it is a follow-up); unsure or mixed questions take the hybrid path with two specialists.
#pragma once

#include <string>
#include <vector>

#include "engine/router.h"
#include "engine/turn.h"

namespace oai::engine {

inline constexpr double kHybridBelowConfidence = 0.5;
inline constexpr double kHybridMargin = 0.2;
// "Hi there!" or "thanks!" after a question is a complete reply on its own, not a follow-up to read with the question.
inline constexpr double kSmallTalkConfidence = 0.6;

struct Routing {
  std::string intent;
  double confidence = 0.0;
  AgentId agent = AgentId::Orchestrator;
  Strategy strategy = Strategy::Orchestration;
  std::vector<AgentId> specialists;  // who retrieves: one, or two on the hybrid path
  AgentId likeliestSpecialist = AgentId::Technical;  // the most probable specialist, whatever the intent
  double smallTalk = 0.0;  // probability of greeting, thanks or a question about the assistant, together
  std::string retrievalQuery;        // the question, plus the previous one for a follow-up
};

bool IsSpecialistIntent(const std::string& intent);
// Short questions, or ones opening with "and", "what about", or leaning on a pronoun, need the turn before.
bool LooksLikeFollowUp(const std::string& question);
// The last question of the conversation before this turn, if any.
const Message* PreviousUserMessage(const std::vector<Message>& history);

// Routes the turn's question, logs the decision (routing log) and accounts for the router's tokens.
Routing RouteTurn(Turn& turn, const IntentRouter& router);

}  // namespace oai::engine
