// ApiClient over a fake transport replaying recorded responses: strict parsing of answers and the failure classes
// (network, timeout, validation with the server's message, not found, rate limited, server, invalid response).
#include <gtest/gtest.h>

#include "app/ports/api_client.h"
#include "fakes.h"

namespace oai::app {
namespace {

using testing::FakeTransport;
using testing::JsonResponse;
using testing::ReadFixture;

class ApiClientTest : public ::testing::Test {
 protected:
  ApiResult<ChatAnswer> PostChat(const std::string& message = "How much is Pro?") {
    std::optional<ApiResult<ChatAnswer>> result;
    client.PostChat(ChatRequest{message, "3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12"},
                    [&](ApiResult<ChatAnswer> r) { result = std::move(r); });
    EXPECT_TRUE(result.has_value());
    return std::move(*result);
  }

  FakeTransport transport;
  ApiClient client{&transport, ""};
};

TEST_F(ApiClientTest, PostsTheRequestAsJsonToSameOrigin) {
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
  PostChat("How much is Pro?");
  ASSERT_EQ(transport.requests.size(), 1u);
  const HttpRequest& req = transport.requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "/api/chat");
  EXPECT_EQ(Json::parse(req.body), Json({{"message", "How much is Pro?"},
                                         {"session_id", "3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12"}}));
  bool jsonType = false;
  for (const auto& [k, v] : req.headers) jsonType |= k == "Content-Type" && v == "application/json";
  EXPECT_TRUE(jsonType);
  EXPECT_EQ(req.timeoutMs, 30000);
}

TEST_F(ApiClientTest, BaseUrlIsPrefixedWithoutDoubleSlash) {
  ApiClient remote(&transport, "http://127.0.0.1:8080/");
  remote.GetHealth([](ApiResult<HealthStatus>) {});
  ASSERT_EQ(transport.requests.size(), 1u);
  EXPECT_EQ(transport.requests[0].url, "http://127.0.0.1:8080/api/health");
}

TEST_F(ApiClientTest, ValidResponseIsParsed) {
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
  auto r = PostChat();
  ASSERT_TRUE(r.ok()) << r.error.detail;
  EXPECT_EQ(r.value->response.agent, AgentId::Billing);
  EXPECT_EQ(r.value->response.logs.size(), 4u);
  ASSERT_TRUE(r.value->response.logs[2].chunks.has_value());
  EXPECT_EQ((*r.value->response.logs[2].chunks)[0].source, "billing/pricing.md");
  EXPECT_EQ(r.value->response.metrics.cache_status, CacheStatus::Miss);
}

TEST_F(ApiClientTest, ResponseWithAnExtraKeyIsRejected) {
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_extra_key.json")));
  auto r = PostChat();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.kind, ApiErrorKind::InvalidResponse);
  EXPECT_FALSE(r.error.retryable);
  EXPECT_NE(r.error.detail.find("message_id"), std::string::npos) << r.error.detail;
}

TEST_F(ApiClientTest, MalformedJsonIsAnInvalidResponse) {
  transport.On("POST /api/chat", JsonResponse(200, "<html>oops</html>"));
  auto r = PostChat();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.kind, ApiErrorKind::InvalidResponse);
}

TEST_F(ApiClientTest, ServerErrorIsRetryable) {
  transport.On("POST /api/chat", JsonResponse(500, ReadFixture("error_500.json")));
  auto r = PostChat();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.kind, ApiErrorKind::Server);
  EXPECT_EQ(r.error.status, 500);
  EXPECT_TRUE(r.error.retryable);
  EXPECT_NE(r.error.message.find("500"), std::string::npos) << r.error.message;
  EXPECT_EQ(r.error.code, "INTERNAL_ERROR");
}

TEST_F(ApiClientTest, ServerErrorWithoutEnvelopeIsStillClassified) {
  transport.On("POST /api/chat", JsonResponse(502, "Bad Gateway"));
  auto r = PostChat();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.kind, ApiErrorKind::Server);
  EXPECT_TRUE(r.error.retryable);
}

TEST_F(ApiClientTest, NetworkErrorIsRetryable) {
  transport.On("POST /api/chat", testing::NetworkError("connection refused"));
  auto r = PostChat();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.kind, ApiErrorKind::Network);
  EXPECT_TRUE(r.error.retryable);
  EXPECT_EQ(r.error.message, "Can't reach the server. Check your connection and try again.");
}

TEST_F(ApiClientTest, TimeoutIsItsOwnClass) {
  transport.On("POST /api/chat", testing::NetworkError("request timed out after 30000 ms"));
  auto r = PostChat();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.kind, ApiErrorKind::Timeout);
  EXPECT_TRUE(r.error.retryable);
}

TEST_F(ApiClientTest, ValidationErrorSurfacesTheServersMessage) {
  transport.On("POST /api/chat", JsonResponse(400, ReadFixture("error_400.json")));
  auto r = PostChat();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.kind, ApiErrorKind::Validation);
  EXPECT_EQ(r.error.message, "message must be at most 2000 characters (got 2001)");
  EXPECT_EQ(r.error.code, "VALIDATION_ERROR");
  EXPECT_EQ(r.error.requestId, "0b7e2f4c-1d2a-4c3b-9e8f-7a6b5c4d3e2f");
  EXPECT_FALSE(r.error.retryable);
}

