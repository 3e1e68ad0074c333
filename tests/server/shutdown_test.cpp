// The promise every store shares: SIGTERM while 20 answers are streaming. Each stream ends with `done` or a clean
// `stream_error`, the process exits 0 within 10 s, and every answer that reached `done` is in the store after a
// restart (memory excepted: it keeps nothing by design). The answers come from a slow fake LLM (about 2.4 s each), so
// the streams are open when the signal arrives.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "model/ids.h"
#include "postgres_server.h"
#include "redis_server.h"
#include "server_process.h"
#include "test_server.h"

namespace oai::server {
namespace {

using testing::EventIdsAndNames;

// An OpenAI-compatible endpoint that streams its answer in 8 pieces, 300 ms apart, to up to 32 callers at once.
class SlowLlm {
 public:
  SlowLlm() {
    m_http.Http().new_task_queue = [] { return new httplib::ThreadPool(32); };
    m_http.Http().Post("/v1/chat/completions", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("text/event-stream", [](std::size_t, httplib::DataSink& sink) {
        for (int i = 0; i < 8; ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(300));
          const std::string piece = i == 7 ? "done [1]." : "word" + std::to_string(i) + " ";
          const std::string event =
              "data: " + Json{{"choices", {{{"index", 0}, {"delta", {{"content", piece}}}}}}}.dump() + "\n\n";
          if (!sink.write(event.data(), event.size())) return false;
        }
        const std::string end = "data: [DONE]\n\n";
        sink.write(end.data(), end.size());
        sink.done();
        return true;
      });
    });
    m_http.Start();
  }
  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(m_http.Port()) + "/v1"; }

 private:
  testing::LoopbackServer m_http;
};

struct StoreSetup {
  const char* name;
  bool durable;
};

class ShutdownTest : public ::testing::TestWithParam<StoreSetup> {};

TEST_P(ShutdownTest, SigtermWith20OpenStreamsEndsEveryStreamCleanlyAndKeepsEveryAnswer) {
  const std::string kind = GetParam().name;
  std::unique_ptr<testing::RedisServer> redis;
  std::unique_ptr<testing::PostgresServer> postgres;
  std::string db = ":memory:", redisUrl, databaseUrl;
  const auto file = std::filesystem::temp_directory_path() / ("oai-shutdown-" + std::to_string(getpid()) + ".db");
  if (kind == "sqlite") db = file.string();
  if (kind == "redis") redis = std::make_unique<testing::RedisServer>(), redisUrl = redis->Url();
  if (kind == "postgresql") postgres = std::make_unique<testing::PostgresServer>(), databaseUrl = postgres->Url();
  SlowLlm llm;
  int port = 0;
  const pid_t pid = testing::StartServerProcess(db, &port, redisUrl, databaseUrl,
                                                {"--llm-base-url", llm.BaseUrl(), "--llm-model", "fake-slow"});
  ASSERT_GT(pid, 0);

  constexpr int kStreams = 20;
  std::vector<std::string> sessions, bodies(kStreams);
  for (int i = 0; i < kStreams; ++i) sessions.push_back(NewUuidV4());
  std::vector<std::thread> clients;
  for (int i = 0; i < kStreams; ++i) {
    // Clients arrive 40 ms apart: cpp-httplib's listen backlog is 5, and a connection beyond it waits for its SYN to
    // be sent again (1 s later), which would leave it unaccepted when the signal comes.
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    clients.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(15, 0);
      // The whole stream as it arrives; a connection cut before the end gives no response (and fails below).
      auto r = c.Post("/api/chat/stream",
                      Json{{"message", "What are the API rate limits?"},
                           {"session_id", sessions[static_cast<std::size_t>(i)]}}
                          .dump(),
                      "application/json");
      if (r) bodies[static_cast<std::size_t>(i)] = r->body;
    });
  }
  // Every stream open and under way, then SIGTERM.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto signalled = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  int status = 0;
  bool exited = false;
  while (std::chrono::steady_clock::now() - signalled < std::chrono::seconds(10)) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - signalled).count();
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  for (auto& t : clients) t.join();
  EXPECT_TRUE(exited) << "still running 10 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit status " << status;

  int done = 0, errors = 0;
  std::vector<std::string> answered;
  for (int i = 0; i < kStreams; ++i) {
    const auto events = EventIdsAndNames(bodies[static_cast<std::size_t>(i)]);
    EXPECT_FALSE(events.empty()) << "stream " << i << " was cut off with no event";
    if (events.empty()) continue;
    const std::string& last = events.back().second;
    EXPECT_TRUE(last == "done" || last == "stream_error") << "stream " << i << " ended with " << last;
    if (last == "done") ++done, answered.push_back(sessions[static_cast<std::size_t>(i)]);
    if (last == "stream_error") ++errors;
  }
  std::size_t kept = 0;
  if (GetParam().durable) {
    const pid_t again = testing::StartServerProcess(db, &port, redisUrl, databaseUrl);
    ASSERT_GT(again, 0);
    for (const auto& session : answered) {
      std::size_t messages = 0;
      testing::StoredQuestions(port, session, &messages);
      kept += messages == 2 ? 1 : 0;
      EXPECT_EQ(messages, 2u) << "an answer streamed to its end is stored: " << session;
    }
    kill(again, SIGTERM);
    waitpid(again, &status, 0);
  }
  std::printf("[sigterm %s] %d streams: %d done, %d stream_error; exited in %lld ms; %zu of %zu done answers stored\n",
              kind.c_str(), kStreams, done, errors, static_cast<long long>(took), kept, answered.size());
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
}

INSTANTIATE_TEST_SUITE_P(EveryStore, ShutdownTest,
                         ::testing::Values(StoreSetup{"memory", false}, StoreSetup{"sqlite", true},
                                           StoreSetup{"redis", true}, StoreSetup{"postgresql", true}),
                         [](const ::testing::TestParamInfo<StoreSetup>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace oai::server
