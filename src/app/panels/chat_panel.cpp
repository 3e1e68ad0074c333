// The chat: message bubbles, typing indicator, empty state with example questions, error banner with Retry, and the
// multi-line input (Enter sends, Shift+Enter new line, counter from 1,800 characters, blocked over 2,000).
#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "app/panels/panels.h"
#include "app/panels/rich_text.h"
#include "app/panels/widgets.h"
#include "app/theme.h"
#include "app/transcript.h"
#include "imgui.h"
#include "imgui_internal.h"  // ImHashStr
#include "misc/cpp/imgui_stdlib.h"
#include "model/validation.h"

namespace oai::app::panels {

namespace {

constexpr std::size_t kCounterFrom = 1800;
// Starter questions, one per agent, each a card with the agent it goes to.
struct Starter {
  AgentId agent;
  const char* topic;
  const char* question;
};
constexpr Starter kStarters[] = {
    {AgentId::Billing, "Billing", "How much does the Pro plan cost?"},
    {AgentId::Technical, "Technical", "How do I rotate my API key?"},
    {AgentId::Policy, "Policy", "What is your refund policy?"},
    {AgentId::Orchestrator, "Getting started", "Hi! What can you help me with?"},
};

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos; }

bool CanSend(const State& s, const std::string& text) {
  if (!s.view.commentOn.empty()) return Utf8Length(text) <= kMaxFeedbackCommentChars;  // blank: removes the comment
  return !s.domain.sending && !IsBlank(text) && Utf8Length(text) <= kMaxMessageChars;
}

// The product's promise and the starter questions as cards (two columns when there is room, else one), each sent
// when clicked.
void DrawEmptyState(const DrawContext& ctx) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float width = std::min(avail, 640.0f * ctx.scale);
  const float left = ImGui::GetCursorPosX() + (avail - width) * 0.5f;
  ImGui::Dummy(ImVec2(0.0f, 24.0f * ctx.scale));
  ImGui::SetCursorPosX(left);
  {
    widgets::FontScope title(Type::Title);
    ImGui::TextUnformatted("How can I help?");
  }
  ImGui::SetCursorPosX(left);
  ImGui::PushTextWrapPos(left + width);
  ImGui::PushStyleColor(ImGuiCol_Text, colors::kTextMuted);
  ImGui::TextWrapped("Answers from our help center, each with its sources, and every step of the work in view.");
  ImGui::PopStyleColor();
  ImGui::PopTextWrapPos();
  ImGui::Dummy(ImVec2(0.0f, 12.0f * ctx.scale));

  const int columns = width > 460.0f * ctx.scale ? 2 : 1;
  const float gap = style.ItemSpacing.x * 1.5f;
  const float cardWidth = (width - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
  const float pad = style.FramePadding.x * 1.5f;
  float textHeight = 0.0f;  // the tallest question, wrapped to the card
  for (const Starter& s : kStarters)
    textHeight = std::max(textHeight, ImGui::CalcTextSize(s.question, nullptr, false, cardWidth - pad * 2.0f).y);
  const float cardHeight = ImGui::GetTextLineHeight() + textHeight + style.ItemSpacing.y + pad * 2.0f;
  const bool disabled = ctx.state.domain.sending;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int i = 0; i < static_cast<int>(std::size(kStarters)); ++i) {
    const Starter& s = kStarters[i];
    if (i % columns != 0) ImGui::SameLine(0.0f, gap);
    else ImGui::SetCursorPosX(left);
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImGui::BeginDisabled(disabled);
    if (ImGui::InvisibleButton(s.question, ImVec2(cardWidth, cardHeight))) ctx.emit(SendRequested{s.question, ""});
    ImGui::EndDisabled();
    const bool hovered = ImGui::IsItemHovered() && !disabled;
    if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    const ImVec4 hue = AgentColor(s.agent);
    const ImVec2 max(pos.x + cardWidth, pos.y + cardHeight);
    draw->AddRectFilled(pos, max, ImGui::GetColorU32(hovered ? Over(ImVec4(hue.x, hue.y, hue.z, 0.10f), colors::kPanel)
                                                              : colors::kPanel),
                        style.ChildRounding);
    draw->AddRect(pos, max, ImGui::GetColorU32(hovered ? hue : colors::kBorder), style.ChildRounding);
    {
      widgets::FontScope small(Type::Small);
      draw->AddText(ImVec2(pos.x + pad, pos.y + pad), ImGui::GetColorU32(CardTextColor(hue)), s.topic);
    }
    const ImVec2 textPos(pos.x + pad, pos.y + pad + ImGui::GetTextLineHeight() + style.ItemSpacing.y);
    draw->AddText(ImGui::GetFont(), ImGui::GetFontSize(), textPos,
                  ImGui::GetColorU32(disabled ? colors::kTextMuted : colors::kText), s.question, nullptr,
                  cardWidth - pad * 2.0f);
  }
}

