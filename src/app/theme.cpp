// ApplyTheme(): ImGui colours and sizes for the dark theme, scaled for the display; colour lookups for agents/statuses.
#include "app/theme.h"

#include <cstdlib>

#include "model/agents.h"

namespace oai::app {

ImVec4 HexColor(const std::string& hex, float alpha) {
  if (hex.size() != 7 || hex[0] != '#') return ImVec4(0.5f, 0.5f, 0.5f, alpha);
  char* end = nullptr;
  const unsigned long v = std::strtoul(hex.c_str() + 1, &end, 16);
  if (end != hex.c_str() + 7) return ImVec4(0.5f, 0.5f, 0.5f, alpha);
  return ImVec4(((v >> 16) & 0xFF) / 255.f, ((v >> 8) & 0xFF) / 255.f, (v & 0xFF) / 255.f, alpha);
}

ImVec4 AgentColor(AgentId id) { return HexColor(SpecOf(id).color); }

ImVec4 StatusColor(AgentStatus status) {
  switch (status) {
    case AgentStatus::Idle: return colors::kIdle;
    case AgentStatus::Routing: return colors::kWarning;
    case AgentStatus::Active: return colors::kCyan;
    case AgentStatus::Complete: return colors::kSuccess;
  }
  return colors::kIdle;
}

ImVec4 StrategyColor(Strategy strategy) {
  switch (strategy) {
    case Strategy::Orchestration: return colors::kCyan;
    case Strategy::PureCag: return colors::kWarning;
    case Strategy::PureRag: return colors::kBlue;
    case Strategy::Hybrid: return colors::kPurple;
  }
  return colors::kIdle;
}

const char* StatusLabel(AgentStatus status) {
  switch (status) {
    case AgentStatus::Idle: return "IDLE";
    case AgentStatus::Routing: return "ROUTING";
    case AgentStatus::Active: return "ACTIVE";
    case AgentStatus::Complete: return "COMPLETE";
  }
  return "?";
}

void ApplyTheme(float scale) {
  ImGuiStyle style;  // start from defaults every time so repeated calls (DPI changes) do not compound the scale
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 6.f;
  style.ChildRounding = 6.f;
  style.FrameRounding = 5.f;
  style.PopupRounding = 6.f;
  style.GrabRounding = 4.f;
  style.TabRounding = 5.f;
  style.ScrollbarRounding = 6.f;
  style.WindowBorderSize = 0.f;
  style.ChildBorderSize = 1.f;
  style.FrameBorderSize = 0.f;
  style.WindowPadding = ImVec2(10.f, 10.f);
  style.FramePadding = ImVec2(8.f, 5.f);
  style.ItemSpacing = ImVec2(8.f, 6.f);
  style.ScrollbarSize = 12.f;

  ImVec4* c = style.Colors;
  c[ImGuiCol_Text] = colors::kText;
  c[ImGuiCol_TextDisabled] = colors::kTextMuted;
  c[ImGuiCol_WindowBg] = colors::kBackground;
  c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_PopupBg] = colors::kPanel;
  c[ImGuiCol_Border] = colors::kBorder;
  c[ImGuiCol_FrameBg] = colors::kDeep;
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.10f, 0.14f, 0.24f, 1.f);
  c[ImGuiCol_FrameBgActive] = ImVec4(0.12f, 0.17f, 0.29f, 1.f);
  c[ImGuiCol_TitleBg] = colors::kDeep;
  c[ImGuiCol_TitleBgActive] = colors::kDeep;
  c[ImGuiCol_MenuBarBg] = colors::kDeep;
  c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_Button] = ImVec4(0x06 / 255.f, 0xB6 / 255.f, 0xD4 / 255.f, 0.25f);
  c[ImGuiCol_ButtonHovered] = ImVec4(0x06 / 255.f, 0xB6 / 255.f, 0xD4 / 255.f, 0.45f);
  c[ImGuiCol_ButtonActive] = ImVec4(0x06 / 255.f, 0xB6 / 255.f, 0xD4 / 255.f, 0.65f);
  c[ImGuiCol_Header] = ImVec4(0x06 / 255.f, 0xB6 / 255.f, 0xD4 / 255.f, 0.20f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0x06 / 255.f, 0xB6 / 255.f, 0xD4 / 255.f, 0.35f);
  c[ImGuiCol_HeaderActive] = ImVec4(0x06 / 255.f, 0xB6 / 255.f, 0xD4 / 255.f, 0.50f);
  c[ImGuiCol_Tab] = colors::kPanel;
  c[ImGuiCol_TabHovered] = ImVec4(0x06 / 255.f, 0xB6 / 255.f, 0xD4 / 255.f, 0.45f);
  c[ImGuiCol_TabActive] = ImVec4(0x06 / 255.f, 0xB6 / 255.f, 0xD4 / 255.f, 0.35f);
  c[ImGuiCol_PlotHistogram] = colors::kCyan;
  c[ImGuiCol_CheckMark] = colors::kCyan;
  c[ImGuiCol_Separator] = colors::kBorder;
  c[ImGuiCol_TextSelectedBg] = ImVec4(0x06 / 255.f, 0xB6 / 255.f, 0xD4 / 255.f, 0.35f);
  c[ImGuiCol_NavHighlight] = colors::kCyan;

  style.ScaleAllSizes(scale > 0.f ? scale : 1.f);
  ImGui::GetStyle() = style;
}

}  // namespace oai::app
