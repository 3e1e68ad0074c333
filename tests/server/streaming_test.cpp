// Streaming, export, metrics, CORS and rate limiting over loopback.
#include <gtest/gtest.h>

#include <regex>

#include "model/validation.h"
#include "test_server.h"

namespace oai::server {
namespace {

using testing::TestServer;

struct Event {
  int id = 0;
  std::string name;
  Json data;
};

std::vector<Event> ParseSse(const std::string& body) {
  std::vector<Event> events;
  std::istringstream in(body);
  std::string line;
  Event e;
  while (std::getline(in, line)) {
    if (line.rfind("id: ", 0) == 0) e.id = std::stoi(line.substr(4));
    else if (line.rfind("event: ", 0) == 0) e.name = line.substr(7);
    else if (line.rfind("data: ", 0) == 0) e.data = Json::parse(line.substr(6));
    else if (line.empty() && !e.name.empty()) {
      events.push_back(e);
      e = Event{};
    }
  }
  return events;
}

std::string Body(const std::string& message, const std::string& session) {
  return Json{{"message", message}, {"session_id", session}}.dump();
}

TEST(Streaming, PostStreamSendsEachStepThenDoneWithIncreasingIds) {
  TestServer server;
  auto c = server.Client();
  const std::string session = "21a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b";
  auto r = c.Post("/api/chat/stream", Body("What are the API rate limits?", session), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/event-stream");
  const auto events = ParseSse(r->body);
  ASSERT_GE(events.size(), 6u);
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].id, static_cast<int>(i) + 1);
  EXPECT_EQ(events.front().name, "agent_status");
  EXPECT_EQ(events.front().data, (Json{{"agent", "orchestrator"}, {"status", "routing"}}));
  EXPECT_EQ(events.back().name, "done");
  // Logs are sent as each step finishes, before the answer is done; chunks add up to the answer.
  std::string streamed;
  std::size_t logs = 0;
  for (const auto& e : events) {
    if (e.name == "message_chunk") streamed += e.data["content"].get<std::string>();
    if (e.name == "retrieval_log") {
      ++logs;
      EXPECT_TRUE(ValidateRetrievalLog(e.data).empty()) << e.data.dump();
    }
  }
  const Json& done = events.back().data;
  EXPECT_EQ(streamed, done["message"]);
  EXPECT_EQ(done["logs"].size(), logs);
  EXPECT_EQ(done["agent"], "technical");
  EXPECT_TRUE(IsUuid(done["message_id"].get<std::string>()));
  // The streamed turn is stored like any other.
  const Json h = Json::parse(c.Get("/api/session/" + session)->body);
  ASSERT_EQ(h["messages"].size(), 2u);
  EXPECT_EQ(h["messages"][1]["id"], done["message_id"]);
}

TEST(Streaming, InitiatedStreamsCanBeResumedOnceWithLastEventId) {
  TestServer server;
  auto c = server.Client();
  auto created = c.Post("/api/chat/stream/initiate", Body("What is your refund policy?", "31a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b"),
                        "application/json");
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string id = Json::parse(created->body)["stream_id"];
  // A first connection that reads the events up to id 3 and drops.
  std::string partial;
  httplib::Client dropping("127.0.0.1", server.Port());
  dropping.Get(("/api/chat/stream/" + id).c_str(), [&](const char* data, std::size_t n) {
    partial.append(data, n);
    return ParseSse(partial).size() < 3;  // false = hang up
  });
  const auto seen = ParseSse(partial);
  ASSERT_GE(seen.size(), 3u);
  // The reconnect gets the rest and only the rest.
  auto rest = c.Get("/api/chat/stream/" + id, {{"Last-Event-ID", std::to_string(seen[2].id)}});
  ASSERT_EQ(rest->status, 200) << rest->body;
  const auto events = ParseSse(rest->body);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().id, 4);
  EXPECT_EQ(events.back().name, "done");
  // Once delivered to the end, the stream is gone.
  auto again = c.Get("/api/chat/stream/" + id);
  EXPECT_EQ(again->status, 404);
  EXPECT_EQ(Json::parse(again->body)["error"]["code"], "STREAM_NOT_FOUND");
}

