// The footer: the last answer's latency, tokens and cost, the session's totals, and which backend answers.
#include <string>

#include "app/panels/panels.h"
#include "app/panels/widgets.h"
#include "app/theme.h"
#include "imgui.h"

namespace oai::app::panels {

void DrawStatusFooter(const DrawContext& ctx) {
  const DomainState& d = ctx.state.domain;
  ImGui::Separator();
  if (d.lastMetrics) {
    const ChatMetrics& m = *d.lastMetrics;
    ImGui::TextDisabled("Last: %s, %s tokens, %s%s", widgets::FormatLatency(m.latency).c_str(),
                        widgets::FormatTokens(m.tokensUsed).c_str(), widgets::FormatCost(m.cost).c_str(),
                        m.cache_status == CacheStatus::Hit ? ", cache hit" : "");
  } else {
    ImGui::TextDisabled("Last: -");
  }
  ImGui::SameLine();
  ImGui::TextDisabled("|  Session: %d turns, %s tokens, %s", d.totals.turns,
                      widgets::FormatTokens(d.totals.tokens).c_str(), widgets::FormatCost(d.totals.cost).c_str());
  ImGui::SameLine();
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
  ImGui::TextDisabled("|  %s", backend.c_str());
}

}  // namespace oai::app::panels