// The sources after an answer, one chip per cited section: "[1] Refund policy · refunds-and-cancellation.md" (the
// section's heading instead of the title when the answer cites the same file twice). A click opens the viewer there.
void DrawCitationChips(const DrawContext& ctx, const ChatMessage& m, float width) {
  PanelMemory& memory = ctx.memory;
  if (memory.citationsRevision != memory.contentRevision) {
    memory.citations.clear();
    memory.citationsRevision = memory.contentRevision;
  }
  auto cached = memory.citations.find(m.id);
  if (cached == memory.citations.end()) cached = memory.citations.emplace(m.id, CitationsOf(ctx.state.domain, m)).first;
  const std::vector<Citation>& citations = cached->second;
  if (citations.empty()) return;
  const float right = ImGui::GetCursorPosX() + width - ImGui::GetStyle().FramePadding.x * 3.0f;
  const float room = width - ImGui::GetStyle().FramePadding.x * 5.0f;  // the widest a chip may be
  widgets::FontScope small(Type::Small);
  bool first = true;
  for (const Citation& c : citations) {
    int sameFile = 0;
    for (const Citation& o : citations) sameFile += o.source == c.source;
    const std::size_t slash = c.source.rfind('/');
    const std::string file = slash == std::string::npos ? c.source : c.source.substr(slash + 1);
    std::string name = c.title.empty() ? file : c.title;
    if (sameFile > 1 && !c.heading.empty()) {
      const std::size_t last = c.heading.rfind(" > ");
      name = last == std::string::npos ? c.heading : c.heading.substr(last + 3);
    }
    // Shortened to fit the bubble (a phone's width): the file goes first, then the name, never cut mid-chip.
    std::string label = "[" + std::to_string(c.n) + "] " + widgets::Truncate(name, 48) + " · " + file;
    for (std::size_t keep = 40; keep >= 8 && ImGui::CalcTextSize(label.c_str()).x > room; keep -= 8)
      label = "[" + std::to_string(c.n) + "] " + widgets::Truncate(name, keep);
    const float w = ImGui::CalcTextSize(label.c_str()).x + ImGui::GetStyle().FramePadding.x * 2.0f;
    if (!first && ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + ImGui::GetStyle().ItemSpacing.x + w < right) {
      ImGui::SameLine();
    }
    first = false;
    ImGui::PushID(static_cast<int>(c.n));
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kCyan);
    if (ImGui::SmallButton(label.c_str())) ctx.emit(OpenDocument{c.source, c.chunk_id, c.similarity});
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", c.heading.empty() ? c.source.c_str() : c.heading.c_str());
    ImGui::PopID();
  }
}

// A small button that shows whether it is the chosen one (a vote, a reason): tinted and bright when it is.
bool ToggleButton(const char* label, bool on, const ImVec4& hue) {
  if (on) {
    ImGui::PushStyleColor(ImGuiCol_Button, BadgeBackground(hue, colors::kPanel));
    ImGui::PushStyleColor(ImGuiCol_Text, BadgeTextColor(hue));
  }
  const bool pressed = ImGui::SmallButton(label);
  if (on) ImGui::PopStyleColor(2);
  return pressed;
}

