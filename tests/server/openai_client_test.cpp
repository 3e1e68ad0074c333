// The OpenAI-compatible client against a fake chat-completions server on loopback: streamed tokens and usage, plain
// JSON answers, HTTP errors, timeouts and unreachable endpoints; and the whole server answering through it, falling
// back to the extractive answer when the model fails.
#include "server/openai_client.h"

#include <gtest/gtest.h>

#include "model/validation.h"
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "test_server.h"

namespace oai::server {
namespace {

// A fake OpenAI-compatible server; `mode` picks its behaviour per test.
class FakeOpenAi {
 public:
  enum class Mode { Stream, Json, Error500, Unauthorized, Slow, Garbage };
  explicit FakeOpenAi(Mode mode) : m_mode(mode) {
    m_http.Http().Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
      lastBody = Json::parse(req.body);
      lastAuthorization = req.get_header_value("Authorization");
      switch (m_mode) {
        case Mode::Stream: {
          std::string sse;
          for (const char* piece : {"Limits ", "are per ", "plan [1]."}) {
            sse += "data: " + Json{{"choices", {{{"index", 0}, {"delta", {{"content", piece}}}}}}}.dump() + "\n\n";
          }
          sse += "data: " + Json{{"choices", Json::array()}, {"usage", {{"prompt_tokens", 321}, {"completion_tokens", 7}}}}.dump() + "\n\n";
          sse += "data: [DONE]\n\n";
          res.set_content(sse, "text/event-stream");
          break;
        }
        case Mode::Json:
          res.set_content(Json{{"choices", {{{"message", {{"role", "assistant"}, {"content", "Whole answer [1]."}}}}}},
                               {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 4}}}}.dump(),
                          "application/json");
          break;
        case Mode::Error500:
          res.status = 500;
          res.set_content(R"({"error":{"message":"model crashed"}})", "application/json");
          break;
        case Mode::Unauthorized:
          res.status = 401;
          res.set_content(R"({"error":{"message":"invalid api key"}})", "application/json");
          break;
        case Mode::Slow:
          std::this_thread::sleep_for(std::chrono::milliseconds(2500));
          res.set_content("data: [DONE]\n\n", "text/event-stream");
          break;
        case Mode::Garbage:
          res.set_content("data: this is not json\n\n", "text/event-stream");
          break;
      }
    });
    m_http.Start();
  }
  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(m_http.Port()) + "/v1"; }

  Json lastBody;
  std::string lastAuthorization;

 private:
  Mode m_mode;
  testing::LoopbackServer m_http;  // last: stops before the members its handler writes
};

engine::LlmRequest Request() {
  engine::LlmRequest r;
  r.messages = {{"system", "Answer from the passages."}, {"user", "What are the rate limits?"}};
  return r;
}

TEST(OpenAiClient, StreamsTokensInOrderAndReportsUsage) {
  FakeOpenAi fake(FakeOpenAi::Mode::Stream);
  OpenAiClient client({fake.BaseUrl(), "gpt-4o-mini", "secret-key"});
  std::vector<std::string> pieces;
  const auto r = client.Complete(Request(), [&](const std::string& p) { pieces.push_back(p); });
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(pieces, (std::vector<std::string>{"Limits ", "are per ", "plan [1]."}));
  EXPECT_EQ(r.text, "Limits are per plan [1].");
  EXPECT_TRUE(r.usageReported);
  EXPECT_EQ(r.promptTokens, 321);
  EXPECT_EQ(r.completionTokens, 7);
  EXPECT_EQ(fake.lastBody["model"], "gpt-4o-mini");
  EXPECT_EQ(fake.lastBody["stream"], true);
  EXPECT_EQ(fake.lastBody["messages"].size(), 2u);
  EXPECT_EQ(fake.lastAuthorization, "Bearer secret-key");
}

TEST(OpenAiClient, AcceptsAPlainJsonAnswer) {
  FakeOpenAi fake(FakeOpenAi::Mode::Json);
  OpenAiClient client({fake.BaseUrl(), "local-model", ""});
  std::string streamed;
  const auto r = client.Complete(Request(), [&](const std::string& p) { streamed += p; });
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.text, "Whole answer [1].");
  EXPECT_EQ(streamed, r.text);
  EXPECT_EQ(r.completionTokens, 4);
  EXPECT_TRUE(fake.lastAuthorization.empty());
}

