// The header bar: product name, the execution graph (Input → Orchestrator → Agent → Response) lighting up as the turn
// progresses, the connection state and "New chat".
#include <algorithm>
#include <optional>
#include <string>

#include "app/panels/panels.h"
#include "app/panels/widgets.h"
#include "app/theme.h"
#include "app/transcript.h"
#include "imgui.h"

namespace oai::app::panels {

namespace {

struct GraphStep {
  const char* label;
  bool lit;
  ImVec4 color;
};

void DrawExecutionGraph(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  const bool answered = !d.messages.empty() && d.messages.back().role == MessageRole::Assistant && !d.sending;
  std::optional<AgentId> specialist;
  for (const auto& card : d.agents)
    if (card.agent.id != AgentId::Orchestrator &&
        (card.agent.status == AgentStatus::Active || card.agent.status == AgentStatus::Complete))
      specialist = card.agent.id;
  const AgentStatus orchestrator = d.Card(AgentId::Orchestrator).agent.status;
  const GraphStep steps[] = {
      {"Input", d.sending || answered, colors::kCyan},
      {"Orchestrator", orchestrator != AgentStatus::Idle || answered, AgentColor(AgentId::Orchestrator)},
      {specialist ? d.Card(*specialist).agent.name.c_str() : "Agent", specialist.has_value(),
       specialist ? HexColor(d.Card(*specialist).agent.color) : colors::kIdle},
      {"Response", answered, colors::kSuccess},
  };
  bool first = true;
  for (const auto& step : steps) {
    if (!first) {
      ImGui::SameLine();
      ImGui::TextDisabled("->");
      ImGui::SameLine();
    }
    first = false;
    widgets::Badge(step.label, step.lit ? step.color : colors::kIdle);
  }
}

}  // namespace

void DrawHeaderBar(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  ImGui::PushStyleColor(ImGuiCol_Text, colors::kCyan);
  ImGui::TextUnformatted("OrchestratAI");
  ImGui::PopStyleColor();
  ImGui::SameLine();
  // The graph needs room; on narrow screens the tabs and the agent cards say the same.
  if (ImGui::GetContentRegionAvail().x > 700.0f * ctx.scale) {
    DrawExecutionGraph(ctx);
    ImGui::SameLine();
  }

  // Who is answering: the server, the in-page engine (static hosting), or nobody and why.
  const bool inPage = d.backendKind == BackendKind::InPage;
  const char* connection = d.connection == ConnectionState::Online    ? (inPage ? "In-page engine" : "Online")
                           : d.connection == ConnectionState::Offline ? "Offline"
                           : d.connection == ConnectionState::Failing ? "Server error"
                                                                      : "Connecting";
  const ImVec4 connectionColor = d.connection == ConnectionState::Online ? (inPage ? colors::kBlue : colors::kSuccess)
                                 : d.connection == ConnectionState::Offline || d.connection == ConnectionState::Failing
                                     ? colors::kError
                                     : colors::kIdle;
  const ImGuiStyle& style = ImGui::GetStyle();
  const bool canCopy = !d.messages.empty();
  const float right = ImGui::CalcTextSize(connection).x + ImGui::CalcTextSize("New chat").x +
                      (canCopy ? ImGui::CalcTextSize("Copy chat").x + style.FramePadding.x * 2.0f + style.ItemSpacing.x
                               : 0.0f) +
                      style.FramePadding.x * 4.0f + style.ItemSpacing.x * 2.0f;
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - right));
  widgets::Badge(connection, connectionColor);
  ImGui::SameLine();
  if (canCopy) {
    if (ImGui::Button("Copy chat"))
      ImGui::SetClipboardText(ConversationText(d, [&ctx](const std::string& iso) { return TimeOfDay(ctx, iso); }).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Copy the whole conversation with its sources");
    ImGui::SameLine();
  }
  if (ImGui::Button("New chat")) ctx.emit(NewChat{});
  ImGui::Separator();
}

}  // namespace oai::app::panels
