// ApplyTheme(): ImGui colours and sizes for the dark theme, scaled for the display; colour lookups for agents/statuses.
#include "app/theme.h"

#include <algorithm>
#include <array>
#include <cmath>
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

const ImWchar kLatinRanges[] = {0x0020, 0x00FF, 0x2000, 0x206F, 0x20A0, 0x20CF, 0x2190, 0x2193, 0};

void AddTypeScale(ImFontAtlas* atlas, const unsigned char* regular, int regularSize, const unsigned char* semibold,
                  int semiboldSize, float scale) {
  if (!regular || regularSize <= 0) return;
  const unsigned char* strong = semibold && semiboldSize > 0 ? semibold : regular;
  const int strongSize = strong == regular ? regularSize : semiboldSize;
  const auto add = [&](const unsigned char* bytes, int size, float px) {
    ImFontConfig cfg;
    cfg.FontDataOwnedByAtlas = false;
    cfg.OversampleH = 2;
    cfg.OversampleV = 1;
    // ImGui's API takes non-const data; with FontDataOwnedByAtlas false it neither writes nor frees it.
    atlas->AddFontFromMemoryTTF(const_cast<unsigned char*>(bytes), size, std::round(px * scale), &cfg, kLatinRanges);
  };
  add(strong, strongSize, kBodySize);
  add(regular, regularSize, kSmallSize);
  add(strong, strongSize, kTitleSize);
}

ImFont* FontOf(Type type) {
  const ImVector<ImFont*>& fonts = ImGui::GetIO().Fonts->Fonts;
  const int i = static_cast<int>(type);
  if (i < fonts.Size) return fonts[i];
  return fonts.Size > 0 ? fonts[0] : ImGui::GetFont();
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

ImVec4 Over(const ImVec4& top, const ImVec4& bottom) {
  const float a = top.w;
  return ImVec4(top.x * a + bottom.x * (1 - a), top.y * a + bottom.y * (1 - a), top.z * a + bottom.z * (1 - a), 1.f);
}

double RelativeLuminance(const ImVec4& c) {
  const auto channel = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * channel(c.x) + 0.7152 * channel(c.y) + 0.0722 * channel(c.z);
}

double ContrastRatio(const ImVec4& a, const ImVec4& b) {
  const double la = RelativeLuminance(a), lb = RelativeLuminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

ImVec4 ReadableOn(const ImVec4& color, const ImVec4& background) {
  // Badges and cards ask this for the same few colours every frame, and each answer costs up to 20 rounds of
  // luminance (six pow() each): the last answers are remembered.
  struct Answer {
    ImVec4 color, background, readable;
  };
  thread_local std::array<Answer, 16> answers{};
  thread_local std::size_t next = 0;
  const auto same = [](const ImVec4& a, const ImVec4& b) { return a.x == b.x && a.y == b.y && a.z == b.z && a.w == b.w; };
  for (std::size_t i = 0; i < std::min(next, answers.size()); ++i) {
    if (same(answers[i].color, color) && same(answers[i].background, background)) return answers[i].readable;
  }
  ImVec4 c(color.x, color.y, color.z, 1.f);
  for (int i = 0; i < 20 && ContrastRatio(c, background) < kMinTextContrast; ++i) {
    c = ImVec4(c.x + (1.f - c.x) * 0.1f, c.y + (1.f - c.y) * 0.1f, c.z + (1.f - c.z) * 0.1f, 1.f);
  }
  answers[next % answers.size()] = Answer{color, background, c};
  ++next;
  return c;
}

ImVec4 BadgeTextColor(const ImVec4& hue) { return ReadableOn(hue, BadgeBackground(hue, colors::kPanel)); }
ImVec4 CardTextColor(const ImVec4& hue) { return ReadableOn(hue, colors::kPanel); }

ImVec4 UserBubbleBackground(bool pending) {
  // Opaque, so text contrast is the same wherever the bubble is drawn.
  return Over(ImVec4(colors::kUserBubble.x, colors::kUserBubble.y, colors::kUserBubble.z, pending ? 0.35f : 0.6f),
              colors::kBackground);
}

ImVec4 BadgeBackground(const ImVec4& color, const ImVec4& card) {
  return Over(ImVec4(color.x, color.y, color.z, 0.18f), card);
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