TEST(Streaming, InvalidRequestsAndUnknownStreamsAreEnvelopes) {
  TestServer server;
  auto c = server.Client();
  EXPECT_EQ(c.Post("/api/chat/stream", R"({"message":""})", "application/json")->status, 400);
  EXPECT_EQ(c.Post("/api/chat/stream/initiate", "{}", "application/json")->status, 400);
  EXPECT_EQ(c.Post("/api/chat/stream", "{}", "text/plain")->status, 415);
  EXPECT_EQ(c.Get("/api/chat/stream/00000000-0000-4000-8000-000000000000")->status, 404);
}

TEST(Streaming, TheNumberOfOpenStreamsIsBounded) {
  TestServer server("", "", "", {}, 0, /*maxStreams=*/0);
  auto r = server.Client().Post("/api/chat/stream", Body("hi", "71a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b"), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(Json::parse(r->body)["error"]["code"], "TOO_MANY_STREAMS");
  EXPECT_EQ(r->get_header_value("Retry-After"), "1");
}

TEST(Export, MarkdownAndJsonTranscriptsCarryAgentsConfidenceMetricsAndSources) {
  TestServer server;
  auto c = server.Client();
  const std::string session = "41a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b";
  ASSERT_EQ(c.Post("/api/chat", Body("How much does the Pro plan cost per month?", session), "application/json")->status, 200);
  auto md = c.Get("/api/session/" + session + "/export?format=md");
  ASSERT_EQ(md->status, 200);
  EXPECT_EQ(md->get_header_value("Content-Type"), "text/markdown; charset=utf-8");
  EXPECT_NE(md->get_header_value("Content-Disposition").find("orchestratai-" + session + ".md"), std::string::npos);
  EXPECT_NE(md->body.find("## Billing Agent"), std::string::npos) << md->body;
  EXPECT_NE(md->body.find("% confident"), std::string::npos);
  EXPECT_NE(md->body.find("- [1] billing/pricing-plans.md"), std::string::npos) << md->body;
  auto json = c.Get("/api/session/" + session + "/export?format=json");
  ASSERT_EQ(json->status, 200);
  const Json j = Json::parse(json->body);
  ASSERT_EQ(j["messages"].size(), 2u);
  EXPECT_EQ(j["messages"][1]["agent"], "billing");
  EXPECT_TRUE(j["messages"][1].contains("metrics"));
  EXPECT_FALSE(j["messages"][1]["citations"].empty());
  EXPECT_EQ(c.Get("/api/session/" + session + "/export?format=pdf")->status, 400);
  EXPECT_EQ(c.Get("/api/session/51a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b/export")->status, 404);
}

TEST(Metrics, PrometheusTextCountsRequestsLatencyAndCache) {
  TestServer server;
  auto c = server.Client();
  c.Get("/api/health");
  c.Get("/api/health");
  c.Get("/api/nothing");
  const std::string session = "61a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b";
  c.Post("/api/chat", Body("What is your refund policy?", session), "application/json");
  c.Post("/api/chat", Body("What is your refund policy?", session), "application/json");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the access log runs after each response is sent
  auto r = c.Get("/metrics");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u);
  const std::string& m = r->body;
  EXPECT_NE(m.find(R"(orchestratai_requests_total{route="/api/health",method="GET",status="200"} 2)"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(orchestratai_requests_total{route="other",method="GET",status="404"} 1)"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(orchestratai_request_duration_seconds_count{route="/api/chat"} 2)"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(orchestratai_request_duration_seconds_bucket{route="/api/chat",le="+Inf"} 2)"), std::string::npos);
  EXPECT_NE(m.find("orchestratai_cache_hits_total 1"), std::string::npos) << m;
  EXPECT_NE(m.find("orchestratai_cache_misses_total 1"), std::string::npos) << m;
  EXPECT_NE(m.find("orchestratai_active_streams 0"), std::string::npos);
}

TEST(Cors, OnlyAllowlistedOriginsGetCorsHeaders) {
  TestServer server("", "", "", {"https://app.example"});
  auto c = server.Client();
  auto allowed = c.Get("/api/health", {{"Origin", "https://app.example"}});
  EXPECT_EQ(allowed->get_header_value("Access-Control-Allow-Origin"), "https://app.example");
  auto other = c.Get("/api/health", {{"Origin", "https://evil.example"}});
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
  auto preflight = c.Options("/api/chat", {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(preflight->status, 204);
  EXPECT_NE(preflight->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  auto refused = c.Options("/api/chat", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(Json::parse(refused->body)["error"]["code"], "CORS_FORBIDDEN");
}

TEST(RateLimit, AClientOverTheLimitGets429WithRetryAfter) {
  TestServer server("", "", "", {}, /*rateLimit=*/5);
  auto c = server.Client();
  int ok = 0, limited = 0;
  std::string retryAfter;
  for (int i = 0; i < 8; ++i) {
    auto r = c.Get("/api/health");
    if (r->status == 200) ++ok;
    if (r->status == 429) {
      ++limited;
      retryAfter = r->get_header_value("Retry-After");
      EXPECT_EQ(Json::parse(r->body)["error"]["code"], "RATE_LIMITED");
    }
  }
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(limited, 3);
  EXPECT_EQ(retryAfter, "12");  // one token every 60/5 = 12 s
  EXPECT_EQ(c.Get("/")->status, 404) << "static files are not rate limited";
}

TEST(RateLimiter, RefillsOverTime) {
  RateLimiter limiter(60);  // one a second
  const auto t0 = RateLimiter::Clock::time_point{};
  int retry = 0;
  for (int i = 0; i < 60; ++i) EXPECT_TRUE(limiter.Allow("a", t0, &retry));
  EXPECT_FALSE(limiter.Allow("a", t0, &retry));
  EXPECT_EQ(retry, 1);
  EXPECT_TRUE(limiter.Allow("b", t0, &retry)) << "addresses are limited separately";
  EXPECT_TRUE(limiter.Allow("a", t0 + std::chrono::seconds(1), &retry));
  EXPECT_FALSE(limiter.Allow("a", t0 + std::chrono::seconds(1), &retry));
}

// The table holds the clients of the last minute: 200,000 addresses seen over ten minutes leave only the last
// minute's behind, and a limited client stays limited (no table-wide reset lets it through early).
TEST(RateLimiter, ForgetsOnlyClientsWhoseBucketIsFullAgain) {
  RateLimiter limiter(6);  // one every 10 s
  const auto t0 = RateLimiter::Clock::time_point{};
  int retry = 0;
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(limiter.Allow("busy", t0, &retry));
  ASSERT_FALSE(limiter.Allow("busy", t0, &retry));
  for (int i = 0; i < 200000; ++i) {
    const auto at = t0 + std::chrono::milliseconds(i * 3);  // 600 s in all
    limiter.Allow("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), at, &retry);
    if (i == 1000) {
      EXPECT_FALSE(limiter.Allow("busy", at, &retry)) << "still limited 3 s later";
    }
  }
  const auto end = t0 + std::chrono::milliseconds(600000);
  EXPECT_LE(limiter.Tracked(), 20001u) << "one minute of clients at one per 3 ms";
  EXPECT_GE(limiter.Tracked(), 19999u);
  // A client idle for a minute gets a full bucket again, as a new one would.
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(limiter.Allow("busy", end, &retry));
  EXPECT_FALSE(limiter.Allow("busy", end, &retry));
  // A flood of distinct addresses within one second stays bounded.
  for (int i = 0; i < 150000; ++i) limiter.Allow("flood-" + std::to_string(i), end, &retry);
  EXPECT_EQ(limiter.Tracked(), RateLimiter::kMaxTracked);
}

}  // namespace
}  // namespace oai::server
