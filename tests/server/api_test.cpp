// The HTTP API of PRODUCT.md §3 over loopback: what a client sees for good requests, bad requests and the page.
#include <gtest/gtest.h>

#include <regex>

#include "model/ids.h"
#include "model/validation.h"
#include "test_server.h"

namespace oai::server {
namespace {

using testing::TestServer;

constexpr const char* kSession = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

Json Body(const httplib::Result& r) { return Json::parse(r->body); }

std::string ChatBody(const std::string& message, const std::string& session = kSession) {
  return Json{{"message", message}, {"session_id", session}}.dump();
}

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { s_server = new TestServer(); }
  static void TearDownTestSuite() {
    delete s_server;
    s_server = nullptr;
  }
  static TestServer* s_server;
};
TestServer* ApiTest::s_server = nullptr;

void ExpectEnvelope(const httplib::Result& r, int status, const std::string& code) {
  ASSERT_TRUE(r) << "no response";
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  const Json j = Json::parse(r->body);
  ASSERT_TRUE(j.contains("error")) << r->body;
  EXPECT_EQ(j["error"]["code"], code) << r->body;
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  EXPECT_TRUE(IsIso8601(j["error"]["timestamp"].get<std::string>()));
  EXPECT_EQ(j["error"]["requestId"], r->get_header_value("X-Request-Id"));
}

TEST_F(ApiTest, HealthReportsStoreEngineAndModel) {
  auto r = s_server->Client().Get("/api/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const Json j = Body(r);
  EXPECT_EQ(j["status"], "healthy");
  EXPECT_EQ(j["store"]["kind"], "memory");
  EXPECT_EQ(j["store"]["ok"], true);
  EXPECT_GE(j["engine"]["documents"].get<int>(), 12);
  EXPECT_GT(j["engine"]["chunks"].get<int>(), j["engine"]["documents"].get<int>());
  EXPECT_EQ(j["llm"]["kind"], "extractive");
  EXPECT_FALSE(r->get_header_value("X-Request-Id").empty());
}

// Browsers offer br; the answer comes gzip-compressed (fast), decodes to the same JSON, and is plain for clients that
// accept no encoding.
TEST_F(ApiTest, ChatAnswersAreGzippedForBrowsersAndPlainOtherwise) {
  const std::string session = NewUuidV4();
  auto raw = s_server->Client();
  raw.set_decompress(false);
  auto packed = raw.Post("/api/chat", {{"Accept-Encoding", "gzip, deflate, br"}},
                         ChatBody("How do I verify webhook signatures?", session), "application/json");
  ASSERT_TRUE(packed);
  ASSERT_EQ(packed->status, 200);
  EXPECT_EQ(packed->get_header_value("Content-Encoding"), "gzip");
  auto plain = raw.Post("/api/chat", {{"Accept-Encoding", "identity"}},
                        ChatBody("How do I verify webhook signatures?", session), "application/json");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  EXPECT_LT(packed->body.size(), plain->body.size() / 2);
  auto decoded = s_server->Client().Post("/api/chat", {{"Accept-Encoding", "gzip, deflate, br"}},
                                         ChatBody("How do I verify webhook signatures?", session), "application/json");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(Body(decoded)["agent"], Json::parse(plain->body)["agent"]);
}

TEST_F(ApiTest, SessionLifecycleCreateGetDelete) {
  auto c = s_server->Client();
  auto created = c.Post("/api/session", "", "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);
  const std::string id = Body(created)["session_id"];
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_TRUE(IsIso8601(Body(created)["created_at"].get<std::string>()));

  auto got = c.Get("/api/session/" + id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(Body(got)["session"]["id"], id);
  EXPECT_TRUE(Body(got)["messages"].empty());

  auto deleted = c.Delete("/api/session/" + id);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
  ExpectEnvelope(c.Get("/api/session/" + id), 404, "SESSION_NOT_FOUND");
  ExpectEnvelope(c.Delete("/api/session/" + id), 404, "SESSION_NOT_FOUND");
  ExpectEnvelope(c.Get("/api/session/not-a-uuid"), 400, "VALIDATION_ERROR");
}

TEST_F(ApiTest, ChatAnswersWithExactlyTheContractAndStoresBothMessages) {
  auto c = s_server->Client();
  const std::string session = "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3";
  auto r = c.Post("/api/chat", ChatBody("How much does the Pro plan cost per month?", session), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  // The strict client validation (no extra keys anywhere, UUIDs, ranges) accepts it.
  auto parsed = ParseChatResponse(r->body);
  ASSERT_TRUE(parsed.ok()) << parsed.error().Summary();
  const ChatResponse& chat = parsed.value();
  EXPECT_EQ(Body(r).size(), 6u);
  EXPECT_EQ(chat.agent, AgentId::Billing);
  EXPECT_GT(chat.metrics.latency, 0.0);
  EXPECT_GE(chat.logs.size(), 3u);
  EXPECT_NE(chat.message.find("[1]"), std::string::npos);

  auto history = c.Get(std::string("/api/session/") + session);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->status, 200);
  const Json h = Body(history);
  ASSERT_EQ(h["messages"].size(), 2u);
  EXPECT_EQ(h["messages"][0]["role"], "user");
  EXPECT_EQ(h["messages"][0]["content"], "How much does the Pro plan cost per month?");
  EXPECT_EQ(h["messages"][1]["role"], "assistant");
  EXPECT_EQ(h["messages"][1]["agent"], "billing");
  EXPECT_EQ(h["messages"][1]["content"], chat.message);
  EXPECT_EQ(h["messages"][1]["log_ids"].size(), chat.logs.size());
  EXPECT_EQ(h["logs"].size(), chat.logs.size());
  EXPECT_EQ(h["session"]["message_count"], 2);
  EXPECT_EQ(h["session"]["total_tokens"], chat.metrics.tokensUsed);

  // Asked again: the cache answers, and its log shows the sections the first answer was made from (their text is
  // kept written with the entry), within the same strict contract.
  auto again = c.Post("/api/chat", ChatBody("How much does the Pro plan cost per month?", session), "application/json");
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 200) << again->body;
  auto cached = ParseChatResponse(again->body);
  ASSERT_TRUE(cached.ok()) << cached.error().Summary();
  EXPECT_EQ(cached.value().metrics.cache_status, CacheStatus::Hit);
  EXPECT_EQ(cached.value().message, chat.message);
  const RetrievalLog* first = nullptr;
  for (const RetrievalLog& l : chat.logs)
    if (l.Type() == LogType::VectorSearch) first = &l;
  const RetrievalLog* hit = nullptr;
  for (const RetrievalLog& l : cached.value().logs)
    if (l.Type() == LogType::Cache) hit = &l;
  ASSERT_NE(first, nullptr);
  ASSERT_NE(hit, nullptr);
  ASSERT_TRUE(first->chunks && hit->chunks);
  ASSERT_FALSE(hit->chunks->empty());
  for (const DocumentChunk& kept : *hit->chunks)
    EXPECT_NE(std::find(first->chunks->begin(), first->chunks->end(), kept), first->chunks->end()) << kept.source;
  auto stored = c.Get(std::string("/api/session/") + session);
  ASSERT_TRUE(stored);
  const Json storedLogs = Body(stored)["logs"];
  bool found = false;
  for (const Json& l : storedLogs) found = found || (l["id"] == hit->id && l["chunks"] == Json(*hit->chunks));
  EXPECT_TRUE(found) << "the cache log is stored with its chunks";
}

// The store hands the engine only the session's last turn (no LLM configured): a follow-up deep in a conversation is
// still read with the question just before it, not an older one.
TEST_F(ApiTest, AFollowUpIsReadWithTheQuestionJustBeforeIt) {
  auto c = s_server->Client();
  const std::string session = NewUuidV4();
  for (const char* q : {"How do I rotate my API key?", "What is your refund policy?", "How much does the Starter plan cost?"}) {
    ASSERT_EQ(c.Post("/api/chat", ChatBody(q, session), "application/json")->status, 200);
  }
  auto r = c.Post("/api/chat", ChatBody("and for the annual plan?", session), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const Json j = Body(r);
  EXPECT_EQ(j["agent"], "billing");
  const Json* routing = nullptr;
  for (const auto& log : j["logs"]) {
    if (log["type"] == "routing") routing = &log;
  }
  ASSERT_NE(routing, nullptr) << r->body;
  ASSERT_TRUE((*routing)["data"].contains("follow_up")) << routing->dump();
  EXPECT_EQ((*routing)["data"]["follow_up"]["previous_question"], "How much does the Starter plan cost?");
}

TEST_F(ApiTest, UpperCaseSessionIdsAreTheSameSession) {
  auto c = s_server->Client();
  const std::string lower = "abcdef12-3456-4789-abcd-ef1234567890";
  std::string upper = lower;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  ASSERT_EQ(c.Post("/api/chat", ChatBody("hello", upper), "application/json")->status, 200);
  ASSERT_EQ(c.Post("/api/chat", ChatBody("thanks", lower), "application/json")->status, 200);
  auto h = c.Get("/api/session/" + upper);
  ASSERT_TRUE(h);
  ASSERT_EQ(h->status, 200);
  EXPECT_EQ(Body(h)["session"]["id"], lower);
  EXPECT_EQ(Body(h)["messages"].size(), 4u);
}

struct BadChat {
  const char* name;
  std::string body;
  const char* field;  // JSON path named in details
};

// A vote over HTTP: stored, returned on the answer in the history and in both exports, replaced by a second vote;
// what cannot be voted on is a clear 4xx that changes nothing.
TEST_F(ApiTest, FeedbackOnAnAnswerIsStoredShownAndExported) {
  auto c = s_server->Client();
  const std::string session = NewUuidV4();
  auto chat = c.Post("/api/chat", ChatBody("What is your refund policy?", session), "application/json");
  ASSERT_TRUE(chat);
  ASSERT_EQ(chat->status, 200) << chat->body;
  const std::string answer = chat->get_header_value("X-Message-Id");
  const auto vote = [&](Json body) { return c.Post("/api/feedback", body.dump(), "application/json"); };

  auto first = vote({{"session_id", session}, {"message_id", answer}, {"rating", "down"}, {"reason", "incomplete"},
                     {"comment", "It does not say how long a refund takes."}});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(Body(first)["message_id"], answer);
  EXPECT_EQ(Body(first)["rating"], "down");
  EXPECT_TRUE(IsIso8601(Body(first)["updated_at"].get<std::string>()));

  Json history = Body(c.Get("/api/session/" + session));
  ASSERT_EQ(history["messages"].size(), 2u);
  EXPECT_FALSE(history["messages"][0].contains("feedback"));
  EXPECT_EQ(history["messages"][1]["feedback"]["reason"], "incomplete");
  EXPECT_EQ(history["messages"][1]["feedback"]["comment"], "It does not say how long a refund takes.");
  const std::string md = c.Get("/api/session/" + session + "/export?format=md")->body;
  EXPECT_NE(md.find("Rated not helpful: incomplete — \"It does not say how long a refund takes.\""), std::string::npos) << md;
  const Json exported = Json::parse(c.Get("/api/session/" + session + "/export?format=json")->body);
  EXPECT_EQ(exported["messages"][1]["feedback"]["rating"], "down");

  // Idempotent per answer: the second vote replaces the first (no reason left over from it).
  auto second = vote({{"session_id", session}, {"message_id", answer}, {"rating", "up"}});
  ASSERT_EQ(second->status, 200) << second->body;
  history = Body(c.Get("/api/session/" + session));
  EXPECT_EQ(history["messages"][1]["feedback"], Json({{"rating", "up"}, {"updated_at", Body(second)["updated_at"]}}));

  const std::string question = history["messages"][0]["id"];
  ExpectEnvelope(vote({{"session_id", session}, {"message_id", question}, {"rating", "up"}}), 400, "VALIDATION_ERROR");
  ExpectEnvelope(vote({{"session_id", session}, {"message_id", NewUuidV4()}, {"rating", "up"}}), 404, "MESSAGE_NOT_FOUND");
  ExpectEnvelope(vote({{"session_id", NewUuidV4()}, {"message_id", answer}, {"rating", "up"}}), 404, "SESSION_NOT_FOUND");
  ExpectEnvelope(vote({{"session_id", session}, {"message_id", answer}, {"rating", "up"}, {"reason", "wrong"}}), 400,
                 "VALIDATION_ERROR");
  ExpectEnvelope(c.Post("/api/feedback", "rating=up", "application/x-www-form-urlencoded"), 415, "UNSUPPORTED_MEDIA_TYPE");
  ExpectEnvelope(c.Get("/api/feedback"), 405, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(Body(c.Get("/api/session/" + session))["messages"][1]["feedback"]["rating"], "up");
}

// GET /api/insights over HTTP: today's turns and a vote are counted, a declined question is a content gap with its
// nearest document; the range is checked; the gaps download as CSV.
TEST(Insights, TheReportCountsTodaysTurnsVotesAndGaps) {
  TestServer server;
  auto c = server.Client();
  const std::string session = NewUuidV4();
  auto answer = c.Post("/api/chat", ChatBody("What is your refund policy?", session), "application/json");
  ASSERT_EQ(answer->status, 200) << answer->body;
  c.Post("/api/chat", ChatBody("hello there", session), "application/json");
  auto declined = c.Post("/api/chat", ChatBody("Can I pay for the Enterprise plan in bitcoin?", session), "application/json");
  ASSERT_EQ(declined->status, 200);
  const bool wasDeclined = Body(declined)["logs"].back()["data"]["composer"] == "declined";
  auto vote = c.Post("/api/feedback",
                     Json{{"session_id", session}, {"message_id", answer->get_header_value("X-Message-Id")},
                          {"rating", "down"}, {"reason", "incomplete"}}.dump(),
                     "application/json");
  ASSERT_EQ(vote->status, 200) << vote->body;

  auto r = c.Get("/api/insights");
  ASSERT_EQ(r->status, 200) << r->body;
  const Json report = Body(r);
  EXPECT_EQ(report["days"].size(), 30u);  // the last 30 days by default, today last
  EXPECT_EQ(report["to"], NowIso8601().substr(0, 10));
  EXPECT_EQ(report["totals"]["questions"], 3);
  EXPECT_EQ(report["totals"]["small_talk"], 1);
  EXPECT_EQ(report["totals"]["thumbs_down"], 1);
  EXPECT_EQ(report["days"].back()["questions"], 3);
  EXPECT_TRUE(report["definitions"]["resolution_rate"].is_string());
  std::int64_t declinedInGaps = 0, downInGaps = 0;
  for (const Json& g : report["gaps"]) {
    declinedInGaps += g["declined"].get<std::int64_t>();
    downInGaps += g["thumbs_down"].get<std::int64_t>();
    ASSERT_FALSE(g["nearest"].is_null()) << g.dump();
  }
  EXPECT_EQ(declinedInGaps, wasDeclined ? 1 : 0);
  EXPECT_EQ(downInGaps, 1);

  auto csv = c.Get("/api/insights?format=csv");
  ASSERT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv->body.rfind("count,declined,thumbs_down,last_asked,example_1", 0), 0u) << csv->body;
  EXPECT_NE(csv->body.find("What is your refund policy?"), std::string::npos) << csv->body;

  ExpectEnvelope(c.Get("/api/insights?from=2026-02-30"), 400, "VALIDATION_ERROR");
  ExpectEnvelope(c.Get("/api/insights?from=9999-12-31&to=9999-12-31"), 400, "VALIDATION_ERROR");
  ExpectEnvelope(c.Get("/api/insights?from=2026-12-02&to=2026-12-01"), 400, "VALIDATION_ERROR");
  ExpectEnvelope(c.Get("/api/insights?from=2020-01-01&to=2026-01-01"), 400, "VALIDATION_ERROR");
  ExpectEnvelope(c.Get("/api/insights?format=xml"), 400, "VALIDATION_ERROR");
  ExpectEnvelope(c.Post("/api/insights", "{}", "application/json"), 405, "METHOD_NOT_ALLOWED");
  const Json one = Body(c.Get("/api/insights?from=2026-01-01&to=2026-01-01"));
  EXPECT_EQ(one["days"].size(), 1u);
  EXPECT_EQ(one["totals"]["questions"], 0);
}

TEST(Insights, CanBeTurnedOffOrLimitedToAToken) {
  TestServer off("", "", "", {}, 0, 32, {false, ""});
  ExpectEnvelope(off.Client().Get("/api/insights"), 404, "INSIGHTS_DISABLED");

  TestServer guarded("", "", "", {}, 0, 32, {true, "s3cret-token"});
  auto c = guarded.Client();
  auto none = c.Get("/api/insights");
  ExpectEnvelope(none, 401, "UNAUTHORIZED");
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer realm=\"insights\"");
  ExpectEnvelope(c.Get("/api/insights", {{"Authorization", "Bearer s3cret-tokeN"}}), 401, "UNAUTHORIZED");
  ExpectEnvelope(c.Get("/api/insights", {{"Authorization", "Basic s3cret-token"}}), 401, "UNAUTHORIZED");
  auto ok = c.Get("/api/insights", {{"Authorization", "Bearer s3cret-token"}});
  ASSERT_EQ(ok->status, 200) << ok->body;
  // The rest of the API needs no token.
  EXPECT_EQ(c.Get("/api/health")->status, 200);
}

TEST_F(ApiTest, InvalidChatRequestsAreRejectedWithTheFieldAndRule) {
  const std::string s = std::string("\"session_id\":\"") + kSession + "\"";
  const std::vector<BadChat> cases = {
      {"empty body", "", ""},
      {"not json", "hello", ""},
      {"truncated json", "{\"message\":\"hi\"", ""},
      {"array", "[]", ""},
      {"string", "\"hi\"", ""},
      {"null", "null", ""},
      {"number", "42", ""},
      {"missing message", "{" + s + "}", "message"},
      {"missing session", "{\"message\":\"hi\"}", "session_id"},
      {"empty object", "{}", "message"},
      {"message null", "{\"message\":null," + s + "}", "message"},
      {"message number", "{\"message\":5," + s + "}", "message"},
      {"message array", "{\"message\":[\"hi\"]," + s + "}", "message"},
      {"message object", "{\"message\":{\"text\":\"hi\"}," + s + "}", "message"},
      {"message bool", "{\"message\":true," + s + "}", "message"},
      {"message empty", "{\"message\":\"\"," + s + "}", "message"},
      {"message blank", "{\"message\":\"   \\n\\t \"," + s + "}", "message"},
      {"message too long", "{\"message\":\"" + std::string(2001, 'a') + "\"," + s + "}", "message"},
      {"message invalid utf8", "{\"message\":\"caf\xC3\"," + s + "}", ""},
      {"session number", "{\"message\":\"hi\",\"session_id\":12}", "session_id"},
      {"session empty", "{\"message\":\"hi\",\"session_id\":\"\"}", "session_id"},
      {"session malformed", "{\"message\":\"hi\",\"session_id\":\"1234\"}", "session_id"},
      {"session no dashes", "{\"message\":\"hi\",\"session_id\":\"6f1c2a3b4d5e4f608a7b9c0d1e2f3a4b\"}", "session_id"},
      {"session non hex", "{\"message\":\"hi\",\"session_id\":\"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4z\"}",
       "session_id"},
      {"session braces", "{\"message\":\"hi\",\"session_id\":\"{6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b}\"}",
       "session_id"},
      {"extra field", "{\"message\":\"hi\"," + s + ",\"admin\":true}", "admin"},
      {"nested garbage", "{\"message\":\"hi\"," + s + ",\"x\":{\"y\":[1,{\"z\":null}]}}", "x"},
  };
  auto c = s_server->Client();
  for (const BadChat& bad : cases) {
    auto r = c.Post("/api/chat", bad.body, "application/json");
    ASSERT_TRUE(r) << bad.name;
    EXPECT_EQ(r->status, 400) << bad.name << ": " << r->body;
    const Json j = Json::parse(r->body);
    EXPECT_EQ(j["error"]["code"], "VALIDATION_ERROR") << bad.name;
    if (bad.field[0]) {
      bool named = false;
      for (const auto& d : j["error"]["details"]) named |= d["field"] == bad.field;
      EXPECT_TRUE(named) << bad.name << ": " << r->body;
    }
  }
  EXPECT_GE(cases.size(), 25u);
}

TEST_F(ApiTest, TransportErrorsUseTheEnvelope) {
  auto c = s_server->Client();
  ExpectEnvelope(c.Get("/api/nothing-here"), 404, "NOT_FOUND");
  auto wrongMethod = c.Get("/api/chat");
  ExpectEnvelope(wrongMethod, 405, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(wrongMethod->get_header_value("Allow"), "POST");
  ExpectEnvelope(c.Post("/api/chat", ChatBody("hi"), "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
  ExpectEnvelope(c.Post("/api/chat", std::string(70 * 1024, 'x'), "application/json"), 413, "PAYLOAD_TOO_LARGE");
  // The server is still healthy afterwards.
  EXPECT_EQ(c.Get("/api/health")->status, 200);
}

TEST_F(ApiTest, RequestIdsAreEchoedWhenSaneAndReplacedOtherwise) {
  auto c = s_server->Client();
  auto echoed = c.Get("/api/health", {{"X-Request-Id", "trace-123_abc"}});
  EXPECT_EQ(echoed->get_header_value("X-Request-Id"), "trace-123_abc");
  auto replaced = c.Get("/api/health", {{"X-Request-Id", "bad id with spaces"}});
  EXPECT_NE(replaced->get_header_value("X-Request-Id"), "bad id with spaces");
  EXPECT_TRUE(IsUuid(replaced->get_header_value("X-Request-Id")));
}

TEST_F(ApiTest, AgentsListsTheRegistry) {
  auto r = s_server->Client().Get("/api/agents");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const Json j = Body(r);
  ASSERT_EQ(j.size(), 4u);
  EXPECT_EQ(j[0]["id"], "orchestrator");
  EXPECT_EQ(j[0]["color"], "#06B6D4");
  EXPECT_EQ(j[1]["strategy"], "pure_cag");
  EXPECT_EQ(j[2]["strategy"], "pure_rag");
}

// The document viewer's routes, over real HTTP: the listing, a whole document whose sections' offsets point into its
// content (the viewer highlights by them), the path as the id (escaped or not), and clear errors.
TEST_F(ApiTest, DocumentsAreListedAndEachCanBeReadWhole) {
  auto list = s_server->Client().Get("/api/documents");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  const Json docs = Body(list);
  ASSERT_GE(docs.size(), 40u);
  bool refunds = false;
  for (const Json& d : docs) {
    EXPECT_EQ(d["id"], d["path"]);
    EXPECT_FALSE(d["sections"].empty()) << d.dump();
    refunds |= d["id"] == "policy/refunds-and-cancellation.md";
  }
  EXPECT_TRUE(refunds);

  for (const char* path : {"/api/documents/policy/refunds-and-cancellation.md",
                           "/api/documents/policy%2Frefunds-and-cancellation.md"}) {
    auto r = s_server->Client().Get(path);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << path << ": " << r->body;
    const Json d = Body(r);
    EXPECT_EQ(d["id"], "policy/refunds-and-cancellation.md");
    EXPECT_EQ(d["domain"], "policy");
    const std::string content = d["content"];
    ASSERT_FALSE(d["chunks"].empty());
    for (const Json& c : d["chunks"]) {
      const auto start = c["start"].get<std::size_t>(), end = c["end"].get<std::size_t>();
      ASSERT_LE(start, end);
      ASSERT_LE(end, content.size());
      const std::string heading = c["heading"];
      const std::string last = heading.substr(heading.rfind(" > ") == std::string::npos ? 0 : heading.rfind(" > ") + 3);
      // The section's text starts right under its heading line.
      const std::size_t at = content.rfind(last, start);
      ASSERT_NE(at, std::string::npos) << heading;
      EXPECT_LE(start - at, last.size() + 2) << heading;
    }
  }
  auto missing = s_server->Client().Get("/api/documents/policy/no-such-thing.md");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Body(missing)["error"]["code"], "DOCUMENT_NOT_FOUND");
  auto post = s_server->Client().Post("/api/documents", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

class StaticTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_root = std::filesystem::temp_directory_path() / ("oai-static-" + std::to_string(::getpid()));
    std::filesystem::create_directories(m_root / "fonts");
    Write("index.html", "<!doctype html><title>t</title>");
    Write("app.wasm", std::string("\0asm\1\0\0\0", 8));
    Write("app.js", "console.log('plain')");
    Write("app.js.gz", "GZIPPED-BYTES");
    Write(".secret", "no");
    std::ofstream(m_root.parent_path() / "outside.txt") << "SECRET-OUTSIDE-CONTENT";
    m_server = std::make_unique<TestServer>(m_root.string());
  }
  void TearDown() override {
    m_server.reset();
    std::filesystem::remove_all(m_root);
    std::filesystem::remove(m_root.parent_path() / "outside.txt");
  }
  void Write(const std::string& name, const std::string& body) { std::ofstream(m_root / name, std::ios::binary) << body; }

  std::filesystem::path m_root;
  std::unique_ptr<TestServer> m_server;
};

TEST_F(StaticTest, ServesThePageWithTypesAndSecurityHeaders) {
  auto c = m_server->Client();
  auto index = c.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index->get_header_value("Content-Security-Policy").find("wasm-unsafe-eval"), std::string::npos);
  EXPECT_EQ(index->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(index->get_header_value("Cache-Control"), "no-cache");
  auto wasm = c.Get("/app.wasm");
  EXPECT_EQ(wasm->get_header_value("Content-Type"), "application/wasm");
  EXPECT_EQ(wasm->body.size(), 8u);
}

TEST_F(StaticTest, ServesPrecompressedWasmOnlyToClientsThatAcceptGzip) {
  Write("app.wasm.gz", "GZIPPED-WASM");
  auto c = m_server->Client();
  c.set_decompress(false);
  auto gz = c.Get("/app.wasm", {{"Accept-Encoding", "gzip, br"}});
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gz->body, "GZIPPED-WASM");
  EXPECT_EQ(gz->get_header_value("Content-Type"), "application/wasm");
  auto plain = c.Get("/app.wasm", {{"Accept-Encoding", "identity"}});
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  EXPECT_EQ(plain->body.size(), 8u);
}

TEST_F(StaticTest, AStaleSiblingIsNotServed) {
  // app.js.gz is older than app.js (a rebuilt file next to an old sibling): the file itself is served.
  std::filesystem::last_write_time(m_root / "app.js.gz",
                                   std::filesystem::last_write_time(m_root / "app.js") - std::chrono::hours(1));
  auto c = m_server->Client();  // decompresses what it receives, as a browser does
  auto js = c.Get("/app.js", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(js);
  EXPECT_EQ(js->body, "console.log('plain')");
}

TEST_F(StaticTest, TextIsServedGzippedNeverBrotliAndDecodesToTheFile) {
  std::string big;
  while (big.size() < 5000) big += "console.log('a line of the app');\n";
  Write("big.js", big);
  auto raw = m_server->Client();
  raw.set_decompress(false);
  // A browser offers br too; the server answers gzip (fast) for the file and for a JSON answer alike.
  auto js = raw.Get("/big.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(js);
  EXPECT_EQ(js->get_header_value("Content-Encoding"), "gzip");
  EXPECT_LT(js->body.size(), big.size() / 4);
  auto c = m_server->Client();
  auto decoded = c.Get("/big.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(decoded->body, big);
  auto plain = raw.Get("/big.js", {{"Accept-Encoding", "identity"}});
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  EXPECT_EQ(plain->body, big);
}

TEST_F(StaticTest, NeverServesFilesOutsideTheRootOrHiddenFiles) {
  auto c = m_server->Client();
  for (const char* path : {"/../outside.txt", "/%2e%2e/outside.txt", "/fonts/../../outside.txt", "/.secret",
                           "/fonts", "/missing.js", "/api/../../outside.txt"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path << ": " << r->body;
    EXPECT_EQ(r->body.find("SECRET-OUTSIDE-CONTENT"), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace oai::server
