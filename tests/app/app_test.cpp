// The App without drawing: session start from storage, effects reaching the transport and storage, callbacks from
// other threads only queueing actions, and the debug JSON the end-to-end tests read.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "app/app.h"
#include "app/transcript.h"
#include "fakes.h"
#include "model/validation.h"

namespace oai::app {
namespace {

using testing::FakeTransport;
using testing::JsonResponse;
using testing::MemoryStore;
using testing::ReadFixture;
using testing::RecordingField;

constexpr const char* kSession = "3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12";

TEST(AppTest, FirstStartCreatesAndStoresASessionAndChecksHealth) {
  FakeTransport transport;
  transport.On("GET /api/health", JsonResponse(200, ReadFixture("health.json")));
  MemoryStore storage;
  App app({&transport, &storage, {}, "", HostKind::Desktop});
  app.Start();
  const std::string id = app.GetState().domain.sessionId;
  EXPECT_TRUE(IsUuid(id));
  EXPECT_EQ(storage.values[kSessionStorageKey], id);
  EXPECT_EQ(transport.RequestsTo("GET", "/api/health").size(), 1u);
  EXPECT_TRUE(transport.RequestsTo("GET", "/api/session/" + id).empty());
  EXPECT_EQ(app.GetState().domain.connection, ConnectionState::Online);
  EXPECT_EQ(app.GetState().domain.backend->store_kind, "sqlite");
}

TEST(AppTest, StoredSessionIsRestoredFromTheServer) {
  FakeTransport transport;
  transport.On(std::string("GET /api/session/") + kSession, JsonResponse(200, ReadFixture("session_history.json")));
  MemoryStore storage;
  storage.values[kSessionStorageKey] = kSession;
  App app({&transport, &storage, {}, "", HostKind::Browser});
  app.Start();
  EXPECT_EQ(app.GetState().domain.sessionId, kSession);
  ASSERT_EQ(app.GetState().domain.messages.size(), 2u);
  EXPECT_EQ(app.GetState().domain.messages[1].agent, AgentId::Technical);
}

TEST(AppTest, GarbageInStorageIsReplacedByANewSession) {
  FakeTransport transport;
  MemoryStore storage;
  storage.values[kSessionStorageKey] = "<script>";
  App app({&transport, &storage, {}, "", HostKind::Browser});
  app.Start();
  EXPECT_TRUE(IsUuid(app.GetState().domain.sessionId));
  EXPECT_EQ(storage.values[kSessionStorageKey], app.GetState().domain.sessionId);
}

// A transport whose event stream the test plays by hand, one event at a time.
class SteppedStream final : public Transport {
 public:
  void Send(const HttpRequest& req, std::function<void(HttpResponse)> onDone) override { fake.Send(req, std::move(onDone)); }
  void Stream(const HttpRequest& req, std::function<void(SseEvent)> onEvent, std::function<void(HttpResponse)> onEnd) override {
    streams.push_back(req);
    this->onEvent = std::move(onEvent);
    this->onEnd = std::move(onEnd);
  }
  void Event(int id, const std::string& name, const Json& data) { onEvent(SseEvent{id, name, data.dump()}); }
  FakeTransport fake;
  std::vector<HttpRequest> streams;
  std::function<void(SseEvent)> onEvent;
  std::function<void(HttpResponse)> onEnd;
};

// An app that streams its answers, with "How much is Pro?" sent: the stream is open, waiting for its events.
struct StreamingApp {
  StreamingApp() {
    AppServices services{&transport, &storage, {}, "", HostKind::Browser};
    services.streamAnswers = true;
    app = std::make_unique<App>(services);
    app->Start();
    app->Update();
    app->Dispatch(SendRequested{"How much is Pro?", ""});
    app->Update();
  }
  SteppedStream transport;
  MemoryStore storage;
  std::unique_ptr<App> app;
};

// Streaming: the agents light up and the log cards and the answer's text appear as each step finishes; the final
// answer then replaces what streamed (with its metrics), and nothing is asked twice.
TEST(AppTest, AStreamedAnswerGrowsOnScreenAndTheFinalAnswerReplacesIt) {
  StreamingApp s;
  SteppedStream& transport = s.transport;
  App& app = *s.app;
  ASSERT_EQ(transport.streams.size(), 1u);
  EXPECT_EQ(transport.streams[0].url, "/api/chat/stream");
  EXPECT_TRUE(transport.fake.RequestsTo("POST", "/api/chat").empty());

  const Json answer = Json::parse(ReadFixture("chat_response_billing.json"));
  transport.Event(1, "agent_status", {{"agent", "orchestrator"}, {"status", "complete"}});
  transport.Event(2, "agent_status", {{"agent", "billing"}, {"status", "active"}});
  transport.Event(3, "retrieval_log", answer["logs"][0]);
  app.Update();
  const DomainState& d = app.GetState().domain;
  EXPECT_EQ(d.Card(AgentId::Billing).agent.status, AgentStatus::Active);
  ASSERT_EQ(d.logTurns.size(), 1u);
  EXPECT_EQ(d.logTurns[0].entries.size(), 1u);
  EXPECT_EQ(d.logTurns[0].question, "How much is Pro?");
  ASSERT_EQ(d.messages.size(), 2u);
  EXPECT_TRUE(d.messages[1].streaming);
  EXPECT_EQ(d.messages[1].agent, AgentId::Billing);  // the typing indicator names it
  EXPECT_EQ(d.messages[1].content, "");

  transport.Event(4, "message_chunk", {{"content", "The Pro plan "}});
  app.Update();
  EXPECT_EQ(d.messages[1].content, "The Pro plan ");
  transport.Event(3, "retrieval_log", answer["logs"][0]);  // a resumed stream repeats nothing
  transport.Event(5, "message_chunk", {{"content", "costs $49 [1]."}});
  app.Update();
  EXPECT_EQ(d.messages[1].content, "The Pro plan costs $49 [1].");
  EXPECT_EQ(d.logTurns[0].entries.size(), 1u);
  EXPECT_TRUE(d.sending);

  Json done = answer;
  done["message_id"] = "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b";
  transport.Event(6, "done", done);
  HttpResponse ok;
  ok.status = 200;
  transport.onEnd(ok);
  app.Update();
  EXPECT_FALSE(d.sending);
  ASSERT_EQ(d.messages.size(), 2u);
  EXPECT_FALSE(d.messages[1].streaming);
  EXPECT_EQ(d.messages[1].content, answer["message"].get<std::string>());
  EXPECT_TRUE(d.messages[1].metrics.has_value());
  ASSERT_EQ(d.logTurns.size(), 1u);
  EXPECT_EQ(d.logTurns[0].entries.size(), answer["logs"].size());
  EXPECT_TRUE(transport.fake.RequestsTo("POST", "/api/chat").empty());
}

// A stream that breaks after its first events: the partial answer goes, the question comes back with Retry.
TEST(AppTest, ABrokenStreamRemovesThePartialAnswerAndOffersRetry) {
  StreamingApp s;
  SteppedStream& transport = s.transport;
  App& app = *s.app;
  transport.Event(1, "message_chunk", {{"content", "The Pro plan "}});
  app.Update();
  HttpResponse dropped;
  dropped.status = 0;
  dropped.error = "connection reset";
  transport.onEnd(dropped);
  app.Update();
  const DomainState& d = app.GetState().domain;
  EXPECT_FALSE(d.sending);
  EXPECT_TRUE(d.messages.empty());
  EXPECT_TRUE(d.logTurns.empty());
  ASSERT_TRUE(d.error.has_value());
  EXPECT_TRUE(d.error->retryable);
  EXPECT_EQ(d.error->failedText, "How much is Pro?");
}

TEST(AppTest, SendPostsAndTheAnswerArrivesThroughTheQueue) {
  FakeTransport transport;
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
  transport.SetDeferred(true);
  MemoryStore storage;
  App app({&transport, &storage, {}, "", HostKind::Desktop});
  app.Start();
  transport.CompleteAll();
  app.Update();

  app.Dispatch(SendRequested{"How much is Pro?", ""});
  EXPECT_TRUE(app.Update());
  EXPECT_TRUE(app.GetState().domain.sending);
  EXPECT_TRUE(app.IsAnimating());
  EXPECT_EQ(transport.ChatMessagesSent(), std::vector<std::string>{"How much is Pro?"});
  EXPECT_FALSE(app.GetState().domain.messages[0].timestamp.empty());  // stamped by Update

  transport.CompleteAll();
  EXPECT_TRUE(app.Update());
  EXPECT_FALSE(app.GetState().domain.sending);
  EXPECT_FALSE(app.IsAnimating());
  ASSERT_EQ(app.GetState().domain.messages.size(), 2u);
  EXPECT_FALSE(app.Update());  // nothing left to do
}

TEST(AppTest, CallbacksFromAnotherThreadOnlyQueueAndWake) {
  // A transport that answers from its own threads, like the native host's HTTP client.
  class ThreadTransport : public Transport {
   public:
    void Send(const HttpRequest&, std::function<void(HttpResponse)> onDone) override {
      workers.emplace_back([onDone] { onDone(JsonResponse(200, ReadFixture("chat_response_billing.json"))); });
    }
    void JoinAll() {
      for (auto& w : workers) w.join();
      workers.clear();
    }
    std::vector<std::thread> workers;
  } transport;
  std::atomic<int> wakes{0};
  App app({&transport, nullptr, [&] { ++wakes; }, "", HostKind::Desktop});
  app.Dispatch(SessionStarted{kSession, false});
  app.Update();
  transport.JoinAll();  // health and agents checks
  app.Update();
  const int before = wakes.load();

  app.Dispatch(SendRequested{"How much is Pro?", ""});
  app.Update();
  transport.JoinAll();
  EXPECT_GT(wakes.load(), before);
  EXPECT_TRUE(app.GetState().domain.sending);  // not applied until the main thread updates
  app.Update();
  EXPECT_FALSE(app.GetState().domain.sending);
  EXPECT_EQ(app.GetState().domain.messages.size(), 2u);
}

TEST(AppTest, DebugJsonDescribesTheConversation) {
  FakeTransport transport;
  transport.On("GET /api/health", JsonResponse(200, ReadFixture("health.json")));
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
  App app({&transport, nullptr, {}, "", HostKind::Browser});
  app.Dispatch(SessionStarted{kSession, false});
  app.Dispatch(SendRequested{"How much is Pro?", ""});
  app.Update();
  Json j = Json::parse(app.DebugJson());
  EXPECT_EQ(j["session_id"], kSession);
  EXPECT_EQ(j["sending"], false);
  ASSERT_EQ(j["messages"].size(), 2u);
  EXPECT_EQ(j["messages"][0], Json({{"role", "user"}, {"content", "How much is Pro?"}, {"agent", nullptr},
                                    {"pending", false}, {"streaming", false}, {"id", "req-1-user"},
                                    {"server_id", ""}, {"feedback", nullptr}, {"feedback_saving", false}}));
  EXPECT_EQ(j["messages"][1]["agent"], "billing");
  EXPECT_EQ(j["messages"][1]["feedback"], nullptr);
  EXPECT_EQ(j["logs"], 4);
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_EQ(j["connection"], "online");
}

TEST(AppTest, FailureShowsInDebugJsonAndRetrySucceeds) {
  FakeTransport transport;
  transport.On("POST /api/chat", testing::NetworkError());
  transport.Then("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
  App app({&transport, nullptr, {}, "", HostKind::Browser});
  app.Dispatch(SessionStarted{kSession, false});
  app.Dispatch(SendRequested{"How much is Pro?", ""});
  app.Update();
  Json j = Json::parse(app.DebugJson());
  EXPECT_TRUE(j["messages"].empty());
  EXPECT_EQ(j["error"], "Can't reach the server. Check your connection and try again.");
  EXPECT_EQ(app.GetState().view.draft, "How much is Pro?");

  app.Dispatch(RetryRequested{});
  app.Update();
  EXPECT_EQ(transport.ChatMessagesSent(), (std::vector<std::string>{"How much is Pro?", "How much is Pro?"}));
  EXPECT_EQ(app.GetState().domain.messages.size(), 2u);
  EXPECT_FALSE(app.GetState().domain.error.has_value());
}

TEST(AppTest, NewChatMakesAFreshSessionId) {
  FakeTransport transport;
  MemoryStore storage;
  App app({&transport, &storage, {}, "", HostKind::Browser});
  app.Start();
  const std::string first = app.GetState().domain.sessionId;
  app.Dispatch(NewChat{});
  app.Update();
  EXPECT_NE(app.GetState().domain.sessionId, first);
  EXPECT_TRUE(IsUuid(app.GetState().domain.sessionId));
  EXPECT_EQ(storage.values[kSessionStorageKey], app.GetState().domain.sessionId);
}

}  // namespace
TEST(AppTest, AHostFieldIsClearedAfterASendButNotEchoedWhileTyping) {
  FakeTransport transport;
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
  transport.SetDeferred(true);
  MemoryStore storage;
  RecordingField field;
  AppServices services{&transport, &storage, {}, "", HostKind::Browser};
  services.textField = &field;
  App app(services);
  app.Start();
  transport.CompleteAll();
  app.Update();

  app.Dispatch(DraftChanged{"How much is Pro?", InputCaret{16, 16, -1, -1}});
  app.Update();
  EXPECT_TRUE(field.texts.empty());  // the field already holds what it reported
  const int revision = app.ContentRevision();
  app.Dispatch(SubmitDraft{});
  app.Update();
  EXPECT_EQ(transport.ChatMessagesSent(), std::vector<std::string>{"How much is Pro?"});
  EXPECT_EQ(field.texts, std::vector<std::string>{""});  // the field is emptied with the send
  EXPECT_GT(app.ContentRevision(), revision);
  const int afterSend = app.ContentRevision();
  app.Dispatch(DraftChanged{"next", std::nullopt});
  app.Update();
  EXPECT_EQ(app.ContentRevision(), afterSend);  // typing does not rebuild the screen-reader mirror
}

TEST(AppTest, AccessibleJsonHasTheTranscriptWithSourcesAndLocalTimes) {
  FakeTransport transport;
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
  MemoryStore storage;
  AppServices services{&transport, &storage, {}, "", HostKind::Browser};
  services.localTime = [](const std::string& iso) { return "local(" + iso.substr(11, 5) + ")"; };
  App app(services);
  app.Start();
  app.Dispatch(SendRequested{"How much is Pro?", "2026-11-24T10:27:00.000Z"});
  app.Update();
  const Json j = Json::parse(app.AccessibleJson());
  ASSERT_EQ(j["messages"].size(), 2u);
  EXPECT_EQ(j["messages"][0]["who"], "You");
  EXPECT_EQ(j["messages"][0]["time"], "local(10:27)");
  EXPECT_EQ(j["messages"][0]["text"], "How much is Pro?");
  EXPECT_EQ(j["messages"][1]["role"], "assistant");
  EXPECT_NE(j["messages"][1]["who"].get<std::string>().find("Billing Agent"), std::string::npos);
  EXPECT_FALSE(j["messages"][1]["sources"].empty());
  EXPECT_EQ(j["agents"].size(), 4u);
  EXPECT_FALSE(j["logs"].empty());

  // The same answer on the clipboard: its text, then its sources as plain lines.
  const DomainState& d = app.GetState().domain;
  const std::string answer = MessageText(d, d.messages[1]);
  EXPECT_EQ(answer.rfind(d.messages[1].content, 0), 0u);
  EXPECT_NE(answer.find("\n\nSources:\n[1] "), std::string::npos);
  const std::string chat = ConversationText(d, [](const std::string& iso) { return iso.substr(11, 5); });
  EXPECT_EQ(chat.rfind("You (10:27):\nHow much is Pro?\n\nBilling Agent (", 0), 0u);
  EXPECT_NE(chat.find("Sources:"), std::string::npos);
}

}  // namespace oai::app
