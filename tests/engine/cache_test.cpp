// The response cache's keys and the JSON form used to share entries through Redis. Its behaviour (exact and near
// duplicates, TTL, LRU, statistics) is tested once for every cache, memory and Redis: tests/server/cache_test.cpp.
#include "engine/response_cache.h"

#include <gtest/gtest.h>

namespace oai::engine {
namespace {

CachedAnswer Answer(const std::string& text) {
  CachedAnswer a;
  a.query = text;
  a.answer = "answer to " + text;
  a.tokens = 100;
  a.cost = 0.001;
  return a;
}

TEST(CacheKey, IgnoresCaseOrderPunctuationAndStopWords) {
  EXPECT_EQ(CacheKey("What is the REFUND policy?"), "policy refund");
  EXPECT_EQ(CacheKey("refund policy"), CacheKey("Policy, refund!"));
  EXPECT_DOUBLE_EQ(KeySimilarity("a b c", "a b d"), 0.5);
}

TEST(CachedAnswer, RoundTripsThroughJson) {
  CachedAnswer a = Answer("q");
  a.citations = {Citation{1, "billing/x.md", "X", "X › Prices", 4, 0.8}};
  DocumentChunk c;
  c.id = 7;
  c.content = "text";
  c.similarity = 0.5;
  c.source = "billing/x.md";
  a.chunks = {c};
  EXPECT_EQ(Json(a).get<CachedAnswer>(), a);
}

}  // namespace
}  // namespace oai::engine
