// The response cache: normalized keys, best near-duplicate above the threshold, TTL with an injected clock, LRU
// eviction at capacity, statistics, and the JSON form used to share entries through Redis.
#include "engine/response_cache.h"

#include <gtest/gtest.h>

namespace oai::engine {
namespace {

struct FakeClock {
  std::chrono::system_clock::time_point now{std::chrono::hours(1000)};
  WallClock Fn() {
    return [this] { return now; };
  }
};

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

TEST(MemoryResponseCache, FindsTheSameQuestionAndCountsHitsAndMisses) {
  FakeClock clock;
  MemoryResponseCache cache(10, std::chrono::seconds(60), clock.Fn());
  EXPECT_FALSE(cache.Lookup("billing", CacheKey("refund policy annual plan")));
  cache.Store("billing", CacheKey("refund policy annual plan"), Answer("refund policy annual plan"));
  auto hit = cache.Lookup("billing", CacheKey("What is the refund policy for the annual plan?"));
  ASSERT_TRUE(hit);
  EXPECT_DOUBLE_EQ(hit->similarity, 1.0);
  EXPECT_FALSE(cache.Lookup("policy", CacheKey("refund policy annual plan"))) << "entries are per agent";
  const CacheStats s = cache.Stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.size, 1u);
  EXPECT_NEAR(s.HitRate(), 1.0 / 3.0, 1e-12);
}

TEST(MemoryResponseCache, PicksTheBestNearDuplicateNotTheFirst) {
  MemoryResponseCache cache;
  cache.Store("billing", "annual discount plan price", Answer("first"));
  cache.Store("billing", "annual plan price pro", Answer("second"));
  auto hit = cache.Lookup("billing", "annual plan price pro starter");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->entry.query, "second");
  EXPECT_DOUBLE_EQ(hit->similarity, 0.8);
  EXPECT_FALSE(cache.Lookup("billing", "annual invoice")) << "below the threshold";
}

TEST(MemoryResponseCache, EntriesExpireAfterTheirTtl) {
  FakeClock clock;
  MemoryResponseCache cache(10, std::chrono::seconds(60), clock.Fn());
  cache.Store("policy", "refund", Answer("refund"));
  clock.now += std::chrono::seconds(59);
  EXPECT_TRUE(cache.Lookup("policy", "refund"));
  clock.now += std::chrono::seconds(2);
  EXPECT_FALSE(cache.Lookup("policy", "refund"));
  EXPECT_EQ(cache.Stats().size, 0u);
}

TEST(MemoryResponseCache, EvictsTheLeastRecentlyUsedAtCapacity) {
  MemoryResponseCache cache(2);
  cache.Store("billing", "one", Answer("one"));
  cache.Store("billing", "two", Answer("two"));
  ASSERT_TRUE(cache.Lookup("billing", "one"));  // "one" is now the most recently used
  cache.Store("billing", "three", Answer("three"));
  EXPECT_TRUE(cache.Lookup("billing", "one"));
  EXPECT_FALSE(cache.Lookup("billing", "two"));
  EXPECT_TRUE(cache.Lookup("billing", "three"));
  EXPECT_EQ(cache.Stats().size, 2u);
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
