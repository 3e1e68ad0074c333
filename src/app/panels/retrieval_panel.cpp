// The retrieval log: every step of every turn as a card (routing decision, searches with their chunks and scores,
// cache lookups, cited documents), newest turn first, filtered by type and text.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <type_traits>
#include <string>
#include <string_view>

#include "app/panels/panels.h"
#include "app/panels/rich_text.h"
#include "app/panels/widgets.h"
#include "app/theme.h"
#include "imgui.h"
#include "imgui_internal.h"  // ImHashStr
#include "misc/cpp/imgui_stdlib.h"

namespace oai::app::panels {

namespace {

constexpr int kSnippetLines = 4;

const char* TypeLabel(LogType t) {
  switch (t) {
    case LogType::Routing: return "ROUTING";
    case LogType::VectorSearch: return "SEARCH";
    case LogType::Cache: return "CACHE";
    case LogType::Documents: return "DOCUMENTS";
  }
  return "LOG";
}

const char* FilterLabel(const std::optional<LogType>& t) {
  if (!t) return "All types";
  switch (*t) {
    case LogType::Routing: return "Routing";
    case LogType::VectorSearch: return "Vector search";
    case LogType::Cache: return "Cache";
    case LogType::Documents: return "Documents";
  }
  return "?";
}

// Routing in the orchestrator's colour, a search in the colour of the agent that searched.
ImVec4 TypeColor(const RetrievalLog& log) {
  switch (log.Type()) {
    case LogType::Routing: return AgentColor(AgentId::Orchestrator);
    case LogType::VectorSearch: return AgentColor(std::get<SearchData>(log.data).agent);
    case LogType::Cache: return colors::kWarning;
    case LogType::Documents: return colors::kSuccess;
  }
  return colors::kIdle;
}

ImVec4 LogStatusColor(LogStatus s) {
  switch (s) {
    case LogStatus::Success: return colors::kSuccess;
    case LogStatus::Pending: return colors::kIdle;
    case LogStatus::Warning: return colors::kWarning;
    case LogStatus::Error: return colors::kError;
  }
  return colors::kIdle;
}

// Similarity badge colours of the document viewer: green from 0.8, amber from 0.6, red below.
bool ContainsFolded(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != haystack.end();
}

// The words a text filter looks through besides the title and the chunks: what the card shows.
bool DataMatches(const LogData& data, std::string_view needle) {
  return std::visit(
      [&](const auto& d) {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, RoutingData>) {
          if (ContainsFolded(d.intent, needle) || ContainsFolded(DisplayName(d.agent), needle)) return true;
          for (const auto& r : d.reasons)
            if (ContainsFolded(r.term, needle)) return true;
          return false;
        } else if constexpr (std::is_same_v<T, SearchData>) {
          for (const auto& t : d.query_terms)
            if (ContainsFolded(t, needle)) return true;
          return ContainsFolded(d.domain, needle) || ContainsFolded(d.index, needle);
        } else if constexpr (std::is_same_v<T, CacheData>) {
          return ContainsFolded(d.key, needle) || ContainsFolded(d.matched_question.value_or(""), needle);
        } else {
          for (const auto& c : d.citations)
            if (ContainsFolded(c.source, needle) || ContainsFolded(c.heading, needle)) return true;
          return ContainsFolded(d.model, needle) || ContainsFolded(d.composer, needle);
        }
      },
      data);
}

bool Matches(const ViewState& v, const RetrievalLog& log) {
  if (v.logTypeFilter && log.Type() != *v.logTypeFilter) return false;
  if (v.logTextFilter.empty()) return true;
  if (ContainsFolded(log.title, v.logTextFilter) || DataMatches(log.data, v.logTextFilter)) return true;
  if (log.chunks)
    for (const auto& c : *log.chunks)
      if (ContainsFolded(c.source, v.logTextFilter) || ContainsFolded(c.content, v.logTextFilter)) return true;
  return false;
}

// 0.4 → "40%", 0.017 → "1.7%", 1.8e-06 → "<0.1%": no e-notation, no "0.0%" for something that is not zero.
std::string Percent(double fraction) {
  char buf[16];
  const double p = fraction * 100.0;
  if (p > 0.0 && p < 0.1) return "<0.1%";
  std::snprintf(buf, sizeof buf, p < 10.0 && p > 0.0 ? "%.1f%%" : "%.0f%%", p);
  return buf;
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// "billing" → "Billing", "out_of_scope" → "Out of scope".
std::string Label(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (c == '_') c = ' ';
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

void Row(const char* label, const std::string& value) {
  ImGui::TextDisabled("%s", label);
  ImGui::SameLine();
  ImGui::TextWrapped("%s", value.c_str());
}

void DrawRouting(const RoutingData& d) {
  Row("Intent", Label(d.intent) + " · " + Percent(d.confidence));
  std::string target = DisplayName(d.agent);
  if (d.strategy == Strategy::Hybrid && d.specialists.size() > 1) {
    target = std::string(DisplayName(d.specialists[0])) + " + " + DisplayName(d.specialists[1]);
  }
  Row("Target", target + " · " + DisplayName(d.strategy));
  if (!d.reasons.empty()) {
    // The words that decided, as a small bar list: each bar's length is its weight against the strongest.
    ImGui::TextDisabled("Why");
    double strongest = 0.0;
    for (const auto& r : d.reasons) strongest = std::max(strongest, r.weight);
    float label = 0.0f;
    for (const auto& r : d.reasons) label = std::max(label, ImGui::CalcTextSize(r.term.c_str()).x);
    label = std::min(label, ImGui::GetContentRegionAvail().x * 0.4f) + ImGui::GetStyle().ItemSpacing.x * 1.5f;
    const float bar = std::max(40.0f, ImGui::GetContentRegionAvail().x - label - ImGui::CalcTextSize(" 0.00").x - 8.0f);
    for (const auto& r : d.reasons) {
      const float start = ImGui::GetCursorPosX();
      ImGui::TextUnformatted(r.term.c_str());
      ImGui::SameLine(start + label);
      widgets::MeterBar(strongest > 0.0 ? static_cast<float>(r.weight / strongest) : 0.0f, std::min(bar, 160.0f),
                        AgentColor(AgentId::Orchestrator));
      ImGui::SameLine();
      ImGui::TextDisabled("%s", Fixed(r.weight, 2).c_str());
    }
  }
  if (!d.alternatives.empty()) {
    std::string also;
    for (const auto& a : d.alternatives) also += (also.empty() ? "" : ", ") + Label(a.intent) + " " + Percent(a.probability);
    Row("Also considered", also);
  }
  if (d.follow_up) {
    Row("Follow-up", (d.follow_up->applied ? "read with " : "not read with ") +
                         std::string("\"") + widgets::Truncate(d.follow_up->previous_question, 60) + "\"");
  }
  Row("Router", d.model + " · " + widgets::FormatLatency(d.latency_ms));
}

// A chunk's or a citation's document: clicking it opens the viewer at that section.
void SourceLink(const Emit& emit, const std::string& label, const std::string& source, std::int64_t chunkId,
                double similarity) {
  ImGui::PushStyleColor(ImGuiCol_Text, colors::kCyan);
  if (ImGui::Selectable(label.c_str(), false)) emit(OpenDocument{source, chunkId, similarity});
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered()) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    ImGui::SetTooltip("Open the document at this section");
  }
}

void DrawChunks(const DrawContext& ctx, const RetrievalLog& log, float width) {
  const Emit& emit = ctx.emit;
  if (!log.chunks) return;
  for (const auto& c : *log.chunks) {
    ImGui::PushID(static_cast<int>(c.id));
    ImGui::Separator();
    SourceLink(emit, c.source, c.source, c.id, c.similarity);
    if (c.metadata && !c.metadata->heading.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, colors::kTextMuted);
      ImGui::TextWrapped("%s", c.metadata->heading.c_str());
      ImGui::PopStyleColor();
    }
    // The match as a bar on the viewer's scale (green from 0.8, amber from 0.6), its value beside it.
    widgets::MeterBar(static_cast<float>(c.similarity), std::max(40.0f, width * 0.6f), widgets::ScoreColor(c.similarity));
    ImGui::SameLine();
    ImGui::Text("%.2f", c.similarity);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Similarity: green from 0.80, amber from 0.60, red below");
    // The passage as a reader sees it (markdown read, not shown), its first lines.
    widgets::FontScope small(Type::Small);
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kTextMuted);
    widgets::RichPreview(c.content, width, kSnippetLines, ctx.memory.passages, log.id + "/" + std::to_string(c.id));
    ImGui::PopStyleColor();
    ImGui::PopID();
  }
}