TEST_F(ApiClientTest, RateLimitHonoursRetryAfter) {
  transport.On("POST /api/chat", JsonResponse(429, ReadFixture("error_500.json"), {{"retry-after", "7"}}));
  auto r = PostChat();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.kind, ApiErrorKind::RateLimited);
  EXPECT_EQ(r.error.retryAfterSeconds, 7);
  EXPECT_TRUE(r.error.retryable);
  EXPECT_NE(r.error.message.find("7 s"), std::string::npos) << r.error.message;
}

TEST_F(ApiClientTest, UnknownSessionIsNotFound) {
  std::optional<ApiResult<SessionHistory>> result;
  client.GetSession("3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12", [&](ApiResult<SessionHistory> r) { result = r; });
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error.kind, ApiErrorKind::NotFound);
  EXPECT_FALSE(result->error.retryable);
  EXPECT_EQ(transport.requests[0].url, "/api/session/3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12");
}

TEST_F(ApiClientTest, SessionHistoryIsParsed) {
  transport.On("GET /api/session/3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12",
               JsonResponse(200, ReadFixture("session_history.json")));
  std::optional<ApiResult<SessionHistory>> result;
  client.GetSession("3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12", [&](ApiResult<SessionHistory> r) { result = r; });
  ASSERT_TRUE(result.has_value() && result->ok()) << result->error.detail;
  EXPECT_EQ(result->value->messages.size(), 2u);
  EXPECT_EQ(result->value->logs.size(), 1u);
}

TEST_F(ApiClientTest, SessionHistoryWithAnInvalidLogIsRejected) {
  Json history = Json::parse(ReadFixture("session_history.json"));
  history["logs"][0]["id"] = "not-a-uuid";
  transport.On("GET /api/session/s", JsonResponse(200, history.dump()));
  std::optional<ApiResult<SessionHistory>> result;
  client.GetSession("s", [&](ApiResult<SessionHistory> r) { result = r; });
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error.kind, ApiErrorKind::InvalidResponse);
}

TEST_F(ApiClientTest, HealthIsParsedAndDegradedCountsAsAnAnswer) {
  transport.On("GET /api/health", JsonResponse(200, ReadFixture("health.json")));
  std::optional<ApiResult<HealthStatus>> result;
  client.GetHealth([&](ApiResult<HealthStatus> r) { result = r; });
  ASSERT_TRUE(result.has_value() && result->ok()) << result->error.detail;
  EXPECT_EQ(result->value->store_kind, "sqlite");
  EXPECT_EQ(result->value->documents, 42);

  Json degraded = Json::parse(ReadFixture("health.json"));
  degraded["status"] = "degraded";
  degraded["store"]["ok"] = false;
  transport.On("GET /api/health", JsonResponse(503, degraded.dump()));
  client.GetHealth([&](ApiResult<HealthStatus> r) { result = r; });
  ASSERT_TRUE(result->ok()) << result->error.detail;
  EXPECT_EQ(result->value->status, "degraded");
  EXPECT_FALSE(result->value->store_ok);
}

// [SECTION] Streaming (POST /api/chat/stream)

std::string Sse(int id, const std::string& name, const std::string& data) { return FormatSse({id, name, data}); }

HttpResponse EventStream(std::string body) {
  HttpResponse r;
  r.status = 200;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", "text/event-stream");
  return r;
}

// The done event: the answer (as POST /api/chat gives it) and the stored message's id.
std::string DoneData() {
  Json j = Json::parse(ReadFixture("chat_response_billing.json"));
  j["message_id"] = "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b";
  return j.dump();
}

struct Streamed {
  std::vector<std::string> seen;  // "status:billing:active", "log:<id>", "chunk:<text>"
  std::optional<ApiResult<ChatAnswer>> done;
};

Streamed Stream(ApiClient& client) {
  Streamed out;
  ChatStreamHandlers h;
  h.onStatus = [&](AgentStatusEvent e) { out.seen.push_back(std::string("status:") + ToString(e.agent) + ":" + ToString(e.status)); };
  h.onLog = [&](RetrievalLog l) { out.seen.push_back("log:" + l.id); };
  h.onChunk = [&](std::string t) { out.seen.push_back("chunk:" + t); };
  h.onDone = [&](ApiResult<ChatAnswer> r) {
    EXPECT_FALSE(out.done.has_value()) << "onDone runs once";
    out.done = std::move(r);
  };
  client.StreamChat(ChatRequest{"How much is Pro?", "3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12"}, std::move(h));
  return out;
}