// On the line after Copy/Details, when it fits: "Helpful" / "Not helpful"; after a thumbs down, "What went wrong?"
// and the reasons; then whether the vote was saved.
void DrawFeedback(const DrawContext& ctx, const ChatMessage& m, float right) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const std::string rating = m.feedback ? m.feedback->rating : "";
  const auto fits = [&](const char* a, const char* b) {
    const float w = ImGui::CalcTextSize(a).x + ImGui::CalcTextSize(b).x + style.FramePadding.x * 4.0f +
                    style.ItemSpacing.x * 3.0f;
    return ImGui::GetItemRectMax().x + w < right;
  };
  if (fits("Helpful", "Not helpful")) ImGui::SameLine(0.0f, style.ItemSpacing.x * 3.0f);
  ImGui::PushID("feedback");
  if (ToggleButton("Helpful", rating == "up", colors::kSuccess)) ctx.emit(RateAnswer{m.id, "up", std::nullopt});
  RememberTarget(ctx, "helpful:" + m.id);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("This answered my question");
  ImGui::SameLine();
  if (ToggleButton("Not helpful", rating == "down", colors::kWarning)) ctx.emit(RateAnswer{m.id, "down", std::nullopt});
  RememberTarget(ctx, "not-helpful:" + m.id);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Tell us what was wrong with this answer");
  if (rating == "down") {
    static constexpr std::array<std::pair<const char*, const char*>, 3> kReasons = {
        {{"wrong", "Wrong"}, {"incomplete", "Incomplete"}, {"not_what_i_asked", "Not what I asked"}}};
    ImGui::TextDisabled("What went wrong?");
    for (const auto& [reason, label] : kReasons) {
      const float w = ImGui::CalcTextSize(label).x + style.FramePadding.x * 2.0f + style.ItemSpacing.x;
      if (ImGui::GetItemRectMax().x + w < right) ImGui::SameLine();
      const bool on = m.feedback->reason && *m.feedback->reason == reason;
      if (ToggleButton(label, on, colors::kWarning)) ctx.emit(RateAnswer{m.id, "down", std::string(reason)});
      RememberTarget(ctx, std::string("reason:") + reason + ":" + m.id);
    }
    // In its own words: the chat input takes the comment (the browser's text field: paste, IME, a phone's keyboard).
    const bool writing = ctx.state.view.commentOn == m.id;
    if (m.feedback->comment && !writing) {
      ImGui::PushStyleColor(ImGuiCol_Text, colors::kTextMuted);
      ImGui::TextWrapped("Your comment: %s", m.feedback->comment->c_str());
      ImGui::PopStyleColor();
    }
    const char* label = writing ? "Writing below..." : m.feedback->comment ? "Edit comment" : "Add a comment";
    const float w = ImGui::CalcTextSize(label).x + style.FramePadding.x * 2.0f + style.ItemSpacing.x;
    if (!m.feedback->comment && ImGui::GetItemRectMax().x + w < right) ImGui::SameLine();
    ImGui::BeginDisabled(writing);
    if (ImGui::SmallButton(label)) ctx.emit(CommentOnAnswer{m.id});
    ImGui::EndDisabled();
    RememberTarget(ctx, "comment:" + m.id);
  }
  if (!m.feedbackError.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, CardTextColor(colors::kError));
    ImGui::TextWrapped("%s", m.feedbackError.c_str());
    ImGui::PopStyleColor();
  } else if (m.feedback && !m.feedbackSaving) {
    ImGui::TextDisabled("%s", rating == "up" ? "Thanks for your feedback." : "Thanks, this helps us improve.");
  }
  ImGui::PopID();
}

void DrawSuggestions(const DrawContext& ctx, const ChatMessage& m, float right) {
  const std::vector<std::string> next = SuggestionsOf(ctx.state.domain, m);
  if (next.empty()) return;
  const ImGuiStyle& style = ImGui::GetStyle();
  widgets::FontScope small(Type::Small);
  ImGui::TextDisabled("Ask next:");
  ImGui::PushID("suggestions");
  for (std::size_t i = 0; i < next.size(); ++i) {
    // Shortened to fit a phone's bubble; the whole question is sent.
    const std::string label = widgets::Truncate(next[i], 44);
    const float w = ImGui::CalcTextSize(label.c_str()).x + style.FramePadding.x * 2.0f + style.ItemSpacing.x;
    if (ImGui::GetItemRectMax().x + w < right) ImGui::SameLine();
    ImGui::PushID(static_cast<int>(i));
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kCyan);
    if (ImGui::SmallButton(label.c_str())) ctx.emit(SendRequested{next[i], ""});
    ImGui::PopStyleColor();
    ImGui::PopID();
    RememberTarget(ctx, "suggestion:" + std::to_string(i));
  }
  ImGui::PopID();
}

// The line above a message's text, all on one line: "You · 10:27 PM" or the agent's pill, "92% confident" and the
// time; the confidence goes first when the bubble is too narrow for all three.
float SenderLineWidth(const DrawContext& ctx, const ChatMessage& m, bool withConfidence) {
  const ImGuiStyle& style = ImGui::GetStyle();
  widgets::FontScope small(Type::Small);
  const std::string time = TimeOfDay(ctx, m.timestamp);
  if (m.role == MessageRole::User)
    return ImGui::CalcTextSize(("You  " + time + (m.pending ? "  sending..." : "")).c_str()).x;
  const AgentId agent = m.agent.value_or(AgentId::Orchestrator);
  float w = ImGui::CalcTextSize(ctx.state.domain.Card(agent).agent.name.c_str()).x + style.FramePadding.x * 1.4f +
            style.ItemSpacing.x + ImGui::CalcTextSize(time.c_str()).x;
  if (withConfidence && m.confidence) w += ImGui::CalcTextSize("100% confident").x + style.ItemSpacing.x;
  return w;
}

