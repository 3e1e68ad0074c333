// The chat: message bubbles, typing indicator, empty state with example questions, error banner with Retry, and the
// multi-line input (Enter sends, Shift+Enter new line, counter from 1,800 characters, blocked over 2,000).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "app/panels/panels.h"
#include "app/panels/widgets.h"
#include "app/theme.h"
#include "imgui.h"
#include "misc/cpp/imgui_stdlib.h"
#include "model/validation.h"

namespace oai::app::panels {

namespace {

constexpr std::size_t kCounterFrom = 1800;
constexpr const char* kExamples[] = {
    "How much does the Pro plan cost?",
    "How do I rotate my API key?",
    "What is your refund policy?",
    "Hi! What can you help me with?",
};

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos; }

bool CanSend(const State& s, const std::string& text) {
  return !s.domain.sending && !IsBlank(text) && Utf8Length(text) <= kMaxMessageChars;
}

void DrawEmptyState(const DrawContext& ctx) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, colors::kCyan);
  ImGui::TextUnformatted("How can I help?");
  ImGui::PopStyleColor();
  ImGui::TextDisabled("Ask about billing, the API or our policies. Every step of the answer shows on the sides.");
  ImGui::Spacing();
  ImGui::BeginDisabled(ctx.state.domain.sending);
  for (const char* example : kExamples) {
    if (ImGui::Button(example)) ctx.emit(SendRequested{example, ""});
  }
  ImGui::EndDisabled();
}

void DrawBubble(const DrawContext& ctx, const ChatMessage& m, float avail) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float pad = style.FramePadding.x;
  const bool user = m.role == MessageRole::User;
  const float maxWidth = std::min(avail * 0.82f, 720.0f * ctx.scale);
  const ImVec2 textSize = ImGui::CalcTextSize(m.content.c_str(), nullptr, false, maxWidth - 3.0f * pad);
  const float minWidth = user ? 80.0f * ctx.scale : std::min(maxWidth, 300.0f * ctx.scale);
  const float width = std::clamp(textSize.x + 3.0f * pad + 1.0f, minWidth, maxWidth);
  if (user) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, avail - width));

  const bool selected = !m.id.empty() && m.id == ctx.state.view.selectedMessageId;
  std::optional<ImVec4> accent;
  widgets::BeginCard(m.id.c_str(), width);
  if (user) {
    ImGui::TextDisabled("You  %s%s", widgets::TimeOfDay(m.timestamp).c_str(), m.pending ? "  sending..." : "");
  } else {
    const AgentId agent = m.agent.value_or(AgentId::Orchestrator);
    accent = HexColor(ctx.state.domain.Card(agent).agent.color);
    widgets::Badge(ctx.state.domain.Card(agent).agent.name.c_str(), *accent);
    if (m.confidence) {
      ImGui::SameLine();
      ImGui::TextDisabled("%d%% confident", static_cast<int>(std::lround(*m.confidence * 100.0)));
    }
    ImGui::SameLine();
    ImGui::TextDisabled("%s", widgets::TimeOfDay(m.timestamp).c_str());
  }
  ImGui::TextUnformatted(m.content.c_str());
  if (!user && m.metrics) {
    const ChatMetrics& mt = *m.metrics;
    ImGui::TextDisabled("%s tokens  %s  %s%s", widgets::FormatTokens(mt.tokensUsed).c_str(),
                        widgets::FormatCost(mt.cost).c_str(), widgets::FormatLatency(mt.latency).c_str(),
                        mt.cache_status == CacheStatus::Hit ? "  cache hit" : "");
  }
  const ImVec4 background = user ? ImVec4(colors::kUserBubble.x, colors::kUserBubble.y, colors::kUserBubble.z,
                                          m.pending ? 0.35f : 0.6f)
                                 : colors::kPanel;
  const ImVec4 border = selected ? colors::kCyan : colors::kBorder;
  widgets::EndCard(background, border, accent ? &*accent : nullptr);

  // Clicking an answer highlights its logs in the retrieval panel; clicking it again clears the highlight.
  if (!user && ImGui::IsItemClicked()) ctx.emit(SelectMessage{selected ? "" : m.id});
  if (!user && ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
}

void DrawTypingIndicator(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  std::string who = d.Card(AgentId::Orchestrator).agent.name + " is routing your question";
  for (const auto& card : d.agents)
    if (card.agent.status == AgentStatus::Active) who = card.agent.name + " is answering";
  const int dots = static_cast<int>(ImGui::GetTime() * 3.0) % 4;
  ImGui::TextDisabled("%s%.*s", who.c_str(), dots, "...");
}

void DrawErrorBanner(const DrawContext& ctx, float width) {
  const ErrorBanner& e = *ctx.state.domain.error;
  widgets::BeginCard("error_banner", width);
  ImGui::PushStyleColor(ImGuiCol_Text, colors::kError);
  ImGui::TextUnformatted(e.failedText.empty() ? "Something went wrong" : "Your message was not sent");
  ImGui::PopStyleColor();
  ImGui::TextUnformatted(e.message.c_str());
  if (e.retryable && !e.failedText.empty()) {
    if (ImGui::Button("Retry")) ctx.emit(RetryRequested{});
    ImGui::SameLine();
  }
  if (ImGui::Button("Dismiss")) ctx.emit(DismissError{});
  const ImVec4 bg(colors::kError.x, colors::kError.y, colors::kError.z, 0.12f);
  widgets::EndCard(bg, colors::kError, &colors::kError);
}

