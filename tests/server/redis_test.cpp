// Redis for replicas: two servers sharing one real redis-server keep one conversation and one response cache;
// Redis stopped during load gives clean retryable 503s and service resumes by itself when it returns.
#include <gtest/gtest.h>

#include <sstream>

#include "redis_server.h"
#include "server_process.h"
#include "server/redis_store.h"
#include "test_server.h"

namespace oai::server {
namespace {

using testing::EventIdsAndNames;
using testing::RedisServer;
using testing::TestServer;

std::string Chat(const std::string& message, const std::string& session) {
  return Json{{"message", message}, {"session_id", session}}.dump();
}

TEST(RedisReplicas, AConversationAlternatingBetweenServersKeepsItsHistoryAndSharesTheCache) {
  RedisServer redis;
  auto connectionA = std::make_shared<RedisConnection>(redis.Url());
  auto connectionB = std::make_shared<RedisConnection>(redis.Url());
  RedisSessionStore storeA(connectionA), storeB(connectionB);
  TestServer a(&storeA, std::make_shared<RedisResponseCache>(connectionA));
  TestServer b(&storeB, std::make_shared<RedisResponseCache>(connectionB));
  const std::string session = "aa1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3";
  auto ca = a.Client();
  auto cb = b.Client();
  auto first = ca.Post("/api/chat", Chat("What is your refund policy for annual plans?", session), "application/json");
  ASSERT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(Json::parse(first->body)["metrics"]["cache_status"], "miss");
  // The same question on the other replica is a cache hit: the cache lives in Redis.
  auto second = cb.Post("/api/chat", Chat("What is your refund policy for annual plans?", session), "application/json");
  ASSERT_EQ(second->status, 200) << second->body;
  EXPECT_EQ(Json::parse(second->body)["metrics"]["cache_status"], "hit");
  EXPECT_EQ(Json::parse(second->body)["message"], Json::parse(first->body)["message"]);
  ASSERT_EQ(ca.Post("/api/chat", Chat("hello", session), "application/json")->status, 200);
  // Either replica sees all three turns.
  for (auto* c : {&ca, &cb}) {
    auto h = c->Get("/api/session/" + session);
    ASSERT_EQ(h->status, 200);
    const Json j = Json::parse(h->body);
    EXPECT_EQ(j["messages"].size(), 6u);
    EXPECT_EQ(j["session"]["message_count"], 6);
  }
  // The session hash is the original design: session:{uuid} with a 24 h TTL.
  auto ttl = connectionA->Command({"TTL", "session:" + session});
  EXPECT_GT(ttl->integer, 86000);
  auto fields = connectionA->Command({"HGET", "session:" + session, "message_count"});
  EXPECT_EQ(std::string(fields->str, fields->len), "6");
}

TEST(RedisReplicas, AStreamStartedOnOneReplicaIsResumedOnTheOther) {
  RedisServer redis;
  auto connectionA = std::make_shared<RedisConnection>(redis.Url());
  auto connectionB = std::make_shared<RedisConnection>(redis.Url());
  RedisSessionStore storeA(connectionA), storeB(connectionB);
  TestServer a(&storeA, nullptr, std::make_shared<RedisStreamStore>(connectionA));
  TestServer b(&storeB, nullptr, std::make_shared<RedisStreamStore>(connectionB));
  auto created = a.Client().Post("/api/chat/stream/initiate",
                                 Chat("What are the API rate limits?", "cc1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3"),
                                 "application/json");
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string id = Json::parse(created->body)["stream_id"];
  std::string partial;
  httplib::Client dropping("127.0.0.1", a.Port());
  dropping.Get(("/api/chat/stream/" + id).c_str(), [&](const char* data, std::size_t n) {
    partial.append(data, n);
    return EventIdsAndNames(partial).size() < 2;
  });
  const auto seen = EventIdsAndNames(partial);
  ASSERT_GE(seen.size(), 2u);
  auto rest = b.Client().Get("/api/chat/stream/" + id, {{"Last-Event-ID", std::to_string(seen[1].first)}});
  ASSERT_EQ(rest->status, 200) << rest->body;
  const auto events = EventIdsAndNames(rest->body);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().first, seen[1].first + 1);
  EXPECT_EQ(events.back().second, "done");
  EXPECT_EQ(a.Client().Get("/api/chat/stream/" + id)->status, 404) << "delivered once";
}

TEST(RedisReplicas, TwoServerProcessesShareOneConversationAndOneCache) {
  RedisServer redis;
  int portA = 0, portB = 0;
  const pid_t a = testing::StartServerProcess(":memory:", &portA, redis.Url());
  const pid_t b = testing::StartServerProcess(":memory:", &portB, redis.Url());
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  httplib::Client ca("127.0.0.1", portA), cb("127.0.0.1", portB);
  const std::string session = "dd1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3";
  const Json health = Json::parse(ca.Get("/api/health")->body);
  EXPECT_EQ(health["store"]["kind"], "redis");
  auto first = ca.Post("/api/chat", Chat("Which payment methods do you accept?", session), "application/json");
  ASSERT_EQ(first->status, 200) << first->body;
  auto second = cb.Post("/api/chat", Chat("Which payment methods do you accept?", session), "application/json");
  ASSERT_EQ(second->status, 200) << second->body;
  EXPECT_EQ(Json::parse(second->body)["metrics"]["cache_status"], "hit") << "cached by the other process";
  ASSERT_EQ(ca.Post("/api/chat", Chat("thanks", session), "application/json")->status, 200);
  ASSERT_EQ(cb.Post("/api/chat", Chat("and by bank transfer?", session), "application/json")->status, 200);
  for (auto* c : {&ca, &cb}) {
    const Json h = Json::parse(c->Get("/api/session/" + session)->body);
    EXPECT_EQ(h["messages"].size(), 8u);
  }
  for (pid_t pid : {a, b}) {
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
}

TEST(RedisOutage, StoppedRedisGivesRetryable503sAndServiceResumesWithoutRestart) {
  RedisServer redis;
  auto connection = std::make_shared<RedisConnection>(redis.Url());
  RedisSessionStore store(connection);
  TestServer server(&store, std::make_shared<RedisResponseCache>(connection));
  auto c = server.Client();
  const std::string session = "bb1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3";
  int ok = 0, unavailable = 0, other = 0;
  auto send = [&](int i) {
    auto r = c.Post("/api/chat", Chat("How do I verify webhook signatures? " + std::to_string(i), session), "application/json");
    if (!r) return ++other, void();
    if (r->status == 200) ++ok;
    else if (r->status == 503) {
      ++unavailable;
      const Json j = Json::parse(r->body);
      EXPECT_EQ(j["error"]["code"], "STORE_UNAVAILABLE");
      EXPECT_EQ(j["error"]["details"]["retryable"], true);
      EXPECT_EQ(r->get_header_value("Retry-After"), "1");
    } else {
      ++other;
    }
  };
  for (int i = 0; i < 10; ++i) send(i);
  redis.Stop();
  for (int i = 10; i < 20; ++i) send(i);
  EXPECT_EQ(c.Get("/api/health")->status, 503);
  redis.Start();
  for (int i = 20; i < 30; ++i) send(i);
  std::printf("[redis outage] 30 chats: %d answered, %d clean 503s while Redis was down, %d other\n", ok, unavailable, other);
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(unavailable, 10);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(c.Get("/api/health")->status, 200);
}

TEST(RedisConnection, RejectsUnusableUrls) {
  EXPECT_THROW(RedisConnection("localhost:6379"), std::invalid_argument);
  EXPECT_THROW(RedisConnection("redis://:abc"), std::invalid_argument);
  EXPECT_NO_THROW(RedisConnection("redis://127.0.0.1:6379/2"));
}

}  // namespace
}  // namespace oai::server
