// The retrieval log: every step of every turn as a card (routing decision, searches with their chunks and scores,
// cache lookups, cited documents), newest turn first, filtered by type and text.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>

#include "app/panels/panels.h"
#include "app/panels/widgets.h"
#include "app/theme.h"
#include "imgui.h"
#include "imgui_internal.h"  // ImHashStr
#include "misc/cpp/imgui_stdlib.h"

namespace oai::app::panels {

namespace {

constexpr std::size_t kSnippetChars = 180;

const char* TypeLabel(LogType t) {
  switch (t) {
    case LogType::Routing: return "ROUTING";
    case LogType::VectorSearch: return "SEARCH";
    case LogType::Cache: return "CACHE";
    case LogType::Documents: return "DOCUMENTS";
    case LogType::Llm: return "LLM";
    case LogType::Error: return "ERROR";
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
    case LogType::Llm: return "LLM";
    case LogType::Error: return "Error";
  }
  return "?";
}

ImVec4 TypeColor(LogType t) {
  switch (t) {
    case LogType::Routing: return colors::kCyan;
    case LogType::VectorSearch: return HexColor("#3B82F6");
    case LogType::Cache: return colors::kWarning;
    case LogType::Documents: return colors::kSuccess;
    case LogType::Llm: return HexColor("#A855F7");
    case LogType::Error: return colors::kError;
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
ImVec4 ScoreColor(double score) {
  if (score >= 0.8) return colors::kSuccess;
  if (score >= 0.6) return colors::kWarning;
  return colors::kError;
}

bool ContainsFolded(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != haystack.end();
}

bool Matches(const ViewState& v, const RetrievalLog& log) {
  if (v.logTypeFilter && log.type != *v.logTypeFilter) return false;
  if (v.logTextFilter.empty()) return true;
  if (ContainsFolded(log.title, v.logTextFilter) || ContainsFolded(log.data.dump(), v.logTextFilter)) return true;
  if (log.chunks)
    for (const auto& c : *log.chunks)
      if (ContainsFolded(c.source, v.logTextFilter) || ContainsFolded(c.content, v.logTextFilter)) return true;
  return false;
}

// The first of several spellings the engine may use for a field ("latency_ms" or "latency").
const Json* Field(const Json& data, std::initializer_list<const char*> names) {
  if (!data.is_object()) return nullptr;
  for (const char* n : names) {
    auto it = data.find(n);
    if (it != data.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

std::string Compact(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v.get<double>());
    return buf;
  }
  return v.dump();
}

std::string Percent(const Json& v) {
  if (!v.is_number()) return Compact(v);
  char buf[16];
  const double x = v.get<double>();
  std::snprintf(buf, sizeof buf, "%.0f%%", x <= 1.0 ? x * 100.0 : x);
  return buf;
}

void Row(const char* label, const std::string& value) {
  ImGui::TextDisabled("%s", label);
  ImGui::SameLine();
  ImGui::TextUnformatted(value.c_str());
}

// Key/value lines for everything in `data` not already shown by a specialised card.
void DrawRemainingData(const Json& data, std::initializer_list<const char*> shown) {
  if (!data.is_object()) return;
  for (auto it = data.begin(); it != data.end(); ++it) {
    if (std::find_if(shown.begin(), shown.end(), [&](const char* s) { return it.key() == s; }) != shown.end()) continue;
    Row((it.key() + ":").c_str(), Compact(it.value()));
  }
}

void DrawRouting(const RetrievalLog& log) {
  const Json& d = log.data;
  if (const Json* v = Field(d, {"intent"})) Row("Intent", Compact(*v));
  if (const Json* v = Field(d, {"confidence"})) Row("Confidence", Percent(*v));
  if (const Json* v = Field(d, {"target", "target_agent", "agent"})) Row("Target", Compact(*v));
  if (const Json* reasons = Field(d, {"reasons"}); reasons && reasons->is_array()) {
    ImGui::TextDisabled("Reasons");
    for (const auto& r : *reasons) {
      std::string text = r.is_object() && r.contains("term") ? Compact(r["term"]) : Compact(r);
      if (r.is_object() && r.contains("weight")) text += " (" + Compact(r["weight"]) + ")";
      ImGui::BulletText("%s", text.c_str());
    }
  }
  DrawRemainingData(d, {"intent", "confidence", "target", "target_agent", "agent", "reasons"});
}

void DrawChunks(const RetrievalLog& log, float width) {
  if (!log.chunks) return;
  for (const auto& c : *log.chunks) {
    ImGui::PushID(static_cast<int>(c.id));
    ImGui::Separator();
    ImGui::TextUnformatted(c.source.c_str());
    char score[16];
    std::snprintf(score, sizeof score, "%.2f", c.similarity);
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ScoreColor(c.similarity));
    ImGui::ProgressBar(static_cast<float>(c.similarity), ImVec2(std::max(40.0f, width * 0.6f), 0.0f), score);
    ImGui::PopStyleColor();
    const std::string snippet = widgets::Truncate(c.content, kSnippetChars);
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kTextMuted);
    ImGui::TextUnformatted(snippet.c_str());
    ImGui::PopStyleColor();
    ImGui::PopID();
  }
}

void DrawVectorSearch(const RetrievalLog& log, float width) {
  const Json& d = log.data;
  if (const Json* v = Field(d, {"index"})) Row("Index", Compact(*v));
  if (const Json* v = Field(d, {"metric"})) Row("Metric", Compact(*v));
  if (const Json* v = Field(d, {"query"})) Row("Query", Compact(*v));
  const std::size_t count = log.chunks ? log.chunks->size() : 0;
  if (const Json* v = Field(d, {"chunk_count", "results", "count"})) Row("Chunks", Compact(*v));
  else Row("Chunks", std::to_string(count));
  if (const Json* v = Field(d, {"latency_ms", "latency"}); v && v->is_number())
    Row("Latency", widgets::FormatLatency(v->get<double>()));
  DrawRemainingData(d, {"index", "metric", "query", "chunk_count", "results", "count", "latency_ms", "latency"});
  DrawChunks(log, width);
}

void DrawCache(const RetrievalLog& log) {
  const Json& d = log.data;
  bool hit = false;
  if (const Json* v = Field(d, {"hit"}); v && v->is_boolean()) hit = v->get<bool>();
  else if (const Json* s = Field(d, {"cache_status", "result", "status"}); s && s->is_string())
    hit = s->get<std::string>() == "hit";
  widgets::Badge(hit ? "HIT" : "MISS", hit ? colors::kSuccess : colors::kWarning);
  if (const Json* v = Field(d, {"similarity"})) Row("Similarity", Compact(*v));
  if (const Json* v = Field(d, {"hit_rate"})) Row("Hit rate", Percent(*v));
  if (const Json* v = Field(d, {"size", "entries"})) Row("Size", Compact(*v));
  if (const Json* v = Field(d, {"saved_cost"}); v && v->is_number()) Row("Saved", widgets::FormatCost(v->get<double>()));
  DrawRemainingData(d, {"hit", "cache_status", "result", "status", "similarity", "hit_rate", "size", "entries",
                        "saved_cost"});
}

void DrawDocuments(const RetrievalLog& log) {
  const Json& d = log.data;
  const Json* sources = Field(d, {"sources", "documents", "citations"});
  if (sources && sources->is_array()) {
    int n = 1;
    for (const auto& s : *sources) {
      std::string text;
      if (s.is_object()) {
        const Json* name = Field(s, {"source", "title", "path", "id"});
        text = name ? Compact(*name) : s.dump();
      } else {
        text = Compact(s);
      }
      ImGui::Text("[%d] %s", n++, text.c_str());
    }
  }
  DrawRemainingData(d, {"sources", "documents", "citations"});
  if (log.chunks)
    for (const auto& c : *log.chunks) ImGui::BulletText("%s", c.source.c_str());
}

void DrawLogCard(const DrawContext& ctx, const LogEntry& entry, bool highlighted, float width) {
  const RetrievalLog& log = entry.log;
  const ImVec4 typeColor = TypeColor(log.type);
  widgets::BeginCard(log.id.c_str(), width);
  widgets::Badge(TypeLabel(log.type), typeColor);
  ImGui::SameLine();
  ImGui::TextUnformatted(log.title.c_str());
  ImGui::PushStyleColor(ImGuiCol_Text, LogStatusColor(log.status));
  ImGui::TextUnformatted(ToString(log.status));
  ImGui::PopStyleColor();
  if (log.timestamp.size() >= 19) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", log.timestamp.substr(11, 8).c_str());
  }
  const float inner = width - ImGui::GetStyle().FramePadding.x * 3.0f;
  switch (log.type) {
    case LogType::Routing: DrawRouting(log); break;
    case LogType::VectorSearch: DrawVectorSearch(log, inner); break;
    case LogType::Cache: DrawCache(log); break;
    case LogType::Documents: DrawDocuments(log); break;
    default:
      DrawRemainingData(log.data, {});
      DrawChunks(log, inner);
      break;
  }
  widgets::EndCard(colors::kPanel, highlighted ? colors::kCyan : colors::kBorder, &typeColor);
  if (ImGui::IsItemClicked() && !entry.messageId.empty())
    ctx.emit(SelectMessage{highlighted ? "" : entry.messageId});
}

void DrawFilters(const DrawContext& ctx) {
  const ViewState& v = ctx.state.view;
  ImGui::SetNextItemWidth(std::max(80.0f, ImGui::GetContentRegionAvail().x * 0.4f));
  if (ImGui::BeginCombo("##log_type", FilterLabel(v.logTypeFilter))) {
    if (ImGui::Selectable("All types", !v.logTypeFilter)) ctx.emit(SetLogFilter{std::nullopt, v.logTextFilter});
    for (LogType t : {LogType::Routing, LogType::VectorSearch, LogType::Cache, LogType::Documents, LogType::Llm,
                      LogType::Error}) {
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
  ImGui::TextDisabled("RETRIEVAL LOG");
  ImGui::SameLine();
  ImGui::TextDisabled("(%zu)", d.LogCount());
  DrawFilters(ctx);
  ImGui::BeginChild("##log_list");
  const float width = ImGui::GetContentRegionAvail().x;
  if (d.logTurns.empty()) ImGui::TextDisabled("Each step of an answer appears here: routing, search, cache, sources.");
  // 10,000 entries stay smooth: each turn's group is one item of a virtual list, drawn only near the view. The
  // filters are part of the group's id, since they change its height.
  widgets::VirtualList list(ctx.memory.log);
  const std::string filterKey =
      "group/" + std::to_string(v.logTypeFilter ? static_cast<int>(*v.logTypeFilter) : -1) + "/" + v.logTextFilter;
  const float cardEstimate = ImGui::GetTextLineHeightWithSpacing() * 6.0f;
  const ImGuiID filterSeed = ImGui::GetID(filterKey.c_str());
  for (auto turn = d.logTurns.rbegin(); turn != d.logTurns.rend(); ++turn) {
    const bool highlighted = !v.selectedMessageId.empty() && turn->messageId == v.selectedMessageId;
    bool headerShown = false;
    // One hash per group for the ones skipped (most of 10,000 entries); the ID stack only for the drawn ones.
    const ImGuiID groupId = ImHashStr(turn->messageId.c_str(), 0, filterSeed + static_cast<ImGuiID>(turn->turn));
    const auto estimate = [&] {
      std::size_t shown = 0;
      for (const auto& entry : turn->entries) shown += Matches(v, entry.log) ? 1 : 0;
      return shown == 0 ? 0.0f : ImGui::GetTextLineHeightWithSpacing() + cardEstimate * static_cast<float>(shown);
    };
    if (!list.Begin(groupId, estimate)) continue;
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
  ImGui::EndChild();
}

}  // namespace oai::app::panels
