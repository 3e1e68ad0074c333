// The model's JSON: exact text of the contract's keys, optional keys only when set, and round trips T(json(x)) == x.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "../common/samples.h"

#include "model/model.h"
#include "model/validation.h"

namespace oai {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(OAI_TEST_DATA_DIR) + "/model/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ChatResponse SampleResponse() {
  ChatResponse r;
  r.message = "The Pro plan costs $49 per user per month [1].";
  r.agent = AgentId::Billing;
  r.confidence = 0.875;
  RetrievalLog routing;
  routing.id = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";
  routing.title = "Routed to Billing Agent";
  routing.data = testing_samples::Routing("billing", 0.875);
  routing.timestamp = "2026-11-24T10:00:00.000Z";
  routing.status = LogStatus::Success;
  RetrievalLog search;
  search.id = "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d";
  search.title = "Searched billing documents";
  search.data = testing_samples::Search();
  search.timestamp = "2026-11-24T10:00:00.004Z";
  search.status = LogStatus::Success;
  DocumentChunk chunk;
  chunk.id = 12;
  chunk.content = "The Pro plan costs $49 per user per month.";
  chunk.similarity = 0.5;
  chunk.source = "billing/pricing-and-plans.md";
  chunk.metadata = ChunkMetadata{"Plans > Pro", "Pricing plans", 120, 480, 7.5};
  search.chunks = std::vector<DocumentChunk>{chunk};
  r.logs = {routing, search};
  r.metrics = ChatMetrics{142, 0.000284, 3.25, CacheStatus::Miss};
  r.agent_status[AgentId::Orchestrator] = AgentStatus::Complete;
  r.agent_status[AgentId::Billing] = AgentStatus::Complete;
  return r;
}

TEST(ModelJson, ChatResponseHasExactlyTheContractText) {
  const std::string expected = ReadFixture("chat_response.json");
  ASSERT_FALSE(expected.empty()) << "fixture missing";
  EXPECT_EQ(Json(SampleResponse()).dump(2) + "\n", expected);
}

TEST(ModelJson, ChatResponseTopLevelKeysAreExactlyTheContract) {
  const Json j = SampleResponse();
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"agent", "agent_status", "confidence", "logs", "message", "metrics"}));
  EXPECT_EQ(j["metrics"].size(), 4u);
  EXPECT_EQ(j["agent_status"].dump(),
            R"({"billing":"complete","orchestrator":"complete","policy":"idle","technical":"idle"})");
}

TEST(ModelJson, OptionalKeysAppearOnlyWhenSet) {
  RetrievalLog log = SampleResponse().logs[0];
  EXPECT_FALSE(Json(log).contains("chunks"));
  DocumentChunk c;
  c.id = 1;
  c.source = "a.md";
  EXPECT_FALSE(Json(c).contains("metadata"));
  Message user;
  user.id = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";
  user.content = "hi";
  user.timestamp = "2026-11-24T10:00:00.000Z";
  EXPECT_EQ(Json(user).dump(),
            R"({"content":"hi","id":"6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f","role":"user","timestamp":"2026-11-24T10:00:00.000Z"})");
}