void DrawVectorSearch(const DrawContext& ctx, const RetrievalLog& log, const SearchData& d, float width) {
  Row("Index", d.index + " over " + std::to_string(d.indexed_chunks) + " chunks");
  Row("Scope", d.domain);
  std::string terms;
  for (const auto& t : d.query_terms) terms += (terms.empty() ? "" : " ") + t;
  Row("Query", terms);
  if (!d.expansions.empty()) {
    std::string also;
    for (const auto& e : d.expansions) also += (also.empty() ? "" : ", ") + e.term + " → " + e.matched;
    Row("Also matched", also);
  }
  Row("Found", std::to_string(d.chunk_count) + " of top " + std::to_string(d.top_k) + " · " +
                   widgets::FormatLatency(d.latency_ms));
  if (ImGui::TreeNodeEx("How the score is computed", ImGuiTreeNodeFlags_SpanAvailWidth)) {
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kTextMuted);
    ImGui::TextWrapped("%s", d.metric.c_str());
    ImGui::PopStyleColor();
    ImGui::TreePop();
  }
  DrawChunks(ctx, log, width);
}

void DrawCache(const DrawContext& ctx, const RetrievalLog& log, const CacheData& d, float width) {
  widgets::Badge(d.hit ? "HIT" : "MISS", d.hit ? colors::kSuccess : colors::kWarning);
  ImGui::SameLine();
  ImGui::TextDisabled("%s cache, %s", d.cache.c_str(), DisplayName(d.agent));
  if (d.similarity) Row("Similarity", Fixed(*d.similarity, 2) + " (threshold " + Fixed(d.threshold, 2) + ")");
  if (d.matched_question) Row("Matched", "\"" + widgets::Truncate(*d.matched_question, 80) + "\"");
  if (d.saved_cost || d.saved_tokens) {
    std::string saved = d.saved_tokens ? widgets::FormatTokens(*d.saved_tokens) + " tokens" : std::string();
    if (d.saved_cost) saved += (saved.empty() ? "" : ", ") + widgets::FormatCost(*d.saved_cost);
    if (d.saved_latency_ms) saved += (saved.empty() ? "" : ", ") + widgets::FormatLatency(*d.saved_latency_ms);
    Row("Saved", saved);
  }
  Row("Hit rate", Percent(d.hit_rate) + " · " + std::to_string(d.size) + " of " + std::to_string(d.capacity) +
                      " entries · " + widgets::FormatLatency(d.latency_ms));
  DrawChunks(ctx, log, width);
}

