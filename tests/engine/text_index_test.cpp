// Tokenization, chunking, BM25 and the router, each on small inputs whose right answer is obvious to a person.
#include "engine/text_index.h"

#include <gtest/gtest.h>

namespace oai::engine {
namespace {

TEST(Tokenize, LowerCasesAndSplitsOnPunctuationKeepingUtf8Words) {
  EXPECT_EQ(Tokenize("What's the API's Rate-Limit? München 2,000"),
            (std::vector<std::string>{"what", "s", "the", "api", "s", "rate", "limit", "münchen", "2", "000"}));
  EXPECT_TRUE(Tokenize("  ...  ").empty());
}

TEST(RouterFeatures, AreWholeWordsAndAdjacentPairs) {
  EXPECT_EQ(RouterFeatures("annual plan price"),
            (std::vector<std::string>{"annual", "plan", "price", "annual plan", "plan price"}));
}

TEST(SplitSentences, SplitsProseAndSkipsHeadingsAndTables) {
  const auto s = SplitSentences("# Title\nFirst one. Second one? Third!\n| a | b |\n|---|---|\n- a bullet point\n");
  EXPECT_EQ(s, (std::vector<std::string>{"First one.", "Second one?", "Third!", "a bullet point"}));
}

TEST(ChunkMarkdown, SplitsAtHeadingsAndKeepsPathAndOffsets) {
  SourceDocument doc{"billing/plans.md", "# Plans\nIntro text.\n## Annual\nAnnual text here.\n### Details\nMore.\n"};
  std::string problem;
  const auto chunks = ChunkMarkdown(doc, &problem);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].headingPath, "Plans");
  EXPECT_EQ(chunks[1].headingPath, "Plans > Annual");
  EXPECT_EQ(chunks[2].headingPath, "Plans > Annual > Details");
  EXPECT_EQ(chunks[1].text, "Annual text here.");
  EXPECT_EQ(doc.text.substr(chunks[1].start, chunks[1].end - chunks[1].start), "Annual text here.\n");
  EXPECT_EQ(chunks[1].domain, "billing");
  EXPECT_EQ(chunks[1].title, "Plans");
}

TEST(ChunkMarkdown, CapsLongSectionsAtParagraphs) {
  std::string body;
  for (int i = 0; i < 40; ++i) body += "Paragraph " + std::to_string(i) + " has some words in it to fill space.\n\n";
  const auto chunks = ChunkMarkdown({"general/long.md", "# Long\n" + body}, nullptr);
  ASSERT_GT(chunks.size(), 1u);
  for (const auto& c : chunks) EXPECT_LE(c.text.size(), kMaxChunkBytes);
}

TEST(ChunkMarkdown, ReportsEmptyAndProselessDocuments) {
  std::string problem;
  EXPECT_TRUE(ChunkMarkdown({"x/empty.md", "  \n"}, &problem).empty());
  EXPECT_EQ(problem, "empty file");
  EXPECT_TRUE(ChunkMarkdown({"x/headings.md", "# Only\n## Headings\n"}, &problem).empty());
  EXPECT_EQ(problem, "no prose below the headings");
}

std::vector<Chunk> SmallCorpus() {
  std::vector<Chunk> chunks;
  auto add = [&](std::string domain, std::string text) {
    Chunk c;
    c.id = static_cast<std::int64_t>(chunks.size()) + 1;
    c.domain = domain;
    c.document = domain + "/doc.md";
    c.headingPath = "Doc";
    c.text = text;
    chunks.push_back(c);
  };
  add("billing", "Refunds for annual plans are possible within thirty days.");
  add("technical", "API keys authenticate every request to the API.");
  add("technical", "Rate limits return 429 when exceeded; wait for Retry-After.");
  add("policy", "Annual plans refund policy: thirty days, full refund.");
  return chunks;
}

TEST(Bm25Index, RanksTheChunkSharingTheRarestTermsFirst) {
  Bm25Index index;
  index.Build(SmallCorpus());
  const auto hits = index.Search(Tokenize("rate limits 429"), 5, {});
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].chunk, 2u);
  EXPECT_GT(hits[0].similarity, 0.0);
  EXPECT_LT(hits[0].similarity, 1.0);
}

TEST(Bm25Index, RestrictsToDomainsAndIsDeterministic) {
  Bm25Index index;
  index.Build(SmallCorpus());
  const auto a = index.Search(Tokenize("annual refund"), 5, {"policy"});
  const auto b = index.Search(Tokenize("annual refund"), 5, {"policy"});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].chunk, 3u);
  EXPECT_EQ(a[0].similarity, b[0].similarity);
  EXPECT_TRUE(index.Search(Tokenize("zebra"), 5, {}).empty());
}

constexpr const char* kExamples =
    "intent\ttext\n"
    "greeting\thi\ngreeting\thello there\ngreeting\they\n"
    "billing\thow much does this plan cost\nbilling\twhich plan is cheapest\nbilling\tinvoice for this month\n"
    "technical\tapi key returns 401\ntechnical\twhich sdk supports webhooks\ntechnical\trate limit exceeded\n";

TEST(IntentRouter, UsesWholeWordsSoThisIsNotHi) {
  IntentRouter router;
  router.Train(kExamples);
  EXPECT_EQ(router.ExampleCount(), 9u);
  EXPECT_EQ(router.Classify("hi").ranked.front().intent, "greeting");
  // "this" and "which" contain "hi" but are whole words of billing and technical examples.
  EXPECT_NE(router.Classify("this invoice").ranked.front().intent, "greeting");
  EXPECT_EQ(router.Classify("which sdk").ranked.front().intent, "technical");
}

TEST(IntentRouter, GivesProbabilitiesThatSumToOneAndPositiveReasons) {
  IntentRouter router;
  router.Train(kExamples);
  const auto d = router.Classify("api key rate limit");
  double sum = 0;
  for (const auto& s : d.ranked) sum += s.probability;
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_EQ(d.ranked.front().intent, "technical");
  ASSERT_FALSE(d.reasons.empty());
  for (const auto& [term, weight] : d.reasons) EXPECT_GT(weight, 0.0) << term;
}

TEST(IntentRouter, RejectsMalformedExampleFiles) {
  IntentRouter router;
  EXPECT_THROW(router.Train("intent\ttext\nbilling no tab here\n"), std::invalid_argument);
  EXPECT_THROW(router.Train("intent\ttext\nbilling\tonly one intent\n"), std::invalid_argument);
}

}  // namespace
}  // namespace oai::engine
