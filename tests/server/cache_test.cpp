// The response cache's behaviour, the same in memory and in Redis (a real redis-server): the exact question, the most
// similar near duplicate (ties to the most recently used), entries per agent, expiry with an injected clock, LRU
// eviction at capacity, and a cache of thousands of entries whose lookups only look at the keys sharing a word.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "engine/response_cache.h"
#include "redis_server.h"
#include "server/redis_store.h"

namespace oai::server {
namespace {

using engine::CacheKey;
using engine::CachedAnswer;
using engine::ResponseCache;

struct Clock {
  std::chrono::system_clock::time_point now{std::chrono::hours(500000)};
  engine::WallClock Fn() {
    return [this] { return now; };
  }
};

CachedAnswer Answer(const std::string& text) {
  CachedAnswer a;
  a.query = text;
  a.answer = "answer to " + text;
  a.tokens = 100;
  return a;
}

struct CacheKind {
  std::string name;
  bool redis;
};
void PrintTo(const CacheKind& kind, std::ostream* os) { *os << kind.name; }

class CacheTest : public ::testing::TestWithParam<CacheKind> {
 protected:
  std::shared_ptr<ResponseCache> Make(std::size_t capacity, std::chrono::seconds ttl = std::chrono::hours(1)) {
    if (!GetParam().redis) return std::make_shared<engine::MemoryResponseCache>(capacity, ttl, fake.Fn());
    if (!m_redis) m_redis = std::make_unique<testing::RedisServer>();
    m_redis->FlushAll();
    return std::make_shared<RedisResponseCache>(std::make_shared<RedisConnection>(m_redis->Url()), capacity, ttl,
                                                fake.Fn());
  }
  Clock fake;

 private:
  std::unique_ptr<testing::RedisServer> m_redis;
};

TEST_P(CacheTest, FindsTheSameQuestionPerAgentAndCountsHitsAndMisses) {
  auto cache = Make(10);
  const std::string key = CacheKey("refund policy annual plan");
  EXPECT_FALSE(cache->Lookup("billing", key));
  cache->Store("billing", key, Answer("refund policy annual plan"));
  auto hit = cache->Lookup("billing", CacheKey("What is the refund policy for the annual plan?"));
  ASSERT_TRUE(hit);
  EXPECT_DOUBLE_EQ(hit->similarity, 1.0);
  EXPECT_EQ(hit->entry.answer, "answer to refund policy annual plan");
  EXPECT_FALSE(cache->Lookup("policy", key)) << "entries are per agent";
  EXPECT_FALSE(cache->Lookup("billing", CacheKey("reset my password")));
  const auto stats = cache->Stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 3u);
  EXPECT_EQ(stats.size, 1u);
}

TEST_P(CacheTest, PicksTheMostSimilarNearDuplicateAndBreaksTiesByRecentUse) {
  auto cache = Make(10);
  // The question "annual fees plan policy refund" against each key (Jaccard of the word sets):
  cache->Store("billing", "annual plan policy refund", Answer("4 of 5 shared: 0.80"));
  cache->Store("billing", "annual fees plan policy refund terms", Answer("5 of 6 shared: 0.83"));
  cache->Store("billing", "annual plan price", Answer("2 of 6 shared: 0.33"));
  auto hit = cache->Lookup("billing", "annual fees plan policy refund");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->entry.query, "5 of 6 shared: 0.83");
  EXPECT_NEAR(hit->similarity, 5.0 / 6.0, 1e-9);
  EXPECT_EQ(hit->matchedKey, "annual fees plan policy refund terms");
  EXPECT_FALSE(cache->Lookup("billing", "annual cost")) << "below the threshold nothing matches";
  // Two entries equally similar to the question (7 of 9 words shared: 0.78): the one used last wins.
  cache->Store("billing", "a b c d e f g x", Answer("first"));
  cache->Store("billing", "a b c d e f g y", Answer("second"));
  fake.now += std::chrono::seconds(1);
  ASSERT_TRUE(cache->Lookup("billing", "a b c d e f g x"));  // "first" is now the most recently used
  fake.now += std::chrono::seconds(1);
  auto tie = cache->Lookup("billing", "a b c d e f g z");
  ASSERT_TRUE(tie);
  EXPECT_EQ(tie->entry.query, "first");
}

TEST_P(CacheTest, EntriesExpireAfterTheirTtl) {
  auto cache = Make(10, std::chrono::seconds(60));
  cache->Store("policy", "cookies policy", Answer("cookies"));
  fake.now += std::chrono::seconds(59);
  EXPECT_TRUE(cache->Lookup("policy", "cookies policy"));
  fake.now += std::chrono::seconds(2);
  EXPECT_FALSE(cache->Lookup("policy", "cookies policy"));
  EXPECT_FALSE(cache->Lookup("policy", "cookies data policy")) << "nor as a near duplicate";
  EXPECT_EQ(cache->Stats().size, 0u);
  // An expired entry nobody asks for again leaves when something else is stored: the size counts live entries.
  cache->Store("policy", "privacy data", Answer("privacy"));
  fake.now += std::chrono::seconds(61);
  cache->Store("billing", "invoice copy", Answer("invoice"));
  cache->Store("policy", "refund terms", Answer("refund"));
  EXPECT_EQ(cache->Stats().size, 2u);
  EXPECT_FALSE(cache->Lookup("policy", "privacy data"));
}

TEST_P(CacheTest, EvictsTheLeastRecentlyUsedAtCapacity) {
  auto cache = Make(2);
  cache->Store("billing", "one", Answer("one"));
  fake.now += std::chrono::seconds(1);
  cache->Store("billing", "two", Answer("two"));
  fake.now += std::chrono::seconds(1);
  ASSERT_TRUE(cache->Lookup("billing", "one"));  // "one" is now the most recently used
  fake.now += std::chrono::seconds(1);
  cache->Store("billing", "three", Answer("three"));
  EXPECT_TRUE(cache->Lookup("billing", "one"));
  EXPECT_FALSE(cache->Lookup("billing", "two"));
  EXPECT_TRUE(cache->Lookup("billing", "three"));
  EXPECT_EQ(cache->Stats().size, 2u);
}

// Thousands of entries: a near duplicate is still found, and the evicted and expired ones never come back.
TEST_P(CacheTest, ThousandsOfEntriesFindTheirNearDuplicates) {
  auto cache = Make(3000, std::chrono::seconds(600));
  for (int i = 0; i < 4000; ++i) {
    cache->Store("technical", "api error key rotate w" + std::to_string(i), Answer("entry " + std::to_string(i)));
  }
  EXPECT_EQ(cache->Stats().size, 3000u);
  EXPECT_FALSE(cache->Lookup("technical", "api error key rotate w10")) << "evicted: among the oldest thousand";
  auto hit = cache->Lookup("technical", "api error key rotate w3999 now");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->entry.query, "entry 3999");
  EXPECT_NEAR(hit->similarity, 5.0 / 6.0, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(EveryCache, CacheTest,
                         ::testing::Values(CacheKind{"Memory", false}, CacheKind{"Redis", true}),
                         [](const ::testing::TestParamInfo<CacheKind>& info) { return info.param.name; });

}  // namespace
}  // namespace oai::server