TEST_F(ApiClientTest, AStreamedTurnReportsEachStepThenTheValidatedAnswer) {
  const Json log = Json::parse(ReadFixture("chat_response_billing.json"))["logs"][0];
  transport.On("POST /api/chat/stream",
               EventStream(Sse(1, "agent_status", R"({"agent":"billing","status":"active"})") +
                           Sse(2, "retrieval_log", log.dump()) + Sse(3, "message_chunk", R"({"content":"Pro is "})") +
                           Sse(4, "message_chunk", R"({"content":"$49 [1]."})") + Sse(5, "done", DoneData())));
  const Streamed s = Stream(client);
  ASSERT_EQ(transport.requests.size(), 1u);
  EXPECT_EQ(Json::parse(transport.requests[0].body)["message"], "How much is Pro?");
  const std::vector<std::string> expected = {"status:billing:active", "log:" + log["id"].get<std::string>(),
                                             "chunk:Pro is ", "chunk:$49 [1]."};
  EXPECT_EQ(s.seen, expected);
  ASSERT_TRUE(s.done && s.done->ok()) << (s.done ? s.done->error.detail : "no answer");
  EXPECT_EQ(s.done->value->response.agent, AgentId::Billing);
  EXPECT_EQ(s.done->value->messageId, "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b");  // what a vote on it names
}

TEST_F(ApiClientTest, APlainAnswerCarriesTheIdTheServerStoredItUnder) {
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json"),
                                              {{"x-message-id", "5F8E2A1C-3B4D-4E6F-8A9B-0C1D2E3F4A5B"}}));
  EXPECT_EQ(PostChat().value->messageId, "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b");
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json"), {{"X-Message-Id", "nope"}}));
  EXPECT_EQ(PostChat().value->messageId, "");  // an answer still, but one nobody can vote on
}

TEST_F(ApiClientTest, AVoteIsPostedAsJsonAndTheStoredVoteComesBack) {
  const FeedbackRecord stored{"3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12", "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b",
                              Feedback{"down", "wrong", std::nullopt, "2026-12-02T10:00:00.000Z"}};
  transport.On("POST /api/feedback", JsonResponse(200, Json(stored).dump()));
  std::optional<ApiResult<FeedbackRecord>> result;
  client.PostFeedback(FeedbackRequest{stored.session_id, stored.message_id, "down", "wrong", std::nullopt},
                      [&](ApiResult<FeedbackRecord> r) { result = std::move(r); });
  ASSERT_TRUE(result && result->ok());
  EXPECT_EQ(*result->value, stored);
  EXPECT_EQ(Json::parse(transport.requests.back().body),
            Json({{"session_id", stored.session_id}, {"message_id", stored.message_id}, {"rating", "down"}, {"reason", "wrong"}}));
  transport.On("POST /api/feedback", JsonResponse(404, R"({"error":{"code":"MESSAGE_NOT_FOUND","message":"no message",)"
                                                       R"("timestamp":"2026-11-24T10:00:00.000Z","requestId":"r"}})"));
  client.PostFeedback(FeedbackRequest{stored.session_id, stored.message_id, "up", std::nullopt, std::nullopt},
                      [&](ApiResult<FeedbackRecord> r) { result = std::move(r); });
  ASSERT_TRUE(result && !result->ok());
  EXPECT_FALSE(result->error.message.empty());
}

TEST_F(ApiClientTest, AStreamThatCannotBeOpenedFallsBackToOnePlainRequest) {
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
  const Streamed s = Stream(client);  // the fake has no stream route: 404
  ASSERT_EQ(transport.requests.size(), 2u);
  EXPECT_EQ(transport.requests[0].url, "/api/chat/stream");
  EXPECT_EQ(transport.requests[1].url, "/api/chat");
  ASSERT_TRUE(s.done && s.done->ok());
  EXPECT_EQ(s.done->value->response.agent, AgentId::Billing);
}

TEST_F(ApiClientTest, AStreamErrorIsTheServersMessageAndABrokenStreamIsRetryable) {
  transport.On("POST /api/chat/stream",
               EventStream(Sse(1, "agent_status", R"({"agent":"orchestrator","status":"routing"})") +
                           Sse(2, "stream_error", R"({"code":"STORE_UNAVAILABLE","message":"the session store is unavailable; retry shortly","retryable":true})")));
  Streamed s = Stream(client);
  ASSERT_TRUE(s.done && !s.done->ok());
  EXPECT_EQ(s.done->error.code, "STORE_UNAVAILABLE");
  EXPECT_EQ(s.done->error.message, "The session store is unavailable; retry shortly.");
  EXPECT_TRUE(s.done->error.retryable);

  transport.On("POST /api/chat/stream", EventStream(Sse(1, "message_chunk", R"({"content":"Pro is "})")));
  s = Stream(client);
  ASSERT_TRUE(s.done && !s.done->ok());
  EXPECT_TRUE(s.done->error.retryable);
  EXPECT_EQ(transport.RequestsTo("POST", "/api/chat").size(), 0u) << "a stream that started is not sent again";
}

TEST_F(ApiClientTest, AStreamedAnswerIsValidatedLikeAPlainOne) {
  Json extra = Json::parse(DoneData());
  extra["surprise"] = 1;
  transport.On("POST /api/chat/stream", EventStream(Sse(1, "done", extra.dump())));
  const Streamed s = Stream(client);
  ASSERT_TRUE(s.done && !s.done->ok());
  EXPECT_EQ(s.done->error.kind, ApiErrorKind::InvalidResponse);
}

}  // namespace
}  // namespace oai::app
