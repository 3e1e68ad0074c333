// The insights view: the numbers at the top, questions per day, latency and share per agent, and the content gaps
// with the document to write or fix (GET /api/insights). In place of the chat on a wide screen, a tab on a phone.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/panels/panels.h"
#include "app/panels/widgets.h"
#include "app/theme.h"
#include "imgui.h"

namespace oai::app::panels {

namespace {

// Muted text that wraps at the panel's edge (a phone's width): TextDisabled does not.
void Muted(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

std::string Percent(double share) {
  char buf[16];
  if (share > 0.0 && share < 0.01) std::snprintf(buf, sizeof buf, "<1%%");
  else std::snprintf(buf, sizeof buf, "%.0f%%", share * 100.0);
  return buf;
}

// One figure as a small card: its label above, the value large. Cards flow left to right and wrap.
void Figure(const DrawContext& ctx, const char* label, const std::string& value, const char* hint, float width,
            bool first) {
  const ImGuiStyle& style = ImGui::GetStyle();
  if (!first) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + style.ItemSpacing.x + width <= right) ImGui::SameLine();
  }
  ImGui::BeginGroup();
  widgets::BeginCard(label, width);
  {
    widgets::FontScope small(Type::Small);
    ImGui::TextDisabled("%s", label);
  }
  {
    widgets::FontScope title(Type::Title);
    ImGui::TextUnformatted(value.c_str());
  }
  widgets::EndCard(colors::kPanel, colors::kBorder);
  ImGui::EndGroup();
  if (ImGui::IsItemHovered() && hint) ImGui::SetTooltip("%s", hint);
  (void)ctx;
}

// Questions per day as bars: answered (cyan) with the declined part on top (amber); the first and last day below.
void DayBars(const DrawContext& ctx, const InsightsReport& r, float width) {
  const float height = 90.0f * ctx.scale;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(width, height));
  std::int64_t most = 1;
  for (const InsightsDay& d : r.days) most = std::max(most, d.questions);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float slot = width / static_cast<float>(std::max<std::size_t>(1, r.days.size()));
  const float bar = std::max(1.0f, slot * 0.7f);
  for (std::size_t i = 0; i < r.days.size(); ++i) {
    const InsightsDay& d = r.days[i];
    const float x = origin.x + slot * static_cast<float>(i) + (slot - bar) * 0.5f;
    const float total = height * static_cast<float>(d.questions) / static_cast<float>(most);
    const float declined = height * static_cast<float>(d.declined) / static_cast<float>(most);
    const float bottom = origin.y + height;
    if (d.questions == 0) {
      draw->AddLine(ImVec2(x, bottom - 0.5f), ImVec2(x + bar, bottom - 0.5f), ImGui::GetColorU32(colors::kBorder));
      continue;
    }
    draw->AddRectFilled(ImVec2(x, bottom - total), ImVec2(x + bar, bottom), ImGui::GetColorU32(colors::kCyan), 2.0f * ctx.scale);
    if (declined > 0.0f)
      draw->AddRectFilled(ImVec2(x, bottom - total), ImVec2(x + bar, bottom - total + declined),
                          ImGui::GetColorU32(colors::kWarning), 2.0f * ctx.scale);
    if (ImGui::IsMouseHoveringRect(ImVec2(x, origin.y), ImVec2(x + bar, bottom)))
      ImGui::SetTooltip("%s: %lld questions, %lld declined, %lld thumbs down", d.day.c_str(),
                        static_cast<long long>(d.questions), static_cast<long long>(d.declined),
                        static_cast<long long>(d.thumbs_down));
  }
  widgets::FontScope small(Type::Small);
  if (!r.days.empty()) {
    ImGui::TextDisabled("%s", r.days.front().day.c_str());
    const float w = ImGui::CalcTextSize(r.days.back().day.c_str()).x;
    ImGui::SameLine(std::max(0.0f, ImGui::GetCursorPosX() + width - w - ImGui::GetItemRectSize().x - 1.0f));
    ImGui::TextDisabled("%s", r.days.back().day.c_str());
  }
  Muted("cyan: answered or small talk, amber: declined");
}

float NameWidth(const DrawContext& ctx, const InsightsReport& r) {
  float w = 0.0f;
  for (const InsightsAgent& a : r.agents) w = std::max(w, ImGui::CalcTextSize(ctx.state.domain.Card(a.agent).agent.name.c_str()).x);
  return w;
}

// The agents' names in their colours, one per row, with what `draw` puts beside each (at the same x on every row).
template <typename Beside>
void AgentRows(const DrawContext& ctx, const InsightsReport& r, Beside beside) {
  const DomainState& d = ctx.state.domain;
  const float nameWidth = NameWidth(ctx, r);
  for (const InsightsAgent& a : r.agents) {
    const Agent& agent = d.Card(a.agent).agent;
    const ImVec4 hue = HexColor(agent.color);
    ImGui::PushStyleColor(ImGuiCol_Text, CardTextColor(hue));
    ImGui::TextUnformatted(agent.name.c_str());
    ImGui::PopStyleColor();
    ImGui::SameLine(nameWidth + ImGui::GetStyle().ItemSpacing.x * 2.0f);
    beside(a, hue);
  }
}

