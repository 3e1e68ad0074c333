// The header bar: product name, the execution graph (Input → Orchestrator → Agent → Response: four circles joined by
// a line, each filling as its step completes), the connection state, conversations, export and "New chat".
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>

#include "app/pipeline.h"
#include "app/panels/panels.h"
#include "app/panels/widgets.h"
#include "app/theme.h"
#include "app/transcript.h"
#include "imgui.h"

namespace oai::app::panels {

namespace {

constexpr float kCircleRadius = 6.5f;  // CSS px
constexpr float kConnector = 18.0f;    // the line between two steps, CSS px

ImVec4 StepColor(const DomainState& d, const PipelineStep& s, std::size_t index) {
  if (s.agent) return HexColor(d.Card(*s.agent).agent.color);
  return index == 0 ? colors::kCyan : colors::kSuccess;
}

float GraphWidth(const DrawContext& ctx, const std::array<PipelineStep, 4>& steps) {
  widgets::FontScope small(Type::Small);
  float w = 0.0f;
  for (std::size_t i = 0; i < steps.size(); ++i)
    w += kCircleRadius * 2.0f * ctx.scale + ImGui::GetStyle().ItemInnerSpacing.x +
         ImGui::CalcTextSize(steps[i].label.c_str()).x +
         (i + 1 < steps.size() ? kConnector * ctx.scale + ImGui::GetStyle().ItemSpacing.x * 2.0f : 0.0f);
  return w;
}

// The steps as circles: filled with a check in the step's colour once done, a ring while under way (pulsing unless
// the user asked for less motion), grey before; the line to a step takes its colour once it has begun.
void DrawPipeline(const DrawContext& ctx, const std::array<PipelineStep, 4>& steps) {
  const DomainState& d = ctx.state.domain;
  widgets::FontScope small(Type::Small);
  const ImGuiStyle& style = ImGui::GetStyle();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float r = kCircleRadius * ctx.scale;
  const float line = ImGui::GetFrameHeight();
  const ImVec2 start = ImGui::GetCursorScreenPos();
  float x = start.x;
  const float cy = start.y + line * 0.5f;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const PipelineStep& s = steps[i];
    const ImVec4 hue = StepColor(d, s, i);
    const ImVec2 c(x + r, cy);
    if (s.state == StepState::Done) {
      draw->AddCircleFilled(c, r, ImGui::GetColorU32(hue));
      // A check mark in the dark of the background: done.
      const ImU32 ink = ImGui::GetColorU32(colors::kBackground);
      const float t = std::max(1.0f, 1.6f * ctx.scale);
      draw->AddLine(ImVec2(c.x - r * 0.45f, c.y), ImVec2(c.x - r * 0.1f, c.y + r * 0.4f), ink, t);
      draw->AddLine(ImVec2(c.x - r * 0.1f, c.y + r * 0.4f), ImVec2(c.x + r * 0.5f, c.y - r * 0.35f), ink, t);
    } else {
      const bool active = s.state == StepState::Active;
      float alpha = 1.0f;
      if (active && !ctx.reducedMotion) alpha = 0.55f + 0.45f * std::sin(static_cast<float>(ImGui::GetTime()) * 6.0f);
      const ImVec4 ring = active ? ImVec4(hue.x, hue.y, hue.z, alpha) : colors::kIdle;
      draw->AddCircle(c, r - 0.5f * ctx.scale, ImGui::GetColorU32(ring), 0, std::max(1.0f, 1.5f * ctx.scale));
    }
    x += r * 2.0f + style.ItemInnerSpacing.x;
    const float textY = cy - ImGui::GetTextLineHeight() * 0.5f;
    ImGui::SetCursorScreenPos(ImVec2(x, textY));
    ImGui::PushStyleColor(ImGuiCol_Text, s.state == StepState::Waiting ? colors::kTextMuted : CardTextColor(hue));
    ImGui::TextUnformatted(s.label.c_str());
    ImGui::PopStyleColor();
    x += ImGui::CalcTextSize(s.label.c_str()).x;
    if (i + 1 < steps.size()) {
      x += style.ItemSpacing.x;
      const bool begun = steps[i + 1].state != StepState::Waiting;
      const ImU32 join = ImGui::GetColorU32(begun ? StepColor(d, steps[i + 1], i + 1) : colors::kBorder);
      draw->AddLine(ImVec2(x, cy), ImVec2(x + kConnector * ctx.scale, cy), join, std::max(1.0f, 2.0f * ctx.scale));
      x += kConnector * ctx.scale + style.ItemSpacing.x;
    }
  }
  ImGui::SetCursorScreenPos(start);
  ImGui::Dummy(ImVec2(x - start.x, line));
}

void DrawExecutionGraph(const DrawContext& ctx, float room) {
  const std::array<PipelineStep, 4> steps = Pipeline(ctx.state.domain);
  if (GraphWidth(ctx, steps) > room) return;  // narrow screens: the tabs and the agent cards say the same
  DrawPipeline(ctx, steps);
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
    RememberTarget(ctx, "conversation:" + c.id);
    ImGui::SameLine();
    ImGui::TextDisabled("%s %s", date.c_str(), when.c_str());
    ImGui::PopID();
  }
}

