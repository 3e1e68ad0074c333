// The header bar: product name, the execution graph (Input → Orchestrator → Agent → Response: four circles joined by
// a line, each filling as its step completes), the connection state, conversations, export and "New chat".
#include <algorithm>
#include <cmath>
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

constexpr float kCircleRadius = 6.5f;  // CSS px
constexpr float kConnector = 18.0f;    // the line between two steps, CSS px

float GraphWidth(const DrawContext& ctx, const GraphStep* steps, int n) {
  widgets::FontScope small(Type::Small);
  float w = 0.0f;
  for (int i = 0; i < n; ++i)
    w += kCircleRadius * 2.0f * ctx.scale + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(steps[i].label).x +
         (i + 1 < n ? kConnector * ctx.scale + ImGui::GetStyle().ItemSpacing.x * 2.0f : 0.0f);
  return w;
}

// The steps as circles: filled in the step's colour once it is done, a ring while it is next (pulsing unless the user
// asked for less motion), grey before; the line to a step fills with it.
void DrawPipeline(const DrawContext& ctx, const GraphStep* steps, int n, bool busy) {
  widgets::FontScope small(Type::Small);
  const ImGuiStyle& style = ImGui::GetStyle();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float r = kCircleRadius * ctx.scale;
  const float line = ImGui::GetFrameHeight();
  const ImVec2 start = ImGui::GetCursorScreenPos();
  float x = start.x;
  const float cy = start.y + line * 0.5f;
  int next = 0;  // the first step not yet lit: the one under way
  while (next < n && steps[next].lit) ++next;
  for (int i = 0; i < n; ++i) {
    const GraphStep& s = steps[i];
    const ImVec2 c(x + r, cy);
    const ImU32 hue = ImGui::GetColorU32(s.lit ? s.color : colors::kIdle);
    if (s.lit) {
      draw->AddCircleFilled(c, r, hue);
      // A check mark in the dark of the background: done.
      const ImU32 ink = ImGui::GetColorU32(colors::kBackground);
      const float t = std::max(1.0f, 1.6f * ctx.scale);
      draw->AddLine(ImVec2(c.x - r * 0.45f, c.y), ImVec2(c.x - r * 0.1f, c.y + r * 0.4f), ink, t);
      draw->AddLine(ImVec2(c.x - r * 0.1f, c.y + r * 0.4f), ImVec2(c.x + r * 0.5f, c.y - r * 0.35f), ink, t);
    } else {
      const bool current = busy && i == next;
      float alpha = 1.0f;
      if (current && !ctx.reducedMotion) alpha = 0.55f + 0.45f * std::sin(static_cast<float>(ImGui::GetTime()) * 6.0f);
      const ImVec4 ring = current ? ImVec4(s.color.x, s.color.y, s.color.z, alpha) : colors::kIdle;
      draw->AddCircle(c, r - 0.5f * ctx.scale, ImGui::GetColorU32(ring), 0, std::max(1.0f, 1.5f * ctx.scale));
    }
    x += r * 2.0f + style.ItemInnerSpacing.x;
    const float textY = cy - ImGui::GetTextLineHeight() * 0.5f;
    ImGui::SetCursorScreenPos(ImVec2(x, textY));
    ImGui::PushStyleColor(ImGuiCol_Text, s.lit ? CardTextColor(s.color) : colors::kTextMuted);
    ImGui::TextUnformatted(s.label);
    ImGui::PopStyleColor();
    x += ImGui::CalcTextSize(s.label).x;
    if (i + 1 < n) {
      x += style.ItemSpacing.x;
      const ImU32 join = ImGui::GetColorU32(steps[i + 1].lit ? steps[i + 1].color : colors::kBorder);
      draw->AddLine(ImVec2(x, cy), ImVec2(x + kConnector * ctx.scale, cy), join, std::max(1.0f, 2.0f * ctx.scale));
      x += kConnector * ctx.scale + style.ItemSpacing.x;
    }
  }
  ImGui::SetCursorScreenPos(start);
  ImGui::Dummy(ImVec2(x - start.x, line));
}

