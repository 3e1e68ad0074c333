// Retrieval: BM25 ranking, domain restriction, determinism, and the trigram signal that rescues typos.
#include "engine/lexical_index.h"

#include <gtest/gtest.h>

#include "engine/text.h"

namespace oai::engine {
namespace {

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
  add("technical", "Authentication uses OAuth tokens that expire after sixty minutes.");
  return chunks;
}

TEST(LexicalIndex, RanksTheChunkSharingTheRarestTermsFirst) {
  LexicalIndex index;
  index.Build(SmallCorpus());
  const auto r = index.Search(Tokenize("rate limits 429"), 5, {});
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].chunk, 2u);
  EXPECT_GT(r.hits[0].similarity, 0.0);
  EXPECT_LT(r.hits[0].similarity, 1.0);
  EXPECT_DOUBLE_EQ(r.hits[0].similarity, r.hits[0].score / (r.hits[0].score + kSimilarityHalf));
}

TEST(LexicalIndex, RestrictsToDomainsAndIsDeterministic) {
  LexicalIndex index;
  index.Build(SmallCorpus());
  const auto a = index.Search(Tokenize("annual refund"), 5, {"policy"});
  const auto b = index.Search(Tokenize("annual refund"), 5, {"policy"});
  ASSERT_EQ(a.hits.size(), 1u);
  EXPECT_EQ(a.hits[0].chunk, 3u);
  EXPECT_EQ(a.hits[0].similarity, b.hits[0].similarity);
  EXPECT_TRUE(index.Search(Tokenize("zebra"), 5, {}).hits.empty());
}

TEST(LexicalIndex, MisspelledWordsStillFindTheirChunk) {
  LexicalIndex index;
  index.Build(SmallCorpus());
  const auto r = index.Search(Tokenize("authentification tokns"), 5, {"technical"});
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].chunk, 4u);
  bool expanded = false;
  for (const auto& e : r.expansions) expanded |= e.term == "authentification" && e.matched == "authentication";
  EXPECT_TRUE(expanded);
}

TEST(LexicalIndex, WordFormsCountButLessThanTheWordItself) {
  LexicalIndex index;
  index.Build(SmallCorpus());
  const auto r = index.Search(Tokenize("refund"), 5, {});
  ASSERT_GE(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].chunk, 3u);  // says "refund" twice
  EXPECT_EQ(r.hits[1].chunk, 0u);  // only "Refunds"
}

TEST(Trigrams, MarkWordEdges) {
  EXPECT_EQ(Trigrams("api"), (std::vector<std::string>{"^ap", "api", "pi$"}));
}

TEST(Trigrams, CodesAreTheSameTrigramsAsNumbersSortedOnce) {
  const auto code = [](const char* g) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(g[0])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(g[1])) << 8 | static_cast<unsigned char>(g[2]);
  };
  EXPECT_EQ(TrigramCodes("api"), (std::vector<std::uint32_t>{code("^ap"), code("api"), code("pi$")}));
  // "aaaa": ^aa, aaa (twice), aa$ — the repeat counted once, as Trigrams does.
  EXPECT_EQ(TrigramCodes("aaaa").size(), Trigrams("aaaa").size());
  EXPECT_EQ(TrigramCodes("a"), (std::vector<std::uint32_t>{code("^a$")}));
  EXPECT_EQ(TrigramCodes("caf\xc3\xa9").size(), Trigrams("caf\xc3\xa9").size());  // bytes, not characters
}

}  // namespace
}  // namespace oai::engine