void DrawSenderLine(const DrawContext& ctx, const ChatMessage& m, bool withConfidence) {
  const std::string time = TimeOfDay(ctx, m.timestamp);
  if (m.role == MessageRole::User) {
    widgets::FontScope small(Type::Small);
    // Muted, but readable on the blue bubble.
    ImGui::PushStyleColor(ImGuiCol_Text, ReadableOn(colors::kTextMuted, UserBubbleBackground(m.pending)));
    ImGui::Text("You  %s%s", time.c_str(), m.pending ? "  sending..." : "");
    ImGui::PopStyleColor();
    return;
  }
  const AgentId agent = m.agent.value_or(AgentId::Orchestrator);
  widgets::Badge(ctx.state.domain.Card(agent).agent.name.c_str(), HexColor(ctx.state.domain.Card(agent).agent.color));
  widgets::FontScope small(Type::Small);
  const float centre = (ImGui::GetItemRectSize().y - ImGui::GetTextLineHeight()) * 0.5f;
  const auto muted = [&](const std::string& text) {
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + centre);
    ImGui::TextDisabled("%s", text.c_str());
  };
  if (withConfidence && m.confidence)
    muted(std::to_string(static_cast<int>(std::lround(*m.confidence * 100.0))) + "% confident");
  muted(time);
}

