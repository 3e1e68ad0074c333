// PostgreSQL for replicas, with the real binary and a real cluster: two server processes on one PostgreSQL and one
// Redis share a conversation, the response cache and a resumed stream; PostgreSQL restarted during a load gives clean
// retryable 503s and no acknowledged answer is lost; SIGKILL during a load loses no acknowledged answer either.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "model/ids.h"
#include "postgres_server.h"
#include "redis_server.h"
#include "server/postgres_store.h"
#include "server_process.h"
#include "test_server.h"

namespace oai::server {
namespace {

using testing::EventIdsAndNames;
using testing::PostgresServer;
using testing::RedisServer;
using testing::TestServer;

std::string Chat(const std::string& message, const std::string& session) {
  return Json{{"message", message}, {"session_id", session}}.dump();
}

void Stop(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the server exits cleanly on SIGTERM";
}

TEST(PostgresReplicas, TwoServerProcessesShareAConversationTheCacheAndAResumedStream) {
  PostgresServer postgres;
  RedisServer redis;
  int portA = 0, portB = 0;
  const pid_t a = testing::StartServerProcess(":memory:", &portA, redis.Url(), postgres.Url());
  const pid_t b = testing::StartServerProcess(":memory:", &portB, redis.Url(), postgres.Url());
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  httplib::Client ca("127.0.0.1", portA), cb("127.0.0.1", portB);
  EXPECT_EQ(Json::parse(ca.Get("/api/health")->body)["store"]["kind"], "postgresql");
  const std::string session = NewUuidV4();
  auto first = ca.Post("/api/chat", Chat("Which payment methods do you accept?", session), "application/json");
  ASSERT_EQ(first->status, 200) << first->body;
  auto second = cb.Post("/api/chat", Chat("Which payment methods do you accept?", session), "application/json");
  ASSERT_EQ(second->status, 200) << second->body;
  EXPECT_EQ(Json::parse(second->body)["metrics"]["cache_status"], "hit") << "the cache is Redis, shared";
  ASSERT_EQ(ca.Post("/api/chat", Chat("thanks", session), "application/json")->status, 200);

  // A stream initiated on A, dropped after two events, resumed on B with Last-Event-ID.
  auto created = ca.Post("/api/chat/stream/initiate", Chat("and by bank transfer?", session), "application/json");
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string id = Json::parse(created->body)["stream_id"];
  std::string partial;
  httplib::Client dropping("127.0.0.1", portA);
  dropping.Get(("/api/chat/stream/" + id).c_str(), [&](const char* data, std::size_t n) {
    partial.append(data, n);
    return EventIdsAndNames(partial).size() < 2;
  });
  const auto seen = EventIdsAndNames(partial);
  ASSERT_GE(seen.size(), 2u);
  auto rest = cb.Get("/api/chat/stream/" + id, {{"Last-Event-ID", std::to_string(seen[1].first)}});
  ASSERT_EQ(rest->status, 200) << rest->body;
  EXPECT_EQ(EventIdsAndNames(rest->body).back().second, "done");

  // Both replicas read the same history from PostgreSQL: four turns, whichever server answered.
  for (int port : {portA, portB}) {
    std::size_t messages = 0;
    const auto questions = testing::StoredQuestions(port, session, &messages);
    EXPECT_EQ(messages, 8u);
    ASSERT_EQ(questions.size(), 4u);
    EXPECT_EQ(questions.back(), "and by bank transfer?");
  }
  EXPECT_EQ(postgres.Value("SELECT message_count FROM sessions WHERE id = '" + session + "'"), "8");
  // Operations: the health check shows the pool, /metrics the store's time per operation.
  const Json health = Json::parse(ca.Get("/api/health")->body);
  EXPECT_EQ(health["store"]["pool"]["size"], 64) << health.dump();  // --threads' default
  EXPECT_GE(health["store"]["pool"]["open"].get<int>(), 1) << health.dump();
  const std::string metrics = ca.Get("/metrics")->body;
  const std::string appends = "orchestratai_store_duration_seconds_count{backend=\"postgresql\",op=\"append_turn\"} ";
  const std::size_t at = metrics.find(appends);
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_GE(std::stoi(metrics.substr(at + appends.size())), 2) << "A ran at least two of the turns";
  Stop(a);
  Stop(b);
}

TEST(PostgresOutage, ARestartDuringLoadGives503sLosesNothingAndRecoversWithoutARestart) {
  PostgresServer postgres;
  PostgresSessionStore::Options options;
  options.retentionEvery = std::chrono::milliseconds(0);
  PostgresSessionStore store(postgres.Url(), options);
  TestServer server(&store, nullptr);
  auto c = server.Client();
  const std::string session = NewUuidV4();
  std::vector<std::string> acknowledged;
  int unavailable = 0, other = 0;
  auto send = [&](int i) {
    const std::string question = "How do I verify webhook signatures? " + std::to_string(i);
    auto r = c.Post("/api/chat", Chat(question, session), "application/json");
    if (!r) return ++other, false;
    if (r->status == 200) return acknowledged.push_back(question), true;
    if (r->status == 503) {
      ++unavailable;
      const Json j = Json::parse(r->body);
      EXPECT_EQ(j["error"]["code"], "STORE_UNAVAILABLE");
      EXPECT_EQ(j["error"]["details"]["retryable"], true);
      return false;
    }
    ++other;
    return false;
  };
  for (int i = 0; i < 10; ++i) send(i);
  postgres.Stop();
  for (int i = 10; i < 20; ++i) send(i);
  EXPECT_EQ(c.Get("/api/health")->status, 503);
  postgres.Start();
  const auto back = std::chrono::steady_clock::now();
  int i = 20;
  while (!send(i++) && i < 60) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto recovery = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - back);
  for (int k = 0; k < 9; ++k) send(i++);
  EXPECT_EQ(c.Get("/api/health")->status, 200);