void DrawExportItems(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  if (ImGui::MenuItem("Download as Markdown")) ctx.emit(ExportRequested{ExportFormat::Markdown});
  RememberTarget(ctx, "Download as Markdown");
  if (ImGui::MenuItem("Download as JSON")) ctx.emit(ExportRequested{ExportFormat::Json});
  RememberTarget(ctx, "Download as JSON");
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
  const bool insights = ctx.state.view.activeTab == Tab::Insights;
  const char* insightsLabel = insights ? "Back to chat" : "Insights";
  const float full = badge + (canExport ? buttonWidth("Export") : 0.0f) +
                     (hasList ? buttonWidth("Conversations") : 0.0f) + buttonWidth(insightsLabel) + buttonWidth("New chat");
  // A phone's width has no room for three buttons: they go into one menu.
  const bool compact = ImGui::GetContentRegionAvail().x < full + 40.0f * ctx.scale;
  const float right = compact ? badge + buttonWidth("Menu") : full;
  DrawExecutionGraph(ctx, ImGui::GetContentRegionAvail().x - right - style.ItemSpacing.x * 2.0f);
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - right));
  widgets::Badge(connection, connectionColor);
  ImGui::SameLine();
  if (compact) {
    if (ImGui::Button("Menu")) ImGui::OpenPopup("##menu");
    RememberTarget(ctx, "Menu");
    if (ImGui::BeginPopup("##menu")) {
      if (ImGui::MenuItem("New chat")) ctx.emit(NewChat{});
      RememberTarget(ctx, "New chat");
      if (ImGui::MenuItem(insightsLabel)) ctx.emit(SelectTab{insights ? Tab::Chat : Tab::Insights});
      RememberTarget(ctx, insightsLabel);
      const bool conversations = hasList && ImGui::BeginMenu("Conversations");
      RememberTarget(ctx, "Conversations");
      if (conversations) {
        DrawConversationList(ctx);
        ImGui::EndMenu();
      }
      const bool exports = canExport && ImGui::BeginMenu("Export");
      if (canExport) RememberTarget(ctx, "Export");
      if (exports) {
        DrawExportItems(ctx);
        ImGui::EndMenu();
      }
      ImGui::EndPopup();
    }
  } else {
    // Conversations kept on this browser: switching loads one's history.
    if (hasList) {
      if (ImGui::Button("Conversations")) ImGui::OpenPopup("##conversations");
      RememberTarget(ctx, "Conversations");
      if (ImGui::BeginPopup("##conversations")) {
        DrawConversationList(ctx);
        ImGui::EndPopup();
      }
      ImGui::SameLine();
    }
    // Export: the transcript as a download (Markdown for people, JSON for programs) or on the clipboard.
    if (canExport) {
      if (ImGui::Button("Export")) ImGui::OpenPopup("##export");
      RememberTarget(ctx, "Export");
      if (ImGui::BeginPopup("##export")) {
        DrawExportItems(ctx);
        ImGui::EndPopup();
      }
      ImGui::SameLine();
    }
    // Insights: the figures for the people who run the assistant, in place of the chat.
    if (ImGui::Button(insightsLabel)) ctx.emit(SelectTab{insights ? Tab::Chat : Tab::Insights});
    RememberTarget(ctx, insightsLabel);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Questions, resolution, feedback and content gaps (Ctrl+4)");
    ImGui::SameLine();
    if (ImGui::Button("New chat")) ctx.emit(NewChat{});
    RememberTarget(ctx, "New chat");
  }
  ImGui::Separator();
}

}  // namespace oai::app::panels