void DrawBubble(const DrawContext& ctx, const ChatMessage& m, float avail) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float pad = style.FramePadding.x;
  const bool user = m.role == MessageRole::User;
  // About 70 characters of text on a wide screen; the width less a margin on a phone.
  const float maxWidth = std::min(avail * (avail < 560.0f * ctx.scale ? 0.94f : 0.82f), 620.0f * ctx.scale);
  const float textWidth = maxWidth - 3.0f * pad;
  const widgets::RichLayout& layout =
      ctx.memory.answers.Get(m.id.empty() ? m.timestamp : m.id, m.content, textWidth, FontOf(Type::Body),
                             FontOf(Type::Strong), ImGui::GetFontSize());
  const bool withConfidence = SenderLineWidth(ctx, m, true) + 3.0f * pad + 1.0f <= maxWidth;
  // A bubble is at least as wide as its sender line, so that line never wraps.
  const float senderWidth = SenderLineWidth(ctx, m, withConfidence);
  const float minWidth = user ? std::min(maxWidth, std::max(80.0f * ctx.scale, senderWidth + 3.0f * pad + 1.0f))
                              : std::min(maxWidth, std::max(senderWidth + 3.0f * pad + 1.0f, 300.0f * ctx.scale));
  const float width = std::clamp(layout.width + 3.0f * pad + 1.0f, minWidth, maxWidth);
  if (user) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, avail - width));

  const bool selected = !m.id.empty() && m.id == ctx.state.view.selectedMessageId;
  std::optional<ImVec4> accent;
  if (!user) accent = HexColor(ctx.state.domain.Card(m.agent.value_or(AgentId::Orchestrator)).agent.color);
  widgets::BeginCard(m.id.c_str(), width);
  DrawSenderLine(ctx, m, withConfidence);
  // The text can be selected by dragging across it (Ctrl/Cmd+C copies the selection, see App::Draw).
  const TextSelection& sel = ctx.state.view.textSelection;
  const bool holds = !m.id.empty() && sel.messageId == m.id;
  int anchor = holds ? sel.anchor : -1;
  int focus = holds ? sel.focus : -1;
  bool textClicked = false;
  if (widgets::SelectableRichText("##text", m.content, layout, anchor, focus, &anchor, &focus, &textClicked) &&
      !m.id.empty() && (!holds || anchor != sel.anchor || focus != sel.focus))
    ctx.emit(SelectText{TextSelection{m.id, anchor, focus}});
  // A press on the text belongs to the text (a drag selects; a click without a drag is reported on release).
  const bool textHeld = ImGui::IsItemActive() || ImGui::IsItemDeactivated();
  if (textClicked && !sel.Empty()) ctx.emit(SelectText{});  // a click clears a selection
  if (!user && !m.streaming) DrawCitationChips(ctx, m, width);
  bool copied = false;
  const float rowRight = ImGui::GetCursorScreenPos().x + width - pad * 3.0f;
  if (!user && !m.streaming) {
    // The customer's view: the answer, Copy, and its metrics only on request (the side panels are the inspector).
    copied = ImGui::SmallButton("Copy");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Copy the answer and its sources");
    const auto& open = ctx.state.view.detailsOpen;
    const bool details = m.metrics && !m.id.empty();
    const bool showing = details && std::find(open.begin(), open.end(), m.id) != open.end();
    if (details) {
      ImGui::SameLine();
      if (ImGui::SmallButton(showing ? "Hide details" : "Details")) ctx.emit(ToggleDetails{m.id});
    }
    if (!m.serverId.empty()) DrawFeedback(ctx, m, rowRight);
    // The last answer suggests what to ask next: a chip sends it.
    const DomainState& d = ctx.state.domain;
    if (!d.messages.empty() && &d.messages.back() == &m && !d.sending) DrawSuggestions(ctx, m, rowRight);
    if (showing) {
      const ChatMetrics& mt = *m.metrics;
      const std::string model = ctx.state.domain.Card(m.agent.value_or(AgentId::Orchestrator)).agent.model;
      ImGui::TextDisabled("%s tokens  ·  %s  ·  %s%s", widgets::FormatTokens(mt.tokensUsed).c_str(),
                          widgets::FormatCostOf(mt.cost, model).c_str(), widgets::FormatLatency(mt.latency).c_str(),
                          mt.cache_status == CacheStatus::Hit ? "  ·  cache hit" : "");
    }
  }
  const ImVec4 background = user ? UserBubbleBackground(m.pending) : colors::kPanel;
  const ImVec4 border = selected ? colors::kCyan : colors::kBorder;
  widgets::EndCard(background, border, accent ? &*accent : nullptr);

  // A right click (a long press on a touch screen) offers Copy for any message.
  const bool menu = ImGui::IsItemClicked(ImGuiMouseButton_Right);
  ImGui::PushID(m.id.empty() ? m.timestamp.c_str() : m.id.c_str());
  if (menu) ImGui::OpenPopup("##message_menu");
  if (ImGui::BeginPopup("##message_menu")) {
    if (ImGui::MenuItem(user ? "Copy message" : "Copy answer")) copied = true;
    ImGui::EndPopup();
  }
  ImGui::PopID();
  if (copied) ImGui::SetClipboardText(MessageText(ctx.state.domain, m).c_str());
  // Clicking an answer highlights its logs in the retrieval panel; clicking it again clears the highlight.
  else if (const int n = !user && textClicked && holds ? CitationAt(m.content, sel.anchor) : 0; n > 0) {
    // A click on "[n]" in the answer opens that source, like its chip.
    for (const Citation& c : CitationsOf(ctx.state.domain, m))
      if (c.n == n) ctx.emit(OpenDocument{c.source, c.chunk_id, c.similarity});
  } else if (!user && ((ImGui::IsItemClicked() && !textHeld) || textClicked)) {
    ctx.emit(SelectMessage{selected ? "" : m.id});
  }
  if (!user && ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
}

void DrawTypingIndicator(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  std::string who = d.Card(AgentId::Orchestrator).agent.name + " is routing your question";
  for (const auto& card : d.agents)
    if (card.agent.status == AgentStatus::Active) who = card.agent.name + " is answering";
  const int dots = ctx.reducedMotion ? 3 : static_cast<int>(ImGui::GetTime() * 3.0) % 4;
  ImGui::TextDisabled("%s%.*s", who.c_str(), dots, "...");
}

void DrawErrorBanner(const DrawContext& ctx, float width) {
  const ErrorBanner& e = *ctx.state.domain.error;
  widgets::BeginCard("error_banner", width);
  ImGui::PushStyleColor(ImGuiCol_Text, colors::kError);
  ImGui::TextUnformatted(e.healthCheck          ? "The server has a problem"
                         : e.failedText.empty() ? "Something went wrong"
                                                : "Your message was not sent");
  ImGui::PopStyleColor();
  ImGui::TextUnformatted(e.message.c_str());
  if (e.retryable && (e.healthCheck || !e.failedText.empty())) {
    if (ImGui::Button("Retry")) {
      if (e.healthCheck) ctx.emit(RetryHealthCheck{});
      else ctx.emit(RetryRequested{});
    }
    ImGui::SameLine();
  }
  if (ImGui::Button("Dismiss")) ctx.emit(DismissError{});
  const ImVec4 bg(colors::kError.x, colors::kError.y, colors::kError.z, 0.12f);
  widgets::EndCard(bg, colors::kError, &colors::kError);
}