void DrawExecutionGraph(const DrawContext& ctx, float room) {
  const DomainState& d = ctx.state.domain;
  const bool answered = !d.messages.empty() && d.messages.back().role == MessageRole::Assistant && !d.sending;
  std::optional<AgentId> specialist;
  for (const auto& card : d.agents)
    if (card.agent.id != AgentId::Orchestrator &&
        (card.agent.status == AgentStatus::Active || card.agent.status == AgentStatus::Complete))
      specialist = card.agent.id;
  const AgentStatus orchestrator = d.Card(AgentId::Orchestrator).agent.status;
  const bool specialistDone = specialist && (d.Card(*specialist).agent.status == AgentStatus::Complete || answered);
  // Each step is done when the next one has begun (or the answer is in); the first not done is the one under way.
  const GraphStep steps[] = {
      {"Input", d.sending || answered, colors::kCyan},
      {"Orchestrator", orchestrator == AgentStatus::Complete || specialist.has_value() || answered,
       AgentColor(AgentId::Orchestrator)},
      {specialist ? d.Card(*specialist).agent.name.c_str() : "Agent", specialistDone,
       specialist ? HexColor(d.Card(*specialist).agent.color) : colors::kCyan},
      {"Response", answered, colors::kSuccess},
  };
  constexpr int n = static_cast<int>(sizeof steps / sizeof steps[0]);
  if (GraphWidth(ctx, steps, n) > room) return;  // narrow screens: the tabs and the agent cards say the same
  DrawPipeline(ctx, steps, n, d.sending);
  ImGui::SameLine();
}

void DrawConversationList(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
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
}

void DrawExportItems(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  if (ImGui::MenuItem("Download as Markdown")) ctx.emit(ExportRequested{ExportFormat::Markdown});
  if (ImGui::MenuItem("Download as JSON")) ctx.emit(ExportRequested{ExportFormat::Json});
  if (ImGui::MenuItem("Copy conversation"))
    ImGui::SetClipboardText(ConversationText(d, [&ctx](const std::string& iso) { return TimeOfDay(ctx, iso); }).c_str());
}

}  // namespace

void DrawHeaderBar(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  {
    widgets::FontScope title(Type::Title);
    // The title's baseline on the line of the buttons beside it.
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + std::max(0.0f, (ImGui::GetFrameHeight() - ImGui::GetTextLineHeight()) * 0.5f) -
                         1.0f * ctx.scale);
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kCyan);
    ImGui::TextUnformatted("OrchestratAI");
    ImGui::PopStyleColor();
  }
  ImGui::SameLine(0.0f, ImGui::GetStyle().ItemSpacing.x * 3.0f);

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
  const float badge = ImGui::CalcTextSize(connection).x + style.FramePadding.x * 2.0f + style.ItemSpacing.x;
  const float full = badge + (canExport ? buttonWidth("Export") : 0.0f) +
                     (hasList ? buttonWidth("Conversations") : 0.0f) + buttonWidth("New chat");
  // A phone's width has no room for three buttons: they go into one menu.
  const bool compact = ImGui::GetContentRegionAvail().x < full + 40.0f * ctx.scale;
  const float right = compact ? badge + buttonWidth("Menu") : full;
  DrawExecutionGraph(ctx, ImGui::GetContentRegionAvail().x - right - style.ItemSpacing.x * 2.0f);
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - right));
  widgets::Badge(connection, connectionColor);
  ImGui::SameLine();
  if (compact) {
    if (ImGui::Button("Menu")) ImGui::OpenPopup("##menu");
    if (ImGui::BeginPopup("##menu")) {
      if (ImGui::MenuItem("New chat")) ctx.emit(NewChat{});
      if (hasList && ImGui::BeginMenu("Conversations")) {
        DrawConversationList(ctx);
        ImGui::EndMenu();
      }
      if (canExport && ImGui::BeginMenu("Export")) {
        DrawExportItems(ctx);
        ImGui::EndMenu();
      }
      ImGui::EndPopup();
    }
  } else {
    // Conversations kept on this browser: switching loads one's history.
    if (hasList) {
      if (ImGui::Button("Conversations")) ImGui::OpenPopup("##conversations");
      if (ImGui::BeginPopup("##conversations")) {
        DrawConversationList(ctx);
        ImGui::EndPopup();
      }
      ImGui::SameLine();
    }
    // Export: the transcript as a download (Markdown for people, JSON for programs) or on the clipboard.
    if (canExport) {
      if (ImGui::Button("Export")) ImGui::OpenPopup("##export");
      if (ImGui::BeginPopup("##export")) {
        DrawExportItems(ctx);
        ImGui::EndPopup();
      }
      ImGui::SameLine();
    }
    if (ImGui::Button("New chat")) ctx.emit(NewChat{});
  }
  ImGui::Separator();
}

}  // namespace oai::app::panels