void DrawInput(const DrawContext& ctx) {
  const State& s = ctx.state;
  const ImGuiIO& io = ImGui::GetIO();
  const ImGuiStyle& style = ImGui::GetStyle();
  const bool sending = s.domain.sending;

  const float sendWidth = ImGui::CalcTextSize("Send").x + style.FramePadding.x * 4.0f;
  const float inputHeight = ImGui::GetTextLineHeight() * 3.0f + style.FramePadding.y * 2.0f;
  const float inputWidth = std::max(40.0f, ImGui::GetContentRegionAvail().x - sendWidth - style.ItemSpacing.x);

  // A new generation means the draft was replaced from outside (sent, restored after a failure): a fresh widget id
  // makes ImGui drop its internal copy of the old text.
  ImGui::PushID(s.view.draftGeneration);
  std::string text = s.view.draft;
  if (s.view.focusInputRequested && !sending) {
    // Inside a child window, 1.90's SetKeyboardFocusHere() only lands when that window is the focused one.
    ImGui::SetWindowFocus();
    ImGui::SetKeyboardFocusHere();
    ctx.emit(FocusInputHandled{});
  }
  ImGuiInputTextFlags flags =
      ImGuiInputTextFlags_EnterReturnsTrue | (io.KeyShift ? 0 : ImGuiInputTextFlags_CtrlEnterForNewLine);
  if (sending) flags |= ImGuiInputTextFlags_ReadOnly;
  ImGui::BeginDisabled(sending);
  const bool entered = ImGui::InputTextMultiline("##chat_input", &text, ImVec2(inputWidth, inputHeight), flags);
  ImGui::EndDisabled();
  if (text != s.view.draft) ctx.emit(DraftChanged{text});
  if (entered) {
    if (CanSend(s, text)) ctx.emit(SendRequested{text, ""});
    else ctx.emit(RequestInputFocus{});  // Enter deactivated the widget; keep typing where the user was
  }

  ImGui::SameLine();
  ImGui::BeginDisabled(!CanSend(s, text));
  if (ImGui::Button("Send", ImVec2(sendWidth, inputHeight))) ctx.emit(SendRequested{text, ""});
  ImGui::EndDisabled();
  ImGui::PopID();

  const std::size_t length = Utf8Length(text);
  ImGui::TextDisabled("%s", sending ? "Waiting for the answer..." : "Enter to send, Shift+Enter for a new line");
  if (length >= kCounterFrom) {
    char counter[48];
    std::snprintf(counter, sizeof counter, "%zu / %zu", length, kMaxMessageChars);
    ImGui::SameLine(std::max(0.0f, ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(counter).x));
    ImGui::PushStyleColor(ImGuiCol_Text, length > kMaxMessageChars ? colors::kError : colors::kTextMuted);
    ImGui::TextUnformatted(counter);
    ImGui::PopStyleColor();
  }
}

}  // namespace

void DrawChatPanel(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  const ImGuiStyle& style = ImGui::GetStyle();

  if (d.error) {
    DrawErrorBanner(ctx, ImGui::GetContentRegionAvail().x);
    ImGui::Spacing();
  }

  const float inputArea = ImGui::GetTextLineHeight() * 4.0f + style.FramePadding.y * 2.0f + style.ItemSpacing.y * 3.0f;
  ImGui::BeginChild("##messages", ImVec2(0, std::max(60.0f, ImGui::GetContentRegionAvail().y - inputArea)));
  const float avail = ImGui::GetContentRegionAvail().x;
  if (d.messages.empty() && !d.historyLoading) DrawEmptyState(ctx);
  if (d.historyLoading) ImGui::TextDisabled("Restoring the conversation...");
  // 2,000 messages stay smooth: only those near the view are laid out and drawn.
  widgets::VirtualList list(ctx.memory.chat);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  for (const auto& m : d.messages) {
    const ImGuiID id = ImGui::GetID(m.id.empty() ? m.timestamp.c_str() : m.id.c_str());
    const auto estimate = [&] {
      const float wrap = std::min(avail * 0.82f, 720.0f * ctx.scale) - 3.0f * style.FramePadding.x;
      const float text = ImGui::CalcTextSize(m.content.c_str(), nullptr, false, wrap).y;
      return text + line * (m.metrics ? 2.0f : 1.0f) + style.FramePadding.x + style.ItemSpacing.y * 3.0f;
    };
    if (list.Begin(id, estimate)) {
      DrawBubble(ctx, m, avail);
      ImGui::Spacing();
      list.End();
    }
  }
  list.Finish();
  if (d.sending) DrawTypingIndicator(ctx);
  // Stick to the bottom while the user has not scrolled up (the check uses last frame's extent, so new content
  // arriving this frame is followed).
  if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1.0f) ImGui::SetScrollHereY(1.0f);
  ImGui::EndChild();

  DrawInput(ctx);
}

}  // namespace oai::app::panels
