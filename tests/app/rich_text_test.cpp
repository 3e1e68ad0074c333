// Answers read as light markdown: what the parser keeps of the source (every piece is source bytes, markup outside
// them) and how the layout places it (hanging indents, aligned table columns, wrapping within the width).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "app/panels/rich_text.h"
#include "imgui.h"

namespace oai::app::widgets {
namespace {

std::string Text(const std::string& s, const Piece& p) { return s.substr(p.begin, p.end - p.begin); }

class RichTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = ImGui::CreateContext();
    ImGui::GetIO().Fonts->AddFontDefault();
    ImGui::GetIO().Fonts->Build();
    font_ = ImGui::GetIO().Fonts->Fonts[0];
  }
  void TearDown() override { ImGui::DestroyContext(context_); }
  RichLayout Layout(const std::string& s, float width) {
    return LayoutRichText(s, ParseRichText(s), width, font_, font_, font_->FontSize);
  }
  ImGuiContext* context_ = nullptr;
  ImFont* font_ = nullptr;
};

TEST_F(RichTextTest, MarkupIsDroppedAndEveryPieceIsSourceText) {
  const std::string s = "The **Pro** plan costs `$49` per seat [1]. See [the pricing page](https://example.com).";
  const auto blocks = ParseRichText(s);
  ASSERT_EQ(blocks.size(), 1u);
  std::vector<std::pair<std::string, PieceStyle>> got;
  for (const Piece& p : blocks[0].pieces) got.emplace_back(Text(s, p), p.style);
  const std::vector<std::pair<std::string, PieceStyle>> want = {
      {"The ", PieceStyle::Plain},        {"Pro", PieceStyle::Strong}, {" plan costs ", PieceStyle::Plain},
      {"$49", PieceStyle::Code},          {" per seat ", PieceStyle::Plain}, {"[1]", PieceStyle::Cite},
      {". See ", PieceStyle::Plain},      {"the pricing page", PieceStyle::Link}, {".", PieceStyle::Plain}};
  EXPECT_EQ(got, want);
}

// Documents have headings and fenced code (the viewer reads them with the same parser as the answers): a heading
// knows its level; code lines keep their text untouched (no inline markup read) and their indentation, one block a
// line, and the fences are not shown.
TEST_F(RichTextTest, HeadingsKeepTheirLevelAndFencedCodeItsLinesAsWritten) {
  const std::string s = "# Pagination\n\nEach page:\n\n```\n{\n  \"data\": [ `x` ],\n}\n```\n\n## Page size\nUse `limit`.";
  const auto blocks = ParseRichText(s);
  using K = RichBlock::Kind;
  std::vector<K> kinds;
  for (const auto& b : blocks) kinds.push_back(b.kind);
  EXPECT_EQ(kinds, (std::vector<K>{K::Heading, K::Paragraph, K::Code, K::Code, K::Code, K::Heading, K::Paragraph}));
  EXPECT_EQ(blocks[0].level, 1);
  EXPECT_EQ(blocks[5].level, 2);
  ASSERT_EQ(blocks[3].pieces.size(), 1u);
  EXPECT_EQ(Text(s, blocks[3].pieces[0]), "\"data\": [ `x` ],");
  EXPECT_EQ(blocks[3].pieces[0].style, PieceStyle::CodeBlock);
  EXPECT_EQ(blocks[3].level, 2);  // two spaces of indentation
  const RichLayout layout = Layout(s, 400.0f);
  float codeX = -1.0f, braceX = -1.0f;
  for (const PlacedRun& r : layout.runs) {
    const std::string t = s.substr(r.begin, r.end - r.begin);
    if (t.rfind("\"data\"", 0) == 0) codeX = r.x;
    if (t == "{") braceX = r.x;
    EXPECT_EQ(t.find("```"), std::string::npos) << "the fences are not drawn";
  }
  EXPECT_GT(codeX, braceX) << "the indented line is drawn indented";
}

// Top-level headings are titles (drawn in the accent colour); a third-level one is not; a quotation reads as its text.
TEST_F(RichTextTest, TopLevelHeadingsAreTitlesAndQuotationsLoseTheirMarker) {
  const std::string s = "# Plans\n\n### Details\n\n> Note: prices exclude tax.";
  const auto blocks = ParseRichText(s);
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[2].kind, RichBlock::Kind::Paragraph);
  EXPECT_EQ(Text(s, blocks[2].pieces.front()).rfind("Note:", 0), 0u);
  const RichLayout layout = Layout(s, 400.0f);
  for (const PlacedRun& r : layout.runs) {
    const std::string t = s.substr(r.begin, r.end - r.begin);
    if (t.rfind("Plans", 0) == 0) {
      EXPECT_TRUE(r.title) << t;
    }
    if (t.rfind("Details", 0) == 0) {
      EXPECT_FALSE(r.title) << t;
    }
    EXPECT_EQ(t.find('>'), std::string::npos) << "the quotation marker is not drawn";
  }
}

