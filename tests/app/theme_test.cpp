// Every text colour of the theme reads at WCAG AA (4.5:1) on the surfaces it is drawn on, computed from the theme.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/theme.h"
#include "imgui.h"

namespace oai::app {
namespace {

struct Surface {
  const char* name;
  ImVec4 color;
};

std::vector<Surface> Surfaces() {
  return {{"panel (cards)", colors::kPanel}, {"deep (side columns, inputs)", colors::kDeep},
          {"background", colors::kBackground}};
}

TEST(Contrast, RatioMatchesTheWcagFormula) {
  EXPECT_NEAR(ContrastRatio(ImVec4(0, 0, 0, 1), ImVec4(1, 1, 1, 1)), 21.0, 1e-9);
  EXPECT_NEAR(ContrastRatio(HexColor("#777777"), ImVec4(1, 1, 1, 1)), 4.48, 0.01);  // the classic just-fails grey
  EXPECT_NEAR(ContrastRatio(colors::kPanel, colors::kPanel), 1.0, 1e-9);
}

TEST(Contrast, BodyAndMutedTextReadOnEverySurface) {
  ImGui::CreateContext();
  ApplyTheme(1.0f);
  const ImGuiStyle& style = ImGui::GetStyle();
  for (const Surface& s : Surfaces()) {
    EXPECT_GE(ContrastRatio(style.Colors[ImGuiCol_Text], s.color), kMinTextContrast) << "text on " << s.name;
    EXPECT_GE(ContrastRatio(style.Colors[ImGuiCol_TextDisabled], s.color), kMinTextContrast) << "muted on " << s.name;
  }
  // Buttons: their label on the button's tint over a card.
  EXPECT_GE(ContrastRatio(style.Colors[ImGuiCol_Text], Over(style.Colors[ImGuiCol_Button], colors::kPanel)),
            kMinTextContrast);
  ImGui::DestroyContext();
}

TEST(Contrast, AgentStatusAndStrategyColoursReadAsTextAndInBadges) {
  std::vector<std::pair<std::string, ImVec4>> hues;
  for (AgentId id : {AgentId::Orchestrator, AgentId::Billing, AgentId::Technical, AgentId::Policy})
    hues.emplace_back(std::string("agent ") + ToString(id), AgentColor(id));
  for (AgentStatus st : {AgentStatus::Idle, AgentStatus::Routing, AgentStatus::Active, AgentStatus::Complete})
    hues.emplace_back(std::string("status ") + StatusLabel(st), StatusColor(st));
  for (Strategy st : {Strategy::Orchestration, Strategy::PureCag, Strategy::PureRag, Strategy::Hybrid})
    hues.emplace_back("strategy", StrategyColor(st));
  hues.emplace_back("error", colors::kError);
  for (const auto& [name, hue] : hues) {
    // As the panels draw them: names and statuses on cards, labels in badges on cards; the other surfaces are darker,
    // so what reads on a card reads there too.
    for (const Surface& s : Surfaces()) {
      EXPECT_GE(ContrastRatio(CardTextColor(hue), s.color), kMinTextContrast) << name << " as text on " << s.name;
      EXPECT_GE(ContrastRatio(BadgeTextColor(hue), BadgeBackground(hue, s.color)), kMinTextContrast)
          << name << " badge on " << s.name;
    }
  }
  // The brand colours themselves do not all read on a card: the lightening above is needed (idle grey is 2.9:1).
  EXPECT_LT(ContrastRatio(StatusColor(AgentStatus::Idle), colors::kPanel), kMinTextContrast);
}

TEST(Contrast, TheSenderLineReadsOnTheUserBubble) {
  for (bool pending : {false, true}) {
    const ImVec4 bubble = UserBubbleBackground(pending);
    EXPECT_GE(ContrastRatio(ReadableOn(colors::kTextMuted, bubble), bubble), kMinTextContrast);
    EXPECT_GE(ContrastRatio(colors::kText, bubble), kMinTextContrast) << "message text, pending " << pending;
  }
}

TEST(Contrast, AnswerMarkupReadsOnItsBackgrounds) {
  // `code` on its dark chip inside an answer, and [n] links on the answer's card.
  EXPECT_GE(ContrastRatio(colors::kCode, colors::kDeep), kMinTextContrast);
  EXPECT_GE(ContrastRatio(colors::kCode, colors::kPanel), kMinTextContrast);
  EXPECT_GE(ContrastRatio(CardTextColor(colors::kCyan), colors::kPanel), kMinTextContrast);
}

TEST(Contrast, ReadableOnKeepsColoursThatAlreadyRead) {
  const ImVec4 white(1, 1, 1, 1);
  const ImVec4 r = ReadableOn(white, colors::kPanel);
  EXPECT_EQ(r.x, 1.0f);
  EXPECT_EQ(r.y, 1.0f);
}

}  // namespace
}  // namespace oai::app
