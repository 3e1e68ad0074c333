// Tokenization with case and accent folding, routing features, and sentences out of markdown (tables included).
#include "engine/text.h"

#include <gtest/gtest.h>

namespace oai::engine {
namespace {

TEST(Tokenize, LowerCasesAndSplitsOnPunctuation) {
  EXPECT_EQ(Tokenize("What's the API's Rate-Limit? 2,000"),
            (std::vector<std::string>{"what", "s", "the", "api", "s", "rate", "limit", "2", "000"}));
  EXPECT_TRUE(Tokenize("  ...  ").empty());
}

TEST(Tokenize, FoldsAccentsAndCaseBeyondAscii) {
  EXPECT_EQ(Tokenize("Zoë from MÜNCHEN paid 5 € — Straße, Ærø, Łódź"),
            (std::vector<std::string>{"zoe", "from", "munchen", "paid", "5", "€", "strasse", "aero", "lodz"}));
  EXPECT_EQ(FoldWord("ΑΘΗΝΑ"), "αθηνα");
  EXPECT_EQ(FoldWord("МОСКВА"), "москва");
  EXPECT_EQ(FoldWord("价格"), "价格");  // no case: unchanged, still one word
}

TEST(ContentTerms, DropStopWords) {
  EXPECT_EQ(ContentTerms("What is the refund policy for this plan?"),
            (std::vector<std::string>{"refund", "policy", "plan"}));
}

TEST(RouterFeatures, AreWholeWordsAndAdjacentPairs) {
  EXPECT_EQ(RouterFeatures("annual plan price"),
            (std::vector<std::string>{"annual", "plan", "price", "annual plan", "plan price"}));
}

TEST(SplitSentences, SplitsProseAndSkipsHeadings) {
  const auto s = SplitSentences("# Title\nFirst one. Second one? Third!\n- a bullet point\n1. Step one is here.\n");
  EXPECT_EQ(s, (std::vector<std::string>{"First one.", "Second one?", "Third!", "a bullet point", "Step one is here."}));
}

TEST(SplitSentences, KeepsAbbreviationsAndDecimalsInsideTheSentence) {
  EXPECT_EQ(SplitSentences("Uptime is 99.9 percent, e.g. on Pro. Next."),
            (std::vector<std::string>{"Uptime is 99.9 percent, e.g. on Pro.", "Next."}));
}

TEST(SplitSentences, TurnsTableRowsIntoReadableSentences) {
  const auto s = SplitSentences("| Plan | Price | Seats |\n|---|---|---|\n| Pro | $49 | up to 100 |\n| Free | $0 | 2 |\n");
  EXPECT_EQ(s, (std::vector<std::string>{"Plan: Pro; Price: $49; Seats: up to 100.", "Plan: Free; Price: $0; Seats: 2."}));
}

TEST(SplitPassages, KeepsWhatCustomersCopyVerbatim) {
  const auto s = SplitSentences(
      "Sort with `sort=created_at` and pass your `api_key` header. Open **Settings > Billing** to see it.\n\n"
      "Read [the API guide](https://example.com/api) and *never* share __secrets__ &amp; keys.\n");
  EXPECT_EQ(s, (std::vector<std::string>{"Sort with sort=created_at and pass your api_key header.",
                                         "Open Settings > Billing to see it.",
                                         "Read the API guide and never share secrets & keys."}));
}

TEST(SplitPassages, ListItemsAreWholeWithTheirNumbersAndParagraphsJoinTheirLines) {
  const auto p = SplitPassages("Intro line one\ncontinues here.\n\n3. Open Settings.\n4. Click **Rotate key**.\n\n"
                               "- loose item\n\n  second paragraph\n- next\n");
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0].text, "Intro line one continues here.");
  EXPECT_EQ(p[0].kind, PassageKind::Prose);
  EXPECT_EQ(p[1].text, "Open Settings.");
  EXPECT_EQ(p[1].ordinal, 3);
  EXPECT_EQ(p[2].text, "Click Rotate key.");
  EXPECT_EQ(p[2].ordinal, 4);
  EXPECT_EQ(p[1].block, p[2].block);  // one list, one block
  EXPECT_EQ(p[3].text, "loose item second paragraph");
  EXPECT_EQ(p[3].kind, PassageKind::ListItem);
  EXPECT_EQ(p[3].ordinal, 0);
  EXPECT_NE(p[3].block, p[1].block);
  EXPECT_EQ(p[4].text, "next");
}

TEST(SplitPassages, CodeBlockLinesComeOutAsWritten) {
  const auto s = SplitSentences("Run:\n\n```sh\ncurl -H \"Authorization: Bearer $KEY\" https://api.example.com/v1/tickets\n```\n");
  EXPECT_EQ(s, (std::vector<std::string>{"Run:", "curl -H \"Authorization: Bearer $KEY\" https://api.example.com/v1/tickets"}));
}

TEST(IsValidUtf8Text, RejectsBinaryAndBrokenSequences) {
  EXPECT_TRUE(IsValidUtf8Text("plain, Zoë, 价格\n"));
  EXPECT_FALSE(IsValidUtf8Text(std::string("caf\xC3", 4)));
  EXPECT_FALSE(IsValidUtf8Text(std::string("\x89PNG\r\n\x1a\n\0\0", 10)));
}

}  // namespace
}  // namespace oai::engine