// The chat input when the host owns the text (the page's <textarea> over this rectangle): draws its value, the
// selection, the composition underlined and the caret, and tells the field where to sit.
void DrawHostField(const DrawContext& ctx, ImVec2 size) {
  const State& s = ctx.state;
  const ImGuiStyle& style = ImGui::GetStyle();
  ImFont* font = ImGui::GetFont();
  const float fontSize = ImGui::GetFontSize();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##chat_input", size);
  if (ImGui::IsItemClicked()) ctx.textField->Focus();  // the field lies on top; this is for hosts that let clicks through
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_TextInput);
  TextFieldPlacement place;
  place.x = pos.x;
  place.y = pos.y;
  place.width = size.x;
  place.height = size.y;
  place.paddingX = style.FramePadding.x;
  place.paddingY = style.FramePadding.y;
  place.fontSize = fontSize;
  place.scale = ctx.scale;
  ctx.textField->Place(place);
  if (s.view.focusInputRequested) {
    ctx.textField->Focus();
    ctx.emit(FocusInputHandled{});
  }

  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 max(pos.x + size.x, pos.y + size.y);
  draw->AddRectFilled(pos, max, ImGui::GetColorU32(ImGuiCol_FrameBg), style.FrameRounding);
  draw->AddRect(pos, max, ImGui::GetColorU32(s.view.inputFocused ? colors::kCyan : colors::kBorder),
                style.FrameRounding);
  const ImVec2 clipMin(pos.x + 1.0f, pos.y + 1.0f);
  const ImVec2 clipMax(max.x - 1.0f, max.y - 1.0f);
  draw->PushClipRect(clipMin, clipMax, true);
  const float left = pos.x + style.FramePadding.x;
  const float top = pos.y + style.FramePadding.y - s.view.inputScrollY * ctx.scale;
  const std::string& text = s.view.draft;
  if (text.empty()) {
    draw->AddText(font, fontSize, ImVec2(left, top), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                  s.view.commentOn.empty() ? "Ask about billing, the API or our policies"
                                           : "What was wrong with the answer?");
  }
  const std::vector<widgets::TextLine> lines = widgets::WrapText(font, fontSize, text, size.x - style.FramePadding.x * 2.0f);
  const InputCaret& c = s.view.caret;
  const ImU32 textColor = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 selectionColor = ImGui::GetColorU32(ImGuiCol_TextSelectedBg);
  const char* base = text.c_str();
  const auto xAt = [&](const widgets::TextLine& line, int offset) {
    return left + font->CalcTextSizeA(fontSize, FLT_MAX, 0.0f, base + line.begin, base + offset).x;
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const widgets::TextLine& line = lines[i];
    const float y = top + static_cast<float>(i) * fontSize;
    if (y + fontSize < clipMin.y || y > clipMax.y) continue;
    const int from = std::max(c.selectionStart, line.begin);
    const int to = std::min(c.selectionEnd, line.end);
    if (from < to) draw->AddRectFilled(ImVec2(xAt(line, from), y), ImVec2(xAt(line, to), y + fontSize), selectionColor);
    draw->AddText(font, fontSize, ImVec2(left, y), textColor, base + line.begin, base + line.end);
    const int compFrom = std::max(c.compositionStart, line.begin);
    const int compTo = std::min(c.compositionEnd, line.end);
    if (c.compositionStart >= 0 && compFrom < compTo) {
      const float underline = y + fontSize - 1.0f * ctx.scale;
      draw->AddLine(ImVec2(xAt(line, compFrom), underline), ImVec2(xAt(line, compTo), underline), textColor,
                    std::max(1.0f, ctx.scale));
    }
  }
  if (s.view.inputFocused && c.selectionStart == c.selectionEnd) {
    // The caret sits on the last line that contains its offset's start (the line a wrap moves it to).
    std::size_t row = 0;
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (lines[i].begin <= c.selectionStart) row = i;
    const float x = lines.empty() ? left : xAt(lines[row], std::min(c.selectionStart, lines[row].end));
    const float y = top + static_cast<float>(row) * fontSize;
    draw->AddLine(ImVec2(x, y), ImVec2(x, y + fontSize), ImGui::GetColorU32(colors::kCyan), std::max(1.0f, ctx.scale));
  }
  draw->PopClipRect();
}

