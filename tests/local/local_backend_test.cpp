// Static hosting: the API answered inside the page from a knowledge base fetched as files, sessions that survive a
// reload, and the choice between the server and the in-page engine made by the first health check.
#include "local/local_backend.h"
#include "local/paced_streams.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fake_file_host.h"

#include "model/sse.h"
#include "model/validation.h"

namespace oai::local {
namespace {



constexpr const char* kSession = "7b1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b";

TEST(LocalBackend, LoadsTheKnowledgeBaseOnceAndAnswersHealth) {
  FakeFileHost files;
  MemoryKeyValueStore storage;
  LocalBackend backend(&files, &storage);
  EXPECT_FALSE(backend.Ready());
  const auto health = Call(backend, &files, "GET", "/api/health");
  ASSERT_EQ(health.status, 200) << health.body;
  const Json j = Json::parse(health.body);
  EXPECT_EQ(j["store"]["kind"], "browser");
  EXPECT_GE(j["engine"]["documents"].get<int>(), 40);
  EXPECT_TRUE(backend.Ready());
  const std::size_t fetched = files.requests.size();
  Call(backend, &files, "GET", "/api/health");
  EXPECT_EQ(files.requests.size(), fetched) << "the knowledge base is fetched once";
}

TEST(LocalBackend, ChatsAndKeepsTheConversationAcrossAReload) {
  MemoryKeyValueStore storage;
  std::string answer;
  {
    FakeFileHost files;
    LocalBackend backend(&files, &storage);
    const auto r = Call(backend, &files, "POST", "/api/chat",
                        Json{{"message", "How much does the Pro plan cost per month?"}, {"session_id", kSession}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    auto parsed = ParseChatResponse(r.body);
    ASSERT_TRUE(parsed.ok()) << parsed.error().Summary();
    EXPECT_EQ(parsed.value().agent, AgentId::Billing);
    answer = parsed.value().message;
  }
  FakeFileHost files;  // a new page load: same browser storage
  LocalBackend backend(&files, &storage);
  const auto history = Call(backend, &files, "GET", std::string("/api/session/") + kSession);
  ASSERT_EQ(history.status, 200) << history.body;
  const Json h = Json::parse(history.body);
  ASSERT_EQ(h["messages"].size(), 2u);
  EXPECT_EQ(h["messages"][1]["content"], answer);
  EXPECT_EQ(h["session"]["message_count"], 2);
}

// The in-page engine streams too: the same events as the server's stream, written whole once the turn is done.
// One streamed turn of a fresh in-page backend: the whole response (its status and SSE body).
app::HttpResponse StreamedTurn(const std::string& question) {
  FakeFileHost files;
  MemoryKeyValueStore storage;
  LocalBackend backend(&files, &storage);
  return Call(backend, &files, "POST", "/api/chat/stream", Json{{"message", question}, {"session_id", kSession}}.dump());
}

TEST(LocalBackend, StreamsTheTurnsEventsLikeTheServer) {
  const auto r = StreamedTurn("How do I verify a webhook signature?");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::vector<SseEvent> events = SplitEvents(r.body);
  ASSERT_GE(events.size(), 5u);
  std::string streamed;
  int logs = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].id, static_cast<int>(i) + 1);
    if (events[i].name == "message_chunk") streamed += Json::parse(events[i].data)["content"].get<std::string>();
    if (events[i].name == "retrieval_log") ++logs;
  }
  ASSERT_EQ(events.back().name, "done");
  Json done = Json::parse(events.back().data);
  done.erase("message_id");
  auto parsed = ParseChatResponse(done.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().Summary();
  EXPECT_EQ(parsed.value().message, streamed);
  EXPECT_EQ(static_cast<int>(parsed.value().logs.size()), logs);
  EXPECT_EQ(parsed.value().agent, AgentId::Technical);
}

// In the page, the in-page engine's stream reaches the app one event per frame (the host pumps once per frame): the
// pipeline, the log cards and the answer's pieces arrive over as many frames as there are events, the end after them.
TEST(PacedStreams, AnInPageTurnReachesTheAppOneEventPerFrame) {
  const auto r = StreamedTurn("What is your refund policy?");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::vector<SseEvent> events = SplitEvents(r.body);
  ASSERT_GE(events.size(), 6u);

  PacedStreams paced;
  std::vector<std::string> seen;
  int ended = 0;
  int endStatus = 0;
  app::HttpResponse end = r;
  end.body.clear();
  paced.Add(events, end, [&](SseEvent e) { seen.push_back(e.name); },
            [&](app::HttpResponse done) { ++ended, endStatus = done.status; });
  EXPECT_TRUE(seen.empty()) << "nothing is handed out before the first frame";
  std::size_t frames = 0;
  while (!paced.Idle()) {
    const std::size_t before = seen.size();
    ASSERT_TRUE(paced.Pump());
    ++frames;
    EXPECT_LE(seen.size(), before + 1) << "at most one event per frame";
    if (frames <= events.size()) {
      EXPECT_EQ(ended, 0);
    }
    ASSERT_LE(frames, events.size() + 1);
  }
  EXPECT_EQ(frames, events.size() + 1);
  EXPECT_EQ(ended, 1);
  EXPECT_EQ(endStatus, 200);
  ASSERT_EQ(seen.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(seen[i], events[i].name) << i;
  EXPECT_GE(std::count(seen.begin(), seen.end(), "message_chunk"), 2) << "the answer grows in pieces";
  EXPECT_FALSE(paced.Pump()) << "no frame is asked for once every stream has ended";
}

TEST(PacedStreams, StreamsInterleaveAndARefusalEndsAtOnce) {
  PacedStreams paced;
  std::vector<std::string> order;
  auto ev = [](const char* name) {
    SseEvent e;
    e.name = name;
    return e;
  };
  app::HttpResponse ok;
  ok.status = 200;
  app::HttpResponse refused;
  refused.status = 429;
  refused.body = R"({"error":{"code":"RATE_LIMITED"}})";
  paced.Add({ev("a1"), ev("a2")}, ok, [&](SseEvent e) { order.push_back(e.name); },
            [&](app::HttpResponse) { order.push_back("a-end"); });
  paced.Add({}, refused, [&](SseEvent e) { order.push_back(e.name); },
            [&](app::HttpResponse r) { order.push_back("b-end " + std::to_string(r.status) + " " + r.body); });
  paced.Pump();
  EXPECT_EQ(order, (std::vector<std::string>{"a1", "b-end 429 " + refused.body}));
  paced.Pump();
  paced.Pump();
  EXPECT_EQ(order.back(), "a-end");
  EXPECT_TRUE(paced.Idle());
}

TEST(LocalBackend, ValidatesRequestsLikeTheServer) {
  FakeFileHost files;
  MemoryKeyValueStore storage;
  LocalBackend backend(&files, &storage);
  auto bad = Call(backend, &files, "POST", "/api/chat", R"({"message":"","session_id":"nope"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json::parse(bad.body)["error"]["code"], "VALIDATION_ERROR");
  EXPECT_EQ(Call(backend, nullptr, "GET", "/api/session/" + std::string(kSession)).status, 404);
  EXPECT_EQ(Call(backend, nullptr, "GET", "/api/chat").status, 405);
  // One API with the server: the same route table answers what the page had no route for before.
  EXPECT_EQ(Call(backend, nullptr, "GET", "/api/session/" + std::string(kSession) + "/export?format=xml").status, 400);
  EXPECT_EQ(Call(backend, nullptr, "GET", "/api/nothing-here").status, 404);
  EXPECT_EQ(Call(backend, nullptr, "GET", "/api/nothing").status, 404);
}

TEST(LocalBackend, AMissingKnowledgeBaseIsAClear503) {
  FakeFileHost files(/*withManifest=*/false);
  MemoryKeyValueStore storage;
  LocalBackend backend(&files, &storage);
  const auto r = Call(backend, &files, "GET", "/api/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(Json::parse(r.body)["error"]["message"].get<std::string>().find("could not load its knowledge base"),
            std::string::npos);
}

// A network that answers every request with one canned response.
class CannedNetwork : public app::Transport {
 public:
  explicit CannedNetwork(app::HttpResponse r) : response(std::move(r)) {}
  void Send(const app::HttpRequest& req, std::function<void(app::HttpResponse)> onDone) override {
    urls.push_back(req.url);
    onDone(response);
  }
  app::HttpResponse response;
  std::vector<std::string> urls;
};

class RecordingLocal : public app::Transport {
 public:
  void Send(const app::HttpRequest& req, std::function<void(app::HttpResponse)> onDone) override {
    urls.push_back(req.url);
    app::HttpResponse r;
    r.status = 200;
    r.body = "{}";
    onDone(r);
  }
  void Stream(const app::HttpRequest& req, std::function<void(SseEvent)>, std::function<void(app::HttpResponse)> onEnd) override {
    streams.push_back(req.url);
    app::HttpResponse r;
    r.status = 200;
    onEnd(r);
  }
  std::vector<std::string> urls;
  std::vector<std::string> streams;
};

// A network whose answer to the health check comes later (the page asks before it knows where the API is).
class HeldNetwork : public app::Transport {
 public:
  void Send(const app::HttpRequest& req, std::function<void(app::HttpResponse)> onDone) override {
    urls.push_back(req.url);
    held.push_back(std::move(onDone));
  }
  std::vector<std::string> urls;
  std::vector<std::function<void(app::HttpResponse)>> held;
};

// A question sent while the first health check is still out streams from whichever backend answers once it is
// decided: the in-page engine gets a stream (its events paced one per frame), not a whole answer.
TEST(FallbackTransport, AStreamAskedBeforeTheHealthCheckWaitsAndStreams) {
  HeldNetwork network;
  RecordingLocal local;
  FallbackTransport t(&network, &local, false);
  t.Send(app::HttpRequest{"GET", "/api/health", "", {}, 1000}, [](app::HttpResponse) {});
  int ended = 0;
  t.Stream(app::HttpRequest{"POST", "/api/chat/stream", "{}", {}, 1000}, [](SseEvent) {},
           [&](app::HttpResponse) { ++ended; });
  EXPECT_EQ(ended, 0) << "it waits for the decision";
  ASSERT_EQ(network.held.size(), 1u);
  network.held[0](app::HttpResponse{});  // no server answered
  EXPECT_TRUE(t.UsingLocal());
  EXPECT_EQ(local.streams, (std::vector<std::string>{"/api/chat/stream"}));
  EXPECT_EQ(ended, 1);
  EXPECT_EQ(network.urls, (std::vector<std::string>{"/api/health"}));
}

TEST(FallbackTransport, StaysOnTheServerWhenItsHealthAnswers) {
  app::HttpResponse ok;
  ok.status = 200;
  ok.body = R"({"status":"healthy","store":{"kind":"memory","ok":true}})";
  CannedNetwork network(ok);
  RecordingLocal local;
  FallbackTransport t(&network, &local, false);
  Call(t, nullptr, "GET", "/api/health");
  Call(t, nullptr, "POST", "/api/chat", "{}");
  EXPECT_FALSE(t.UsingLocal());
  EXPECT_EQ(network.urls, (std::vector<std::string>{"/api/health", "/api/chat"}));
  EXPECT_TRUE(local.urls.empty());
}

TEST(FallbackTransport, MovesToThePageWhenThereIsNoServer) {
  for (int status : {0, 404}) {
    app::HttpResponse none;
    none.status = status;
    none.body = status ? "<html>404</html>" : "";
    CannedNetwork network(none);
    RecordingLocal local;
    FallbackTransport t(&network, &local, false);
    EXPECT_EQ(Call(t, nullptr, "GET", "/api/health").status, 200) << status;
    Call(t, nullptr, "POST", "/api/chat", "{}");
    EXPECT_TRUE(t.UsingLocal());
    EXPECT_EQ(network.urls, (std::vector<std::string>{"/api/health"}));
    EXPECT_EQ(local.urls, (std::vector<std::string>{"/api/health", "/api/chat"}));
  }
}

TEST(FallbackTransport, MovesToThePageForAStaticServersIndexPage) {
  app::HttpResponse page;
  page.status = 200;
  page.body = "<!doctype html><title>OrchestratAI</title>";  // a single-page host answering every path
  CannedNetwork network(page);
  RecordingLocal local;
  FallbackTransport t(&network, &local, false);
  Call(t, nullptr, "GET", "/api/health");
  EXPECT_TRUE(t.UsingLocal());
}

TEST(FallbackTransport, StaysOnAFailingServerSoTheErrorIsShown) {
  for (int status : {500, 502, 503}) {
    app::HttpResponse failing;
    failing.status = status;
    failing.body = R"({"error":{"code":"internal","message":"boom"}})";
    CannedNetwork network(failing);
    RecordingLocal local;
    FallbackTransport t(&network, &local, false);
    EXPECT_EQ(Call(t, nullptr, "GET", "/api/health").status, status);
    EXPECT_FALSE(t.UsingLocal()) << status;
    EXPECT_EQ(t.Kind(), app::BackendKind::Server);
    EXPECT_TRUE(local.urls.empty());
  }
}

TEST(FallbackTransport, ForcedLocalNeverAsksTheNetworkForTheApi) {
  CannedNetwork network(app::HttpResponse{});
  RecordingLocal local;
  FallbackTransport t(&network, &local, true);
  Call(t, nullptr, "GET", "/api/health");
  Call(t, nullptr, "GET", "kb/manifest.json");  // static files still come from the network
  EXPECT_EQ(network.urls, (std::vector<std::string>{"kb/manifest.json"}));
  EXPECT_EQ(local.urls, (std::vector<std::string>{"/api/health"}));
}

}  // namespace
}  // namespace oai::local
