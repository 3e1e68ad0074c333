// Routing step of a turn (see routing.h).
#include "engine/routing.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string_view>

#include "engine/text.h"
#include "model/agents.h"

namespace oai::engine {

namespace {

constexpr const char* kClassifier = "multinomial naive Bayes over whole words and word pairs, temperature-calibrated";

bool IsSmallTalkIntent(const std::string& intent) { return intent == "greeting" || intent == "thanks" || intent == "about"; }

AgentId AgentForIntent(const std::string& intent) {
  if (intent == "billing") return AgentId::Billing;
  if (intent == "technical") return AgentId::Technical;
  if (intent == "policy") return AgentId::Policy;
  return AgentId::Orchestrator;
}

}  // namespace

const Message* PreviousUserMessage(const std::vector<Message>& history) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->role == MessageRole::User) return &*it;
  }
  return nullptr;
}

bool IsSpecialistIntent(const std::string& intent) {
  return intent == "billing" || intent == "technical" || intent == "policy";
}

// Follow-ups only make sense with the turn before: "and for the annual plan?", "what about Go?", "how long does that
// take?". Recognized by their opening words or by being short with a pronoun standing for something said before.
bool LooksLikeFollowUp(const std::string& question) {
  const std::vector<std::string> words = Tokenize(question);
  if (words.empty()) return false;
  static constexpr std::string_view pronouns[] = {"it", "that", "this", "they", "them", "those", "these", "one", "there"};
  const bool opener = words[0] == "and" || words[0] == "also" || words[0] == "but" || words[0] == "or" ||
                      (words.size() > 1 && (words[0] == "what" || words[0] == "how") && words[1] == "about");
  bool pronoun = false;
  for (const auto& w : words) pronoun |= std::find(std::begin(pronouns), std::end(pronouns), w) != std::end(pronouns);
  return opener || (words.size() <= 7 && pronoun) || words.size() <= 3;
}

Routing RouteTurn(Turn& turn, const IntentRouter& router) {
  const auto start = Clock::now();
  turn.Status(AgentId::Orchestrator, AgentStatus::Routing);
  const std::string& question = turn.input.question;
  RouteDecision decision = router.Classify(question);
  Routing r;
  r.retrievalQuery = question;
  std::optional<FollowUp> followUp;
  // A follow-up is read together with the previous question; the combined reading wins when it is more confident
  // about a specialist than the question alone.
  if (const Message* previous = PreviousUserMessage(turn.input.history); previous && LooksLikeFollowUp(question)) {
    const IntentScore& alone = decision.ranked.front();
    const bool smallTalk = IsSmallTalkIntent(alone.intent) && alone.probability >= kSmallTalkConfidence;
    std::optional<RouteDecision> combined;  // confident small talk ("thanks!") is never read with the question before
    if (!smallTalk) combined = router.Classify(previous->content + " " + question);
    const bool better = combined && IsSpecialistIntent(combined->ranked.front().intent) &&
                        (combined->ranked.front().probability > alone.probability || !IsSpecialistIntent(alone.intent));
    followUp = FollowUp{previous->content, better};
    if (better) {
      decision = std::move(*combined);
      r.retrievalQuery = question + " " + previous->content;
    }
  }
  const IntentScore& top = decision.ranked.front();
  r.intent = top.intent;
  r.confidence = top.probability;
  r.agent = AgentForIntent(top.intent);
  r.strategy = SpecOf(r.agent).strategy;
  if (r.agent != AgentId::Orchestrator) r.specialists = {r.agent};
  for (const IntentScore& score : decision.ranked) {
    if (IsSmallTalkIntent(score.intent)) r.smallTalk += score.probability;
  }
  for (const IntentScore& score : decision.ranked) {
    if (IsSpecialistIntent(score.intent)) {
      r.likeliestSpecialist = AgentForIntent(score.intent);
      break;
    }
  }
  // Mixed or unsure: the two most likely specialists both search, and the best passage decides who answers.
  if (r.agent != AgentId::Orchestrator && decision.ranked.size() > 1) {
    const IntentScore* second = nullptr;
    for (std::size_t i = 1; i < decision.ranked.size() && !second; ++i) {
      if (IsSpecialistIntent(decision.ranked[i].intent)) second = &decision.ranked[i];
    }
    if (second && (top.probability < kHybridBelowConfidence || top.probability - second->probability < kHybridMargin)) {
      r.strategy = Strategy::Hybrid;
      r.specialists.push_back(AgentForIntent(second->intent));
    }
  }

  RoutingData data;
  data.intent = r.intent;
  data.confidence = r.confidence;
  data.agent = r.agent;
  data.strategy = r.strategy;
  data.specialists = r.specialists;
  for (const auto& [term, weight] : decision.reasons) data.reasons.push_back({term, weight});
  for (std::size_t i = 1; i < decision.ranked.size() && i < 3; ++i) {
    data.alternatives.push_back({decision.ranked[i].intent, decision.ranked[i].probability});
  }
  data.classifier = kClassifier;
  data.temperature = router.Temperature();
  data.model = kRouterModel;
  data.tokens = EstimateTokens(question);
  data.follow_up = std::move(followUp);
  data.latency_ms = MsSince(start);
  turn.Account(kRouterModel, data.tokens, 0, nullptr);
  const std::string title = r.strategy == Strategy::Hybrid
                                ? std::string("Hybrid: ") + DisplayName(r.specialists[0]) + " + " +
                                      DisplayName(r.specialists[1])
                                : std::string("Routed to ") + DisplayName(r.agent);
  turn.Log(title, std::move(data));
  turn.Status(AgentId::Orchestrator, AgentStatus::Complete);
  return r;
}

}  // namespace oai::engine
