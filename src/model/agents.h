// The agent registry: the one place that says who the agents are (name, domain, strategy, colour, default model).
// The engine builds its agents from it, the app shows it before the server reports, the theme takes its colours.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "model/model.h"

namespace oai {

// Models that run locally and cost nothing: the intent router and the extractive composer.
inline constexpr const char* kRouterModel = "router-nb-v1";
inline constexpr const char* kExtractiveModel = "extractive-v1";

struct AgentSpec {
  AgentId id;
  const char* name;    // "Billing Agent"
  const char* domain;  // the knowledge-base folder it prefers: "billing"; "general" for the orchestrator
  Strategy strategy;
  const char* color;  // "#10B981"
  const char* model;  // without an LLM; with one, the specialists answer with the LLM's model
};

// Indexed by AgentId.
inline constexpr std::array<AgentSpec, 4> kAgentRegistry = {{
    {AgentId::Orchestrator, "Orchestrator", "general", Strategy::Orchestration, "#06B6D4", kRouterModel},
    {AgentId::Billing, "Billing Agent", "billing", Strategy::PureCag, "#10B981", kExtractiveModel},
    {AgentId::Technical, "Technical Agent", "technical", Strategy::PureRag, "#3B82F6", kExtractiveModel},
    {AgentId::Policy, "Policy Agent", "policy", Strategy::PureCag, "#A855F7", kExtractiveModel},
}};

inline const AgentSpec& SpecOf(AgentId id) { return kAgentRegistry[static_cast<std::size_t>(id)]; }

// The specialist whose domain is `domain`; nullopt for "general" and unknown folders.
std::optional<AgentId> SpecialistForDomain(std::string_view domain);

// The registry entry as an Agent: idle, no usage yet; `model` replaces the default model when given.
Agent MakeAgent(AgentId id, const char* model = nullptr);

}  // namespace oai