void DrawDocuments(const Emit& emit, const DocumentsData& d) {
  for (const Citation& c : d.citations) {
    ImGui::PushID(static_cast<int>(c.n));
    SourceLink(emit, "[" + std::to_string(c.n) + "] " + c.source, c.source, c.chunk_id, c.similarity);
    ImGui::PopID();
    if (!c.heading.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, colors::kTextMuted);
      ImGui::TextWrapped("%s · %s", c.heading.c_str(), Fixed(c.similarity, 2).c_str());
      ImGui::PopStyleColor();
    }
  }
  std::string composer = d.composer == "cache" ? std::string("from the cache") : d.model + " (" + d.composer + ")";
  Row("Composer", composer);
  if (d.composer != "cache") {
    Row("Tokens", widgets::FormatTokens(d.prompt_tokens) + " in, " + widgets::FormatTokens(d.completion_tokens) +
                      " out" + (d.tokens_estimated ? " (estimated)" : "") + " · " +
                      widgets::FormatCostOf(d.cost, d.model) + " · " + widgets::FormatLatency(d.latency_ms));
  }
  if (d.llm_error) Row("LLM failed", *d.llm_error);
  for (const auto& w : d.warnings) Row("Warning", w);
}

void DrawLogCard(const DrawContext& ctx, const LogEntry& entry, bool highlighted, float width) {
  const RetrievalLog& log = entry.log;
  const ImVec4 typeColor = TypeColor(log);
  widgets::BeginCard(log.id.c_str(), width);
  widgets::Badge(TypeLabel(log.Type()), typeColor);
  ImGui::SameLine();
  {
    widgets::FontScope strong(Type::Strong);
    ImGui::TextUnformatted(log.title.c_str());
  }
  ImGui::PushStyleColor(ImGuiCol_Text, CardTextColor(LogStatusColor(log.status)));
  ImGui::TextUnformatted(ToString(log.status));
  ImGui::PopStyleColor();
  if (log.timestamp.size() >= 19) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", log.timestamp.substr(11, 8).c_str());
  }
  const float inner = width - ImGui::GetStyle().FramePadding.x * 3.0f;
  std::visit(
      [&](const auto& d) {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, RoutingData>) DrawRouting(d);
        else if constexpr (std::is_same_v<T, SearchData>) DrawVectorSearch(ctx, log, d, inner);
        else if constexpr (std::is_same_v<T, CacheData>) DrawCache(ctx, log, d, inner);
        else DrawDocuments(ctx.emit, d);
      },
      log.data);
  widgets::EndCard(colors::kPanel, highlighted ? colors::kCyan : colors::kBorder, &typeColor);
  if (ImGui::IsItemClicked() && !entry.messageId.empty())
    ctx.emit(SelectMessage{highlighted ? "" : entry.messageId, true});
}