void DrawImGuiField(const DrawContext& ctx, ImVec2 size, std::string& text) {
  const State& s = ctx.state;
  const ImGuiIO& io = ImGui::GetIO();
  // A new generation means the draft was replaced from outside (sent, restored after a failure): a fresh widget id
  // makes ImGui drop its internal copy of the old text.
  ImGui::PushID(s.view.draftGeneration);
  if (s.view.focusInputRequested) {
    // Inside a child window, 1.90's SetKeyboardFocusHere() only lands when that window is the focused one.
    ImGui::SetWindowFocus();
    ImGui::SetKeyboardFocusHere();
    ctx.emit(FocusInputHandled{});
  }
  // Typing goes on while a reply is pending; only sending waits for it.
  const ImGuiInputTextFlags flags =
      ImGuiInputTextFlags_EnterReturnsTrue | (io.KeyShift ? 0 : ImGuiInputTextFlags_CtrlEnterForNewLine);
  const bool entered = ImGui::InputTextMultiline("##chat_input", &text, size, flags);
  if (text != s.view.draft) ctx.emit(DraftChanged{text, std::nullopt});
  if (entered) {
    if (!s.view.commentOn.empty()) ctx.emit(SubmitDraft{});
    else if (CanSend(s, text)) ctx.emit(SendRequested{text, ""});
    ctx.emit(RequestInputFocus{});  // Enter deactivated the widget; keep typing where the user was
  }
  ImGui::PopID();
}

void DrawInput(const DrawContext& ctx) {
  const State& s = ctx.state;
  const ImGuiStyle& style = ImGui::GetStyle();
  const bool commenting = !s.view.commentOn.empty();
  const bool sending = s.domain.sending && !commenting;
  if (commenting) {
    // The input holds a comment on a thumbs down until it is sent or left.
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kWarning);
    ImGui::TextUnformatted("Your comment on the answer");
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::SmallButton("Cancel comment")) ctx.emit(CommentOnAnswer{""});
    RememberTarget(ctx, "Cancel comment");
  }

  const float sendWidth = ImGui::CalcTextSize("Send").x + style.FramePadding.x * 4.0f;
  const float inputHeight = ImGui::GetTextLineHeight() * 3.0f + style.FramePadding.y * 2.0f;
  const float inputWidth = std::max(40.0f, ImGui::GetContentRegionAvail().x - sendWidth - style.ItemSpacing.x);

  std::string text = s.view.draft;
  if (ctx.textField) DrawHostField(ctx, ImVec2(inputWidth, inputHeight));
  else DrawImGuiField(ctx, ImVec2(inputWidth, inputHeight), text);

  ImGui::SameLine();
  ImGui::BeginDisabled(!CanSend(s, text));
  if (ImGui::Button("Send##send", ImVec2(sendWidth, inputHeight))) {
    if (ctx.textField || commenting) ctx.emit(SubmitDraft{});
    else ctx.emit(SendRequested{text, ""});
  }
  ImGui::EndDisabled();

  const std::size_t length = Utf8Length(text);
  const std::string hint = commenting ? std::string("Enter sends the comment with your vote, Esc leaves it")
                           : sending    ? std::string("Waiting for the answer; you can type the next question")
                           : ctx.textField ? ctx.textField->Hint()
                                           : std::string("Enter to send, Shift+Enter for a new line");
  ImGui::TextDisabled("%s", hint.c_str());
  // The counter shows near the limit: 2,000 characters for a question, 500 for a comment (shown from the start).
  const std::size_t limit = commenting ? kMaxFeedbackCommentChars : kMaxMessageChars;
  if (length >= (commenting ? 0 : kCounterFrom)) {
    char counter[48];
    std::snprintf(counter, sizeof counter, "%zu / %zu", length, limit);
    ImGui::SameLine(std::max(0.0f, ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(counter).x));
    ImGui::PushStyleColor(ImGuiCol_Text, length > limit ? colors::kError : colors::kTextMuted);
    ImGui::TextUnformatted(counter);
    ImGui::PopStyleColor();
  }
}

}  // namespace

void RememberTarget(const DrawContext& ctx, const std::string& name) {
  // A popup's first frame lays it out before it is placed: the item is not where it will be seen.
  if (ImGui::IsWindowAppearing()) return;
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 size = ImGui::GetItemRectSize();
  const float s = ctx.scale;
  ctx.memory.targets[name] = {min.x / s, min.y / s, size.x / s, size.y / s};
}

