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
  const bool canExport = !d.messages.empty();
  const bool hasList = !d.conversations.empty();
  const auto buttonWidth = [&](const char* label) {
    return ImGui::CalcTextSize(label).x + style.FramePadding.x * 2.0f + style.ItemSpacing.x;
  };
  const float right = ImGui::CalcTextSize(connection).x + style.FramePadding.x * 2.0f + style.ItemSpacing.x +
                      (canExport ? buttonWidth("Export") : 0.0f) + (hasList ? buttonWidth("Conversations") : 0.0f) +
                      buttonWidth("New chat");
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - right));
  widgets::Badge(connection, connectionColor);
  ImGui::SameLine();
  // Conversations kept on this browser: switching loads one's history.
  if (hasList) {
    if (ImGui::Button("Conversations")) ImGui::OpenPopup("##conversations");
    if (ImGui::BeginPopup("##conversations")) {
      for (const ConversationEntry& c : d.conversations) {
        ImGui::PushID(c.id.c_str());
        const bool current = c.id == d.sessionId;
        const std::string when = TimeOfDay(ctx, c.updated);
        const std::string date = c.updated.size() >= 10 ? c.updated.substr(0, 10) : std::string();
        if (ImGui::Selectable(c.title.c_str(), current, ImGuiSelectableFlags_None) && !current)
          ctx.emit(SwitchConversation{c.id});
        ImGui::SameLine();
        ImGui::TextDisabled("%s %s", date.c_str(), when.c_str());
        ImGui::PopID();
      }
      ImGui::EndPopup();
    }
    ImGui::SameLine();
  }
  // Export: the transcript as a download (Markdown for people, JSON for programs) or on the clipboard.
  if (canExport) {
    if (ImGui::Button("Export")) ImGui::OpenPopup("##export");
    if (ImGui::BeginPopup("##export")) {
      if (ImGui::MenuItem("Download as Markdown")) ctx.emit(ExportRequested{ExportFormat::Markdown});
      if (ImGui::MenuItem("Download as JSON")) ctx.emit(ExportRequested{ExportFormat::Json});
      if (ImGui::MenuItem("Copy conversation"))
        ImGui::SetClipboardText(ConversationText(d, [&ctx](const std::string& iso) { return TimeOfDay(ctx, iso); }).c_str());
      ImGui::EndPopup();
    }
    ImGui::SameLine();
  }
  if (ImGui::Button("New chat")) ctx.emit(NewChat{});
  ImGui::Separator();
}

}  // namespace oai::app::panels