void DrawFilters(const DrawContext& ctx) {
  const ViewState& v = ctx.state.view;
  ImGui::SetNextItemWidth(std::max(80.0f, ImGui::GetContentRegionAvail().x * 0.4f));
  if (ImGui::BeginCombo("##log_type", FilterLabel(v.logTypeFilter))) {
    if (ImGui::Selectable("All types", !v.logTypeFilter)) ctx.emit(SetLogFilter{std::nullopt, v.logTextFilter});
    for (LogType t : {LogType::Routing, LogType::VectorSearch, LogType::Cache, LogType::Documents}) {
      if (ImGui::Selectable(FilterLabel(t), v.logTypeFilter == t)) ctx.emit(SetLogFilter{t, v.logTextFilter});
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  std::string text = v.logTextFilter;
  const float clearWidth = ImGui::CalcTextSize("Clear").x + ImGui::GetStyle().FramePadding.x * 2.0f;
  ImGui::SetNextItemWidth(
      std::max(60.0f, ImGui::GetContentRegionAvail().x - clearWidth - ImGui::GetStyle().ItemSpacing.x));
  if (ImGui::InputTextWithHint("##log_text", "Filter logs", &text)) ctx.emit(SetLogFilter{v.logTypeFilter, text});
  ImGui::SameLine();
  ImGui::BeginDisabled(!v.logTypeFilter && v.logTextFilter.empty());
  if (ImGui::Button("Clear")) ctx.emit(SetLogFilter{std::nullopt, ""});
  ImGui::EndDisabled();
}

}  // namespace

void DrawRetrievalPanel(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  const ViewState& v = ctx.state.view;
  {
    widgets::FontScope small(Type::Small);
    ImGui::TextDisabled("RETRIEVAL LOG  (%zu)", d.LogCount());
  }
  DrawFilters(ctx);
  ImGui::BeginChild("##log_list");
  const float width = ImGui::GetContentRegionAvail().x;
  if (d.logTurns.empty()) {  // wrapped: the panel can be narrower than the sentence
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Each step of an answer appears here: routing, search, cache, sources.");
    ImGui::PopStyleColor();
  }
  // 10,000 entries stay smooth: each turn's group is one item of a virtual list, drawn only near the view. The
  // filters are part of the group's id, since they change its height.
  const std::string filterKey =
      "group/" + std::to_string(v.logTypeFilter ? static_cast<int>(*v.logTypeFilter) : -1) + "/" + v.logTextFilter;
  const float cardEstimate = ImGui::GetTextLineHeightWithSpacing() * 6.0f;
  const ImGuiID filterSeed = ImGui::GetID(filterKey.c_str());
  // An answer was clicked: its turn's cards are scrolled into view once.
  const bool scrollToSelection = !v.selectionFromLog && !v.selectedMessageId.empty() &&
                                 ctx.memory.logScrolledTo != v.selectionGeneration;
  // Newest turn first. The list's key: the filters, the number of turns, the newest turn's id and entries (turns
  // arrive at the top; only the newest gains entries, while it streams).
  const std::size_t count = d.logTurns.size();
  const ImGuiID key =
      count == 0 ? 0
                 : ImHashStr(d.logTurns.back().messageId.c_str(), 0,
                             filterSeed + static_cast<ImGuiID>(count) * 31u +
                                 static_cast<ImGuiID>(d.logTurns.back().entries.size()));
  widgets::VirtualList list(ctx.memory.log, count, key, scrollToSelection);
  float selectionTop = -1.0f;
  for (std::size_t i = list.First(); i < list.Last(); ++i) {
    const auto turn = d.logTurns.rbegin() + static_cast<std::ptrdiff_t>(i);
    const bool highlighted = !v.selectedMessageId.empty() && turn->messageId == v.selectedMessageId;
    if (scrollToSelection && highlighted) selectionTop = list.NextTop();
    bool headerShown = false;
    // One hash per group for the ones skipped; the ID stack only for the drawn ones.
    const ImGuiID groupId = ImHashStr(turn->messageId.c_str(), 0, filterSeed + static_cast<ImGuiID>(turn->turn));
    const auto estimate = [&] {
      std::size_t shown = 0;
      for (const auto& entry : turn->entries) shown += Matches(v, entry.log) ? 1 : 0;
      return shown == 0 ? 0.0f : ImGui::GetTextLineHeightWithSpacing() + cardEstimate * static_cast<float>(shown);
    };
    if (!list.Begin(i, groupId, estimate)) continue;
    ImGui::PushID(turn->turn);
    ImGui::PushID(turn->messageId.c_str());
    for (const auto& entry : turn->entries) {
      if (!Matches(v, entry.log)) continue;
      if (!headerShown) {
        headerShown = true;
        std::string heading = turn->turn > 0 ? "Turn " + std::to_string(turn->turn) : std::string("Earlier");
        if (!turn->question.empty()) {
          heading += ": " + widgets::Truncate(turn->question, 60);
        }
        ImGui::PushStyleColor(ImGuiCol_Text, highlighted ? colors::kCyan : colors::kTextMuted);
        ImGui::TextUnformatted(heading.c_str());
        ImGui::PopStyleColor();
      }
      DrawLogCard(ctx, entry, highlighted, width);
      ImGui::Spacing();
    }
    list.End();
    ImGui::PopID();
    ImGui::PopID();
  }
  list.Finish();
  if (selectionTop >= 0.0f) {
    ImGui::SetScrollY(selectionTop);
    ctx.memory.logScrolledTo = v.selectionGeneration;
  }
  ImGui::EndChild();
}

}  // namespace oai::app::panels