std::string TimeOfDay(const DrawContext& ctx, const std::string& iso) {
  if (!ctx.localTime || !*ctx.localTime || iso.empty()) return widgets::TimeOfDay(iso);
  auto& cache = ctx.memory.localTimes;
  if (auto it = cache.find(iso); it != cache.end()) return it->second;
  std::string local = (*ctx.localTime)(iso);
  if (local.empty()) local = widgets::TimeOfDay(iso);
  return cache.emplace(iso, std::move(local)).first->second;
}

void DrawChatPanel(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  const ImGuiStyle& style = ImGui::GetStyle();

  if (d.error) {
    DrawErrorBanner(ctx, ImGui::GetContentRegionAvail().x);
    ImGui::Spacing();
  }

  // The input, its hint below, and the line above it while it holds a comment on an answer.
  const float commentLine = ctx.state.view.commentOn.empty() ? 0.0f : ImGui::GetFrameHeightWithSpacing();
  const float inputArea =
      ImGui::GetTextLineHeight() * 4.0f + style.FramePadding.y * 2.0f + style.ItemSpacing.y * 3.0f + commentLine;
  ImGui::BeginChild("##messages", ImVec2(0, std::max(60.0f, ImGui::GetContentRegionAvail().y - inputArea)));
  const float avail = ImGui::GetContentRegionAvail().x;
  if (d.messages.empty() && !d.historyLoading) DrawEmptyState(ctx);
  if (d.historyLoading) ImGui::TextDisabled("Restoring the conversation...");
  // 2,000 messages stay smooth: only those near the view are laid out and drawn, found without walking the list.
  // A streamed answer with nothing to read yet is not listed: the typing indicator says who is at work.
  std::size_t count = d.messages.size();
  if (count > 0 && d.messages.back().streaming && d.messages.back().content.empty()) --count;
  const auto idOf = [](const ChatMessage& m) -> const std::string& { return m.id.empty() ? m.timestamp : m.id; };
  // A log card was clicked: its answer is scrolled into view once (drawn or not, its place in the list is known).
  const ViewState& v = ctx.state.view;
  const bool scrollToSelection = v.selectionFromLog && !v.selectedMessageId.empty() &&
                                 ctx.memory.chatScrolledTo != v.selectionGeneration;
  // The list's key: messages only ever arrive at the end, so its length and its ends name its contents.
  const ImGuiID key = count == 0 ? 0
                                 : ImHashStr(idOf(d.messages[count - 1]).c_str(), 0,
                                             ImHashStr(idOf(d.messages[0]).c_str(), 0, static_cast<ImGuiID>(count)));
  widgets::VirtualList list(ctx.memory.chat, count, key, scrollToSelection);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  float selectionTop = -1.0f;
  for (std::size_t i = list.First(); i < list.Last(); ++i) {
    const ChatMessage& m = d.messages[i];
    if (scrollToSelection && m.id == v.selectedMessageId) selectionTop = list.NextTop();
    const ImGuiID id = ImGui::GetID(idOf(m).c_str());
    const auto estimate = [&] {
      const float wrap = std::min(avail * 0.82f, 720.0f * ctx.scale) - 3.0f * style.FramePadding.x;
      const float text = ImGui::CalcTextSize(m.content.c_str(), nullptr, false, wrap).y;
      return text + line * (m.role == MessageRole::Assistant ? 2.0f : 1.0f) + style.FramePadding.x + style.ItemSpacing.y * 3.0f;
    };
    if (list.Begin(i, id, estimate)) {
      DrawBubble(ctx, m, avail);
      ImGui::Spacing();
      list.End();
    }
  }
  list.Finish();
  if (d.sending) DrawTypingIndicator(ctx);
  if (selectionTop >= 0.0f) {
    ImGui::SetScrollY(std::max(0.0f, selectionTop - ImGui::GetTextLineHeightWithSpacing()));
    ctx.memory.chatScrolledTo = v.selectionGeneration;
  } else if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1.0f) {
    // Stick to the bottom while the user has not scrolled up (the check uses last frame's extent, so new content
    // arriving this frame is followed).
    ImGui::SetScrollHereY(1.0f);
  }
  ctx.memory.chatScrollY = ImGui::GetScrollY() / ctx.scale;
  ImGui::EndChild();

  DrawInput(ctx);
}

}  // namespace oai::app::panels
