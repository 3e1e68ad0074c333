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
  if (d.lastMetrics) {
    const ChatMetrics& m = *d.lastMetrics;
    ImGui::TextDisabled("Last: %s, %s tokens, %s%s", widgets::FormatLatency(m.latency).c_str(),
                        widgets::FormatTokens(m.tokensUsed).c_str(), cost(m.cost).c_str(),
                        m.cache_status == CacheStatus::Hit ? ", cache hit" : "");
  } else {
    ImGui::TextDisabled("Last: -");
  }
  ImGui::SameLine();
  ImGui::TextDisabled("|  Session: %d turns, %s tokens, %s", d.totals.turns,
                      widgets::FormatTokens(d.totals.tokens).c_str(), cost(d.totals.cost).c_str());
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