TEST(ModelJson, ChatResponseRoundTrips) {
  const ChatResponse r = SampleResponse();
  EXPECT_EQ(Json(r).get<ChatResponse>(), r);
  // And through text, through the strict client-side parser.
  auto parsed = ParseChatResponse(Json(r).dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().Summary();
  EXPECT_EQ(parsed.value(), r);
}

TEST(ModelJson, EveryTypeRoundTrips) {
  Agent a{AgentId::Policy, "Policy Agent", "extractive-bm25", Strategy::PureCag, "#A855F7", AgentStatus::Active, 10,
          0.5};
  EXPECT_EQ(Json(a).get<Agent>(), a);
  EXPECT_EQ(Json(a)["strategy"], "pure_cag");

  Message m;
  m.id = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";
  m.role = MessageRole::Assistant;
  m.content = "Héllo 价格 👋";
  m.timestamp = "2026-11-24T10:00:00.000Z";
  m.agent = AgentId::Technical;
  m.confidence = 0.5;
  m.metrics = ChatMetrics{1, 0.25, 2.5, CacheStatus::Hit};
  m.log_ids = {"a", "b"};
  EXPECT_EQ(Json(m).get<Message>(), m);

  ChatSession s{"6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f", "2026-11-24T10:00:00.000Z", "2026-11-24T10:01:00.000Z", 300,
                0.0125, 4};
  EXPECT_EQ(Json(s).get<ChatSession>(), s);
  EXPECT_EQ(Json(s).size(), 6u);

  SessionHistory h{s, {m}, SampleResponse().logs};
  EXPECT_EQ(Json(h).get<SessionHistory>(), h);

  ErrorResponse e{{"VALIDATION_ERROR", "message must not be empty", Json::array(), "2026-11-24T10:00:00.000Z",
                   "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"}};
  EXPECT_EQ(Json(e).get<ErrorResponse>(), e);
  EXPECT_TRUE(ParseErrorResponse(Json(e).dump()).ok());

  HealthStatus hs{"healthy", "0.1.0", "2026-11-24T10:00:00.000Z", "memory", true, 44, 300, "extractive", ""};
  EXPECT_EQ(Json(hs).get<HealthStatus>(), hs);
  EXPECT_EQ(Json(hs)["store"].dump(), R"({"kind":"memory","ok":true})");  // no pool: the key is absent
  HealthStatus pooled = hs;
  pooled.store_kind = "postgresql";
  pooled.store_pool = StorePool{64, 3, 2};
  EXPECT_EQ(Json(pooled).get<HealthStatus>(), pooled);
  EXPECT_EQ(Json(pooled)["store"]["pool"].dump(), R"({"idle":2,"open":3,"size":64})");

  SessionCreated sc{"6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f", "2026-11-24T10:00:00.000Z"};
  EXPECT_EQ(Json(sc).get<SessionCreated>(), sc);

  ChatRequest req{"hello", "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"};
  EXPECT_EQ(Json(req).get<ChatRequest>(), req);
}

TEST(ModelJson, StreamEventsHaveTheContractKeys) {
  EXPECT_EQ(Json(AgentStatusEvent{AgentId::Billing, AgentStatus::Active}).dump(),
            R"({"agent":"billing","status":"active"})");
  EXPECT_EQ(Json(MessageChunkEvent{"The Pro "}).dump(), R"({"content":"The Pro "})");
  EXPECT_EQ(Json(StreamErrorEvent{"SERVICE_UNAVAILABLE", "store down", true}).dump(),
            R"({"code":"SERVICE_UNAVAILABLE","message":"store down","retryable":true})");
  DoneEvent done{SampleResponse(), "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"};
  const Json j = done;
  EXPECT_EQ(j.size(), 7u);
  EXPECT_EQ(j["message_id"], "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f");
  EXPECT_EQ(j.get<DoneEvent>(), done);
}

TEST(ModelJson, EnumNamesParseBack) {
  for (AgentId id : kAllAgents) EXPECT_EQ(ParseAgentId(ToString(id)), id);
  for (auto t : {LogType::Routing, LogType::VectorSearch, LogType::Cache, LogType::Documents}) {
    EXPECT_EQ(ParseLogType(ToString(t)), t);
    EXPECT_EQ(Json(t).get<std::string>(), ToString(t));
  }
  EXPECT_EQ(ParseAgentId("Billing"), std::nullopt);  // wire names are lower case
  EXPECT_EQ(ParseStrategy("hybrid"), Strategy::Hybrid);
  EXPECT_STREQ(DisplayName(Strategy::PureRag), "Pure RAG");
}

}  // namespace
}  // namespace oai
