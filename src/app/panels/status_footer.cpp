// The footer: the last answer's latency, tokens and cost, the session's totals, and which backend answers.
#include <string>

#include "app/panels/panels.h"
#include "app/panels/widgets.h"
#include "app/theme.h"
#include "imgui.h"

namespace oai::app::panels {

void DrawStatusFooter(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  // Nothing is priced without an LLM (extractive answers, the local router): "free", not "$0.0000".
  const bool unpriced = d.backend && d.backend->llm_kind == "extractive";
  const auto cost = [unpriced](double dollars) {
    return dollars == 0.0 && unpriced ? std::string("free") : widgets::FormatCost(dollars);
  };
  ImGui::Separator();
  std::string last = "Last: -";
  if (d.lastMetrics) {
    const ChatMetrics& m = *d.lastMetrics;
    last = "Last: " + widgets::FormatLatency(m.latency) + ", " + widgets::FormatTokens(m.tokensUsed) + " tokens, " +
           cost(m.cost) + (m.cache_status == CacheStatus::Hit ? ", cache hit" : "");
  }
  const std::string session = "Session: " + std::to_string(d.totals.turns) + " turns, " +
                              widgets::FormatTokens(d.totals.tokens) + " tokens, " + cost(d.totals.cost);
  std::string backend = "Backend: ";
  if (d.backend) {
    backend += ToString(d.backendKind == BackendKind::Unknown ? BackendKind::Server : d.backendKind);
    if (!d.backend->store_kind.empty()) backend += ", " + d.backend->store_kind + (d.backend->store_ok ? "" : " (down)");
    if (!d.backend->llm_kind.empty()) backend += ", " + d.backend->llm_kind;
    if (d.backend->status == "degraded") backend += ", degraded";
  } else {
    backend += d.connection == ConnectionState::Offline   ? "unreachable"
               : d.connection == ConnectionState::Failing ? "server error"
                                                          : "unknown";
  }
  if (ctx.host != HostKind::Headless) backend += std::string(" (") + ToString(ctx.host) + ")";
  // In the small style, each part whole: on a narrow screen the parts that do not fit are left out (the session's
  // totals and the backend are in the Agents tab's cards and the header), never cut.
  widgets::FontScope small(Type::Small);
  const float room = ImGui::GetContentRegionAvail().x;
  float used = 0.0f;
  bool first = true;
  for (const std::string& part : {last, session, backend}) {
    const std::string text = first ? part : "|  " + part;
    const float w = ImGui::CalcTextSize(text.c_str()).x + (first ? 0.0f : ImGui::GetStyle().ItemSpacing.x);
    if (!first && used + w > room) break;
    if (!first) ImGui::SameLine();
    ImGui::TextDisabled("%s", text.c_str());
    used += w;
    first = false;
  }
}

}  // namespace oai::app::panels