TEST(OpenAiClient, ReportsHttpErrorsWithTheProvidersMessage) {
  FakeOpenAi crashed(FakeOpenAi::Mode::Error500);
  auto r = OpenAiClient({crashed.BaseUrl(), "m", ""}).Complete(Request(), nullptr);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "HTTP 500: model crashed");
  FakeOpenAi unauthorized(FakeOpenAi::Mode::Unauthorized);
  r = OpenAiClient({unauthorized.BaseUrl(), "m", "wrong"}).Complete(Request(), nullptr);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "HTTP 401: invalid api key");
}

TEST(OpenAiClient, TimesOutInsteadOfWaitingForever) {
  FakeOpenAi slow(FakeOpenAi::Mode::Slow);
  OpenAiConfig config{slow.BaseUrl(), "m", ""};
  config.readTimeoutSeconds = 1;
  const auto start = std::chrono::steady_clock::now();
  const auto r = OpenAiClient(config).Complete(Request(), nullptr);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "no answer within 1 s");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2400));
}

TEST(OpenAiClient, UnreachableEndpointsAndGarbageAreErrors) {
  const auto r = OpenAiClient({"http://127.0.0.1:1/v1", "m", ""}).Complete(Request(), nullptr);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("cannot reach http://127.0.0.1:1/v1"), std::string::npos) << r.error;
  FakeOpenAi garbage(FakeOpenAi::Mode::Garbage);
  const auto g = OpenAiClient({garbage.BaseUrl(), "m", ""}).Complete(Request(), nullptr);
  EXPECT_FALSE(g.ok);
  EXPECT_EQ(g.error, "the stream did not contain OpenAI chat-completion chunks");
}

TEST(OpenAiClient, RejectsUnusableConfiguration) {
  EXPECT_THROW(OpenAiClient({"ftp://x/v1", "m", ""}), std::invalid_argument);
  EXPECT_THROW(OpenAiClient({"http://127.0.0.1:9/v1", "", ""}), std::invalid_argument);
}

TEST(ServerWithLlm, AnswersWithTheModelAndFallsBackWhenItFails) {
  FakeOpenAi fake(FakeOpenAi::Mode::Stream);
  {
    testing::TestServer server("", fake.BaseUrl(), "gpt-4o-mini");
    auto c = server.Client();
    const Json health = Json::parse(c.Get("/api/health")->body);
    EXPECT_EQ(health["llm"]["kind"], "openai");
    EXPECT_EQ(health["llm"]["model"], "gpt-4o-mini");
    auto r = c.Post("/api/chat", R"({"message":"What are the API rate limits?","session_id":"11111111-2222-4333-8444-555555555555"})",
                    "application/json");
    ASSERT_EQ(r->status, 200) << r->body;
    const Json j = Json::parse(r->body);
    EXPECT_EQ(j["message"], "Limits are per plan [1].");
    EXPECT_GT(j["metrics"]["cost"].get<double>(), 0.0);  // 321 + 7 tokens at gpt-4o-mini prices
  }
  FakeOpenAi broken(FakeOpenAi::Mode::Error500);
  testing::TestServer server("", broken.BaseUrl(), "gpt-4o-mini");
  auto r = server.Client().Post(
      "/api/chat", R"({"message":"What are the API rate limits?","session_id":"11111111-2222-4333-8444-555555555556"})",
      "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  const Json j = Json::parse(r->body);
  EXPECT_NE(j["message"].get<std::string>().find("[1]"), std::string::npos);
  // The fallback is told in the documents log (the original client knows only four log types).
  bool warned = false;
  for (const auto& log : j["logs"]) {
    EXPECT_NE(log["type"], "llm");
    if (log["type"] == "documents") {
      warned = log["status"] == "warning" && log["data"]["composer"] == "extractive" &&
               log["data"]["llm_error"].get<std::string>().find("500") != std::string::npos;
    }
  }
  EXPECT_TRUE(warned) << j["logs"].dump();
  EXPECT_TRUE(ParseChatResponse(r->body).ok());
}

}  // namespace
}  // namespace oai::server