TEST_F(RichTextTest, ListsTablesAndContinuationLinesBecomeTheirBlocks) {
  const std::string s =
      "To rotate a key [1].\n1. Create a second key\n2. Deploy it\n   everywhere\n\n- one\n- two\n\n"
      "| Plan | Price |\n|---|---:|\n| Free | $0 |\n| Pro | $49 |";
  const auto blocks = ParseRichText(s);
  std::vector<RichBlock::Kind> kinds;
  for (const auto& b : blocks) kinds.push_back(b.kind);
  using K = RichBlock::Kind;
  EXPECT_EQ(kinds, (std::vector<K>{K::Paragraph, K::Numbered, K::Numbered, K::Bullet, K::Bullet, K::TableRow,
                                   K::TableRow, K::TableRow}));
  EXPECT_EQ(Text(s, blocks[1].pieces[0]), "1.");
  EXPECT_EQ(blocks[1].pieces[0].style, PieceStyle::Marker);
  EXPECT_EQ(Text(s, blocks[2].pieces.back()), "everywhere");  // the indented line continues item 2
  EXPECT_EQ(Text(s, blocks[3].pieces[0]), "one");
  EXPECT_TRUE(blocks[5].header);  // the row above the |---| rule
  EXPECT_FALSE(blocks[6].header);
  EXPECT_EQ(blocks[5].table, blocks[7].table);
  ASSERT_EQ(blocks[7].cells.size(), 2u);
  EXPECT_EQ(Text(s, blocks[7].cells[1][0]), "$49");
}

TEST_F(RichTextTest, WrappedItemsHangUnderTheirTextAndStayInTheWidth) {
  const std::string s =
      "1. Create a second key with the same scopes and deploy it everywhere the old key is used today\n2. Revoke it";
  const float width = font_->FontSize * 14.0f;
  const RichLayout l = Layout(s, width);
  std::set<float> rows;
  float indent = -1.0f;
  for (const PlacedRun& r : l.runs) {
    rows.insert(r.y);
    if (r.style == PieceStyle::Marker) continue;
    if (indent < 0.0f) indent = r.x;
    EXPECT_GE(r.x, indent) << s.substr(r.begin, r.end - r.begin);  // no line starts left of the item's text
    const float w = font_->CalcTextSizeA(font_->FontSize, 1e9f, 0.0f, s.c_str() + r.begin, s.c_str() + r.end).x;
    const std::string word = s.substr(r.begin, r.end - r.begin);
    const float ink = font_->CalcTextSizeA(font_->FontSize, 1e9f, 0.0f, word.c_str(),
                                           word.c_str() + word.find_last_not_of(' ') + 1).x;
    EXPECT_LE(r.x + ink, width + 0.5f) << word << " (" << w << ")";
  }
  EXPECT_GT(indent, 0.0f);
  EXPECT_GE(rows.size(), 4u);  // the first item wraps over several lines
  EXPECT_LE(l.width, width + 0.5f);
}

TEST_F(RichTextTest, TablesAlignTheirColumnsWhenTheyFitAndFlowWhenTheyDoNot) {
  const std::string s = "| Plan | Requests per minute |\n|---|---|\n| Free | 60 |\n| Enterprise | 5,000 |";
  const RichLayout wide = Layout(s, font_->FontSize * 40.0f);
  std::vector<float> secondColumn;
  for (const PlacedRun& r : wide.runs) {
    const std::string t = s.substr(r.begin, r.end - r.begin);
    if (t == "Requests per minute" || t == "60" || t == "5,000") secondColumn.push_back(r.x);
  }
  ASSERT_EQ(secondColumn.size(), 3u);
  EXPECT_EQ(secondColumn[0], secondColumn[1]);
  EXPECT_EQ(secondColumn[1], secondColumn[2]);
  EXPECT_EQ(wide.rowLines.size(), 1u);  // a rule under the header

  const float narrow = font_->FontSize * 9.0f;
  const RichLayout flow = Layout(s, narrow);
  EXPECT_LE(flow.width, narrow + 0.5f);
  EXPECT_FALSE(flow.bullets.empty());  // "·" between the cells of a row
}

}  // namespace
}  // namespace oai::app::widgets
