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

TEST(IsValidUtf8Text, RejectsBinaryAndBrokenSequences) {
  EXPECT_TRUE(IsValidUtf8Text("plain, Zoë, 价格\n"));
  EXPECT_FALSE(IsValidUtf8Text(std::string("caf\xC3", 4)));
  EXPECT_FALSE(IsValidUtf8Text(std::string("\x89PNG\r\n\x1a\n\0\0", 10)));
}

}  // namespace
}  // namespace oai::engine