// The bars' width: what the names and the widest figures beside the bars leave of the row (a phone's too).
float BarWidth(const DrawContext& ctx, const InsightsReport& r, float width, const std::vector<std::string>& labels) {
  float text = 0.0f;
  for (const std::string& l : labels) text = std::max(text, ImGui::CalcTextSize(l.c_str()).x);
  const float room = width - NameWidth(ctx, r) - text - ImGui::GetStyle().ItemSpacing.x * 4.0f;
  return std::max(40.0f * ctx.scale, std::min(240.0f * ctx.scale, room));
}

// Each agent's share of the questions as a bar.
void ShareChart(const DrawContext& ctx, const InsightsReport& r, float width) {
  std::vector<std::string> labels;
  for (const InsightsAgent& a : r.agents) labels.push_back(Percent(a.share) + " (" + std::to_string(a.questions) + ")");
  const float bar = BarWidth(ctx, r, width, labels);
  std::size_t i = 0;
  AgentRows(ctx, r, [&](const InsightsAgent& a, const ImVec4& hue) {
    widgets::MeterBar(static_cast<float>(a.share), bar, hue);
    ImGui::SameLine();
    ImGui::TextUnformatted(labels[i++].c_str());
  });
}

// Each agent's latency on one scale: the bar reaches its median (p50), the thin line beyond it its p95.
void LatencyChart(const DrawContext& ctx, const InsightsReport& r, float width) {
  std::vector<std::string> labels;
  for (const InsightsAgent& a : r.agents)
    labels.push_back(a.questions == 0 ? "no questions"
                                      : "p50 " + widgets::FormatLatency(a.latency_p50_ms) + ", p95 " +
                                            widgets::FormatLatency(a.latency_p95_ms));
  const float bar = BarWidth(ctx, r, width, labels);
  std::size_t i = 0;
  double most = 1.0;
  for (const InsightsAgent& a : r.agents) most = std::max(most, a.latency_p95_ms);
  AgentRows(ctx, r, [&](const InsightsAgent& a, const ImVec4& hue) {
    const float h = ImGui::GetTextLineHeight();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(bar, h));
    const std::string& label = labels[i++];
    if (a.questions == 0) {
      ImGui::SameLine();
      ImGui::TextDisabled("%s", label.c_str());
      return;
    }
    const auto x = [&](double ms) { return o.x + bar * static_cast<float>(std::min(1.0, ms / most)); };
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float mid = o.y + h * 0.5f;
    draw->AddRectFilled(ImVec2(o.x, o.y + h * 0.2f), ImVec2(std::max(o.x + 1.0f, x(a.latency_p50_ms)), o.y + h * 0.8f),
                        ImGui::GetColorU32(hue), 2.0f * ctx.scale);
    draw->AddLine(ImVec2(x(a.latency_p50_ms), mid), ImVec2(x(a.latency_p95_ms), mid), ImGui::GetColorU32(hue),
                  std::max(1.0f, 2.0f * ctx.scale));
    draw->AddLine(ImVec2(x(a.latency_p95_ms), o.y + h * 0.25f), ImVec2(x(a.latency_p95_ms), o.y + h * 0.75f),
                  ImGui::GetColorU32(hue), std::max(1.0f, 2.0f * ctx.scale));
    ImGui::SameLine();
    ImGui::TextUnformatted(label.c_str());
  });
}

void GapCard(const DrawContext& ctx, const ContentGap& g, std::size_t index, float width) {
  ImGui::PushID(static_cast<int>(index));
  widgets::BeginCard("##gap", width);
  {
    widgets::FontScope strong(Type::Strong);
    ImGui::Text("%lld question%s", static_cast<long long>(g.count), g.count == 1 ? "" : "s");
  }
  ImGui::SameLine();
  std::string detail;
  if (g.declined > 0) detail += std::to_string(g.declined) + " declined";
  if (g.thumbs_down > 0) detail += (detail.empty() ? "" : ", ") + std::to_string(g.thumbs_down) + " thumbs down";
  detail += (detail.empty() ? "last asked " : "  ·  last asked ") + g.last_asked;
  Muted(detail);
  for (const std::string& example : g.examples) {
    ImGui::Bullet();
    ImGui::TextWrapped("%s", example.c_str());
  }
  if (g.document) {
    widgets::FontScope small(Type::Small);
    Muted("Nearest: " + (g.heading.empty() ? *g.document : g.heading));
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kCyan);
    if (ImGui::SmallButton(("Open " + *g.document).c_str())) ctx.emit(OpenDocument{*g.document, g.chunk_id, 0.0});
    ImGui::PopStyleColor();
    RememberTarget(ctx, "open-gap:" + std::to_string(index));
  } else {
    Muted("No document is near: a new one may be needed.");
  }
  widgets::EndCard(colors::kPanel, colors::kBorder, &colors::kWarning);
  ImGui::PopID();
}

}  // namespace

