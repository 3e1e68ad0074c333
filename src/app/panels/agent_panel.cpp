// The agent panel: one card per agent with its colour, status, model, strategy and this session's usage.
#include <string>

#include "app/panels/panels.h"
#include "app/panels/widgets.h"
#include "app/theme.h"
#include "imgui.h"

namespace oai::app::panels {

namespace {

void DrawCard(const AgentCard& card, float width) {
  const ImVec4 accent = HexColor(card.agent.color);
  widgets::BeginCard(ToString(card.agent.id), width);

  {
    widgets::FontScope strong(Type::Strong);
    ImGui::PushStyleColor(ImGuiCol_Text, CardTextColor(accent));
    ImGui::TextUnformatted(card.agent.name.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::SameLine();
  widgets::Badge(StatusLabel(card.agent.status), StatusColor(card.agent.status));

  ImGui::TextDisabled("Model");
  ImGui::SameLine();
  ImGui::TextUnformatted(card.agent.model.c_str());
  ImGui::TextDisabled("Strategy");
  ImGui::SameLine();
  widgets::Badge(DisplayName(card.agent.strategy), StrategyColor(card.agent.strategy));

  ImGui::TextDisabled("Tokens");
  ImGui::SameLine();
  ImGui::TextUnformatted(widgets::FormatTokens(card.sessionTokens).c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("Cost");
  ImGui::SameLine();
  ImGui::TextUnformatted(widgets::FormatCostOf(card.sessionCost, card.agent.model).c_str());

  ImGui::TextDisabled("Latency");
  ImGui::SameLine();
  ImGui::TextUnformatted(card.lastLatencyMs ? widgets::FormatLatency(*card.lastLatencyMs).c_str() : "-");
  if (card.lastCache != CacheStatus::None) {
    ImGui::SameLine();
    const bool hit = card.lastCache == CacheStatus::Hit;
    widgets::Badge(hit ? "CACHE HIT" : "CACHE MISS", hit ? colors::kSuccess : colors::kWarning);
  }

  const bool busy = card.agent.status == AgentStatus::Routing || card.agent.status == AgentStatus::Active;
  // The border in the agent's colour, like the original's agent cards; the status's colour while it works.
  widgets::EndCard(colors::kPanel,
                   busy ? StatusColor(card.agent.status) : Over(ImVec4(accent.x, accent.y, accent.z, 0.45f), colors::kPanel),
                   &accent);
}

}  // namespace

void DrawAgentPanel(const DrawContext& ctx) {
  {
    widgets::FontScope small(Type::Small);
    ImGui::TextDisabled("AGENTS");
  }
  ImGui::Spacing();
  const float width = ImGui::GetContentRegionAvail().x;
  for (const auto& card : ctx.state.domain.agents) {
    DrawCard(card, width);
    ImGui::Spacing();
  }
}

}  // namespace oai::app::panels