  std::size_t messages = 0;
  const auto stored = testing::StoredQuestions(server.Port(), session, &messages);
  const std::size_t lost = testing::CountLost(acknowledged, stored);
  std::printf("[postgres restart] %zu chats acknowledged, %d clean 503s while it was down, %d other, %zu stored, %zu lost, "
              "answering again %lld ms after it was back\n",
              acknowledged.size(), unavailable, other, stored.size(), lost, static_cast<long long>(recovery.count()));
  EXPECT_EQ(acknowledged.size(), 20u);
  EXPECT_EQ(unavailable, 10);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(stored.size(), acknowledged.size()) << "nothing half-written: only acknowledged turns are stored";
  EXPECT_EQ(messages, 2 * stored.size()) << "a question is never stored without its answer";
}

TEST(PostgresDurability, EveryAcknowledgedAnswerSurvivesSigkill) {
  PostgresServer postgres;
  int port = 0;
  pid_t pid = testing::StartServerProcess(":memory:", &port, "", postgres.Url());
  ASSERT_GT(pid, 0);
  const std::string session = NewUuidV4();
  const std::vector<std::string> acknowledged =
      testing::AcknowledgedBeforeSigkill(pid, port, session, std::chrono::milliseconds(600));
  ASSERT_GT(acknowledged.size(), 3u) << "the load did not run";

  pid = testing::StartServerProcess(":memory:", &port, "", postgres.Url());
  ASSERT_GT(pid, 0);
  std::size_t messages = 0;
  const auto stored = testing::StoredQuestions(port, session, &messages);
  const std::size_t lost = testing::CountLost(acknowledged, stored);
  std::printf("[postgres durability] %zu answers acknowledged before SIGKILL, %zu stored after restart, %zu lost\n",
              acknowledged.size(), stored.size(), lost);
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(messages % 2, 0u) << "a question is never stored without its answer";
  Stop(pid);
}

}  // namespace
}  // namespace oai::server