void DrawInsightsPanel(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  const ImGuiStyle& style = ImGui::GetStyle();
  {
    widgets::FontScope title(Type::Title);
    ImGui::TextUnformatted("Insights");
  }
  ImGui::SameLine();
  if (d.insights) ImGui::TextDisabled("%s to %s", d.insights->from.c_str(), d.insights->to.c_str());
  // The buttons follow on the same line when they fit (a phone puts them on the next).
  const float buttons = ImGui::CalcTextSize("Refresh").x + ImGui::CalcTextSize("Download gaps (CSV)").x +
                        style.FramePadding.x * 4.0f + style.ItemSpacing.x * 3.0f;
  if (ImGui::GetItemRectMax().x + buttons < ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
    ImGui::SameLine();
  ImGui::BeginDisabled(d.insightsLoading);
  if (ImGui::SmallButton(d.insightsLoading ? "Loading..." : "Refresh")) ctx.emit(RefreshInsights{});
  ImGui::EndDisabled();
  RememberTarget(ctx, "Refresh insights");
  if (d.insights && !d.insights->gaps.empty()) {
    ImGui::SameLine();
    if (ImGui::SmallButton("Download gaps (CSV)")) ctx.emit(ExportGapsRequested{});
    RememberTarget(ctx, "Download gaps (CSV)");
  }
  ImGui::Separator();
  ImGui::BeginChild("##insights_body", ImVec2(0, 0));
  const float width = ImGui::GetContentRegionAvail().x - style.ScrollbarSize;
  if (!d.insightsError.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, CardTextColor(colors::kError));
    ImGui::TextWrapped("%s", d.insightsError.c_str());
    ImGui::PopStyleColor();
  }
  if (!d.insights) {
    if (d.insightsError.empty()) ImGui::TextDisabled("Loading the last 30 days...");
    ImGui::EndChild();
    return;
  }
  const InsightsReport& r = *d.insights;
  const InsightsTotals& t = r.totals;
  if (t.questions == 0) ImGui::TextWrapped("No questions in these 30 days yet: the figures fill in as customers ask.");

  const float card = std::max(120.0f * ctx.scale, std::min(170.0f * ctx.scale, (width - style.ItemSpacing.x * 4.0f) / 5.0f));
  Figure(ctx, "Questions", std::to_string(t.questions), "every turn, small talk included", card, true);
  Figure(ctx, "Resolution rate", Percent(t.resolution_rate), r.resolution_definition.c_str(), card, false);
  Figure(ctx, "Thumbs down", Percent(t.thumbs_down_rate), "thumbs-down votes per answered question", card, false);
  Figure(ctx, "Cache hits", Percent(t.cache_hit_rate), "turns answered from the response cache", card, false);
  Figure(ctx, "Latency p95", widgets::FormatLatency(t.latency_p95_ms),
         "95% of turns took at most this long (p50: the median)", card, false);
  {
    widgets::FontScope small(Type::Small);
    Muted(std::to_string(t.answered) + " answered, " + std::to_string(t.declined) + " declined, " +
          std::to_string(t.small_talk) + " small talk; " + std::to_string(t.thumbs_up) + " thumbs up, " +
          std::to_string(t.thumbs_down) + " down; " + widgets::FormatTokens(t.tokens) + " tokens, " +
          (t.cost > 0.0 ? widgets::FormatCost(t.cost) : std::string("free (no priced model)")));
  }

  ImGui::Spacing();
  {
    widgets::FontScope strong(Type::Strong);
    ImGui::TextUnformatted("Questions per day");
  }
  DayBars(ctx, r, width);

  ImGui::Spacing();
  {
    widgets::FontScope strong(Type::Strong);
    ImGui::TextUnformatted("Share of the questions per agent");
  }
  ShareChart(ctx, r, width);
  {
    widgets::FontScope small(Type::Small);
    std::string strategies;
    for (const InsightsStrategy& s : r.strategies)
      if (s.questions > 0) strategies += (strategies.empty() ? "" : ", ") + std::string(DisplayName(s.strategy)) + " " + Percent(s.share);
    if (!strategies.empty()) Muted("Strategies: " + strategies);
  }

  ImGui::Spacing();
  {
    widgets::FontScope strong(Type::Strong);
    ImGui::TextUnformatted("Latency per agent");
  }
  LatencyChart(ctx, r, width);
  {
    widgets::FontScope small(Type::Small);
    Muted("bar: the median turn (p50); line: 95% of turns (p95)");
  }

  ImGui::Spacing();
  {
    widgets::FontScope strong(Type::Strong);
    ImGui::Text("Content gaps (%zu)", r.gaps.size());
  }
  Muted("Questions the assistant declined or that got a thumbs down, grouped by what they ask.");
  if (r.gaps.empty()) Muted("None in these days.");
  for (std::size_t i = 0; i < r.gaps.size(); ++i) GapCard(ctx, r.gaps[i], i, width);
  ImGui::EndChild();
}

}  // namespace oai::app::panels
