// Whole turns through the engine over the shipped knowledge base: the right agent answers, from its own documents,
// with citations that point at the chunks it retrieved, and with measured (never invented) numbers.
#include "engine/engine.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "knowledge_files.h"

#include <regex>
#include <set>

#include "model/validation.h"

namespace oai::engine {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_engine = Engine::Create(ShippedEngineConfig()).release();
  }
  static void TearDownTestSuite() {
    delete s_engine;
    s_engine = nullptr;
  }
  static Engine* s_engine;
};
Engine* EngineTest::s_engine = nullptr;

const RetrievalLog* FindLog(const ChatResponse& r, LogType type) {
  for (const auto& l : r.logs) {
    if (l.Type() == type) return &l;
  }
  return nullptr;
}

TEST_F(EngineTest, LoadsTheShippedKnowledgeBase) {
  const EngineInfo info = s_engine->Info();
  EXPECT_GE(info.documents, 12);
  EXPECT_GT(info.chunks, info.documents);
  EXPECT_TRUE(info.warnings.empty());
}

TEST_F(EngineTest, BillingQuestionIsAnsweredByBillingFromBillingDocumentsWithCitations) {
  const ChatResponse r = s_engine->Answer({"How much does the Pro plan cost per month?", "s1", {}});
  EXPECT_EQ(r.agent, AgentId::Billing);
  EXPECT_GT(r.confidence, 0.5);
  const RetrievalLog* search = FindLog(r, LogType::VectorSearch);
  ASSERT_NE(search, nullptr);
  ASSERT_TRUE(search->chunks.has_value());
  ASSERT_FALSE(search->chunks->empty());
  for (const auto& c : *search->chunks) {
    EXPECT_EQ(c.source.rfind("billing/", 0), 0u) << c.source;
    EXPECT_GE(c.similarity, 0.0);
    EXPECT_LE(c.similarity, 1.0);
  }
  // Scores are ranked, best first.
  for (std::size_t i = 1; i < search->chunks->size(); ++i) {
    EXPECT_GE((*search->chunks)[i - 1].similarity, (*search->chunks)[i].similarity);
  }
  EXPECT_NE(r.message.find("$49"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("[1]"), std::string::npos) << r.message;
  const RetrievalLog* docs = FindLog(r, LogType::Documents);
  ASSERT_NE(docs, nullptr);
  const auto& citations = std::get<DocumentsData>(docs->data).citations;
  ASSERT_GE(citations.size(), 1u);
  EXPECT_EQ(citations[0].source, "billing/pricing-plans.md");
}

TEST_F(EngineTest, EveryCitationNumberInTheAnswerIsListedInTheDocumentsLog) {
  for (const char* q : {"What are the API rate limits?", "Can I get a refund on my annual plan?",
                        "How do I verify webhook signatures?"}) {
    const ChatResponse r = s_engine->Answer({q, "s2", {}});
    const RetrievalLog* docs = FindLog(r, LogType::Documents);
    ASSERT_NE(docs, nullptr) << q;
    const std::size_t listed = std::get<DocumentsData>(docs->data).citations.size();
    std::regex marker(R"(\[(\d+)\])");
    std::set<std::size_t> used;
    for (auto it = std::sregex_iterator(r.message.begin(), r.message.end(), marker); it != std::sregex_iterator(); ++it) {
      used.insert(std::stoul((*it)[1]));
    }
    ASSERT_FALSE(used.empty()) << q;
    EXPECT_EQ(*used.rbegin(), listed) << q;
    EXPECT_EQ(used.size(), listed) << q;
  }
}

TEST_F(EngineTest, RoutesEachDomainToItsAgent) {
  EXPECT_EQ(s_engine->Answer({"What are the API rate limits?", "s3", {}}).agent, AgentId::Technical);
  EXPECT_EQ(s_engine->Answer({"What is your refund policy?", "s3", {}}).agent, AgentId::Policy);
  EXPECT_EQ(s_engine->Answer({"Which payment methods do you accept?", "s3", {}}).agent, AgentId::Billing);
}

TEST_F(EngineTest, GreetingsStayWithTheOrchestratorWithoutRetrieval) {
  for (const char* q : {"hello", "thanks a lot!"}) {
    const ChatResponse r = s_engine->Answer({q, "s4", {}});
    EXPECT_EQ(r.agent, AgentId::Orchestrator) << q;
    EXPECT_EQ(FindLog(r, LogType::VectorSearch), nullptr) << q;
    EXPECT_EQ(r.agent_status[AgentId::Orchestrator], AgentStatus::Complete);
    EXPECT_EQ(r.agent_status[AgentId::Billing], AgentStatus::Idle);
  }
}

// Out of scope is decided on the evidence: the documents are searched, nothing covers the question, and the
// orchestrator declines without a citation, naming the nearest topics; confidence reflects the weak evidence.
TEST_F(EngineTest, AQuestionTheDocumentsDoNotCoverIsDeclinedWithoutACitation) {
  for (const char* q : {"tell me a joke about the weather", "Who won the football world cup in 1998?"}) {
    const ChatResponse r = s_engine->Answer({q, "s4", {}});
    EXPECT_EQ(r.agent, AgentId::Orchestrator) << q;
    EXPECT_NE(FindLog(r, LogType::VectorSearch), nullptr) << q;
    const RetrievalLog* docs = FindLog(r, LogType::Documents);
    ASSERT_NE(docs, nullptr) << q;
    const auto& step = std::get<DocumentsData>(docs->data);
    EXPECT_EQ(step.composer, "declined") << q;
    EXPECT_TRUE(step.citations.empty()) << q;
    ASSERT_TRUE(step.evidence && step.evidence_threshold);
    EXPECT_LT(*step.evidence, *step.evidence_threshold);
    EXPECT_EQ(r.message.find('['), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("couldn't find"), std::string::npos) << r.message;
    EXPECT_LT(r.confidence, 0.5) << q;
  }
}

// Every document is reachable from every turn: a question about a general guide is answered from it.
TEST_F(EngineTest, GeneralGuidesAreReachableFromASpecialistsTurn) {
  const ChatResponse r = s_engine->Answer({"Are there mobile apps for iPhone and Android?", "s4", {}});
  const RetrievalLog* docs = FindLog(r, LogType::Documents);
  ASSERT_NE(docs, nullptr);
  const auto& citations = std::get<DocumentsData>(docs->data).citations;
  ASSERT_FALSE(citations.empty()) << r.message;
  EXPECT_EQ(citations[0].source, "general/mobile-apps.md") << r.message;
}

// After an answer, up to three questions from the sections beside the cited ones; each is a question the assistant
// then answers from the documents (not declined), and a topic the customer already asked about is not suggested.
TEST_F(EngineTest, AnAnswerSuggestsQuestionsTheDocumentsAnswer) {
  const auto suggestions = [](const ChatResponse& r) {
    for (const RetrievalLog& l : r.logs)
      if (const auto* d = std::get_if<DocumentsData>(&l.data)) return d->suggestions.value_or(std::vector<std::string>{});
    return std::vector<std::string>{};
  };
  std::size_t total = 0;
  for (const char* q : {"What is your refund policy?", "How do I rotate my API key?", "How much does the Pro plan cost?",
                        "What are the API rate limits?"}) {
    const ChatResponse r = s_engine->Answer({q, "s-next", {}});
    const std::vector<std::string> next = suggestions(r);
    EXPECT_LE(next.size(), 3u) << q;
    total += next.size();
    for (const std::string& s : next) {
      EXPECT_NE(s, q);
      const ChatResponse follow = s_engine->Answer({s, "s-next-2", {}});
      const auto* docs = std::get_if<DocumentsData>(&follow.logs.back().data);
      ASSERT_NE(docs, nullptr) << s;
      EXPECT_NE(docs->composer, "declined") << q << " suggested \"" << s << "\", which is declined";
      EXPECT_FALSE(docs->citations.empty()) << s;
    }
  }
  EXPECT_GE(total, 6u) << "most answers suggest something";
  // A greeting suggests nothing; a topic already asked about is left out.
  EXPECT_TRUE(suggestions(s_engine->Answer({"hello", "s-next", {}})).empty());
  const std::vector<std::string> first = suggestions(s_engine->Answer({"What is your refund policy?", "s-next-3", {}}));
  ASSERT_FALSE(first.empty());
  Message earlier{"m1", MessageRole::User, first.front(), "2026-12-01T10:00:00.000Z"};
  const std::vector<std::string> again =
      suggestions(s_engine->Answer({"What is your refund policy?", "s-next-3", {earlier}}));
  EXPECT_EQ(std::count(again.begin(), again.end(), first.front()), 0) << first.front();
}

TEST_F(EngineTest, RoutingLogExplainsTheDecision) {
  const ChatResponse r = s_engine->Answer({"Is this plan refundable?", "s5", {}});
  const RetrievalLog* routing = FindLog(r, LogType::Routing);
  ASSERT_NE(routing, nullptr);
  const auto& data = std::get<RoutingData>(routing->data);
  EXPECT_EQ(data.intent, "policy");
  EXPECT_EQ(data.agent, AgentId::Policy);
  EXPECT_DOUBLE_EQ(data.confidence, r.confidence);
  ASSERT_FALSE(data.reasons.empty());
  bool refundable = false;
  for (const auto& reason : data.reasons) refundable |= reason.term == "refundable";
  EXPECT_TRUE(refundable) << Json(data).dump();
}

TEST_F(EngineTest, ResponsesPassTheStrictClientValidation) {
  const ChatResponse r = s_engine->Answer({"How long do OAuth access tokens last?", "s6", {}});
  const auto errors = ValidateChatResponse(Json(r));
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors[0].message);
  EXPECT_GT(r.metrics.latency, 0.0);
  EXPECT_GT(r.metrics.tokensUsed, 0);
  EXPECT_EQ(r.metrics.cost, 0.0);  // the built-in extractive composer is priced at $0 in the pricing table
}

TEST_F(EngineTest, ObserverSeesStepsInOrderAndTheAnswerInChunks) {
  std::vector<std::string> events;
  std::string streamed;
  TurnObserver observer;
  observer.onAgentStatus = [&](AgentId a, AgentStatus s) { events.push_back(std::string(ToString(a)) + ":" + ToString(s)); };
  observer.onLog = [&](const RetrievalLog& l, const std::string*) { events.push_back(std::string("log:") + ToString(l.Type())); };
  observer.onMessageChunk = [&](const std::string& c) { streamed += c; };
  const ChatResponse r = s_engine->Answer({"What are the API rate limits?", "s7", {}}, &observer);
  const std::vector<std::string> expected = {"orchestrator:routing", "log:routing",   "orchestrator:complete",
                                             "technical:active",      "log:vector_search", "log:documents",         "technical:complete"};
  EXPECT_EQ(events, expected);
  EXPECT_EQ(streamed, r.message);
  EXPECT_EQ(r.metrics.cache_status, CacheStatus::None) << "Pure RAG does not use the cache";
}

TEST_F(EngineTest, AgentTotalsAccumulateForTheAnsweringAgent) {
  const auto before = s_engine->Agents();
  const ChatResponse r = s_engine->Answer({"How do I add seats to my subscription?", "s8", {}});
  const auto after = s_engine->Agents();
  ASSERT_EQ(after.size(), 4u);
  const auto i = static_cast<std::size_t>(r.agent);
  EXPECT_EQ(after[i].tokensUsed - before[i].tokensUsed, r.metrics.tokensUsed);
  EXPECT_EQ(after[i].color, std::string("#10B981"));
  EXPECT_EQ(after[i].status, AgentStatus::Complete);
}

TEST(EngineCreate, RejectsAnEmptyKnowledgeBaseWithOneClearLine) {
  EngineConfig config;
  config.routerExamplesTsv = "intent\ttext\na\tx\nb\ty\n";
  try {
    Engine::Create(config);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "the knowledge base has no documents");
  }
  config.documents = {{"x/empty.md", "   "}};
  EXPECT_THROW(Engine::Create(config), std::invalid_argument);
}

}  // namespace
}  // namespace oai::engine

namespace oai::engine {
namespace {

EngineConfig ShippedConfig() { return ShippedEngineConfig(); }

const RetrievalLog* LogOf(const ChatResponse& r, LogType type) {
  for (const auto& l : r.logs) {
    if (l.Type() == type) return &l;
  }
  return nullptr;
}

TEST(EngineCache, PureCagAnswersTheSameQuestionFromTheCacheTheSecondTime) {
  auto engine = Engine::Create(ShippedConfig());
  const ChatResponse first = engine->Answer({"What is your refund policy for annual plans?", "c1", {}});
  EXPECT_EQ(first.agent, AgentId::Policy);
  EXPECT_EQ(first.metrics.cache_status, CacheStatus::Miss);
  ASSERT_NE(LogOf(first, LogType::VectorSearch), nullptr);

  const ChatResponse second = engine->Answer({"Refund policy for annual plans?", "c2", {}});
  EXPECT_EQ(second.metrics.cache_status, CacheStatus::Hit);
  EXPECT_EQ(second.message, first.message);
  EXPECT_EQ(LogOf(second, LogType::VectorSearch), nullptr) << "a hit skips retrieval";
  const RetrievalLog* cache = LogOf(second, LogType::Cache);
  ASSERT_NE(cache, nullptr);
  const auto& data = std::get<CacheData>(cache->data);
  EXPECT_TRUE(data.hit);
  EXPECT_EQ(data.similarity, 1.0);
  EXPECT_EQ(data.matched_question, "What is your refund policy for annual plans?");
  EXPECT_GT(data.saved_tokens.value_or(0), 0);
  EXPECT_LT(second.metrics.tokensUsed, first.metrics.tokensUsed);
  EXPECT_EQ(engine->CacheStatistics().hits, 1u);
  ASSERT_NE(LogOf(second, LogType::Documents), nullptr);
  EXPECT_EQ(std::get<DocumentsData>(LogOf(second, LogType::Documents)->data).citations,
            std::get<DocumentsData>(LogOf(first, LogType::Documents)->data).citations);
  EXPECT_EQ(std::get<DocumentsData>(LogOf(second, LogType::Documents)->data).composer, "cache");
}

TEST(EngineFollowUps, AShortFollowUpIsReadWithThePreviousQuestion) {
  auto engine = Engine::Create(ShippedConfig());
  Message previous;
  previous.role = MessageRole::User;
  previous.content = "How much does the Starter plan cost?";
  const ChatResponse r = engine->Answer({"and for the annual plan?", "f1", {previous}});
  EXPECT_EQ(r.agent, AgentId::Billing);
  const RetrievalLog* routing = LogOf(r, LogType::Routing);
  ASSERT_NE(routing, nullptr);
  const auto& followUp = std::get<RoutingData>(routing->data).follow_up;
  ASSERT_TRUE(followUp.has_value());
  EXPECT_EQ(followUp->previous_question, previous.content);
  EXPECT_NE(r.message.find("$150"), std::string::npos) << r.message;
}

// A greeting or thanks after a question is a reply of its own: the orchestrator answers it, no passage is retrieved.
TEST(EngineFollowUps, SmallTalkAfterAQuestionIsNotReadAsAFollowUp) {
  auto engine = Engine::Create(ShippedConfig());
  Message previous;
  previous.role = MessageRole::User;
  previous.content = "How much does the Pro plan cost per month?";
  for (const char* reply : {"Hi there!", "thanks!"}) {
    const ChatResponse r = engine->Answer({reply, "f2", {previous}});
    EXPECT_EQ(r.agent, AgentId::Orchestrator) << reply << ": " << r.message;
    EXPECT_EQ(LogOf(r, LogType::Documents), nullptr) << reply;
    const RetrievalLog* routing = LogOf(r, LogType::Routing);
    ASSERT_NE(routing, nullptr);
    const auto& followUp = std::get<RoutingData>(routing->data).follow_up;
    ASSERT_TRUE(followUp.has_value());
    EXPECT_FALSE(followUp->applied) << reply;
  }
}

TEST(EngineHybrid, AQuestionMixingTwoDomainsSearchesBothAndTheBestPassageAnswers) {
  // Documents and examples that teach "invoice" as billing and "api" as technical equally well: a question with both
  // is mixed, and both specialists search.
  EngineConfig config;
  config.documents = {{"billing/invoice.md", "# Invoice\nThe invoice is here.\n"},
                      {"technical/api.md", "# API\nThe api is here.\n"},
                      {"policy/refund.md", "# Refund\nThe refund is here.\n"}};
  config.routerExamplesTsv =
      "intent\ttext\nbilling\tinvoice\nbilling\tprice\ntechnical\tapi\ntechnical\tsdk\npolicy\trefund\n"
      "policy\tterms\ngreeting\thi\ngreeting\thello\n";
  auto engine = Engine::Create(std::move(config));
  std::vector<std::string> statuses;
  TurnObserver observer;
  observer.onAgentStatus = [&](AgentId a, AgentStatus s) { statuses.push_back(std::string(ToString(a)) + ":" + ToString(s)); };
  const ChatResponse r = engine->Answer({"api invoice", "h1", {}}, &observer);
  const RetrievalLog* routing = LogOf(r, LogType::Routing);
  ASSERT_NE(routing, nullptr);
  EXPECT_EQ(std::get<RoutingData>(routing->data).strategy, Strategy::Hybrid);
  EXPECT_EQ(std::get<RoutingData>(routing->data).specialists.size(), 2u);
  // One search over all documents with both specialists' domains preferred.
  std::vector<const RetrievalLog*> searches;
  for (const auto& l : r.logs) {
    if (l.Type() == LogType::VectorSearch) searches.push_back(&l);
  }
  ASSERT_EQ(searches.size(), 1u);
  const std::string domains = std::get<SearchData>(searches[0]->data).domain;
  EXPECT_NE(domains.find("billing"), std::string::npos) << domains;
  EXPECT_NE(domains.find("technical"), std::string::npos) << domains;
  // The answer comes from an agent whose documents held the best passage (ties go to the earlier chunk).
  double best = -1;
  for (const auto* s : searches) {
    for (const auto& c : *s->chunks) best = std::max(best, c.similarity);
  }
  bool answererHasBest = false;
  for (const auto* s : searches) {
    for (const auto& c : *s->chunks) {
      answererHasBest |= c.similarity == best && c.source.substr(0, c.source.find('/')) == ToString(r.agent);
    }
  }
  EXPECT_TRUE(answererHasBest) << ToString(r.agent);
  EXPECT_EQ(r.agent_status[AgentId::Billing], AgentStatus::Complete);
  EXPECT_EQ(r.agent_status[AgentId::Technical], AgentStatus::Complete);
  EXPECT_EQ(r.agent_status[AgentId::Policy], AgentStatus::Idle);
}

class FakeLlm : public LlmClient {
 public:
  std::string model = "gpt-4o-mini";
  LlmResult result;
  std::vector<std::string> pieces;
  LlmRequest lastRequest;
  std::string Model() const override { return model; }
  std::string Endpoint() const override { return "http://fake/v1"; }
  LlmResult Complete(const LlmRequest& request, const std::function<void(const std::string&)>& onToken) override {
    lastRequest = request;
    for (const auto& p : pieces) onToken(p);
    return result;
  }
};

TEST(EngineLlm, StreamsTheModelsTokensPricesReportedUsageAndRenumbersCitations) {
  auto llm = std::make_shared<FakeLlm>();
  llm->pieces = {"Limits depend on the plan ", "[2]. Pro allows 1,000 requests per minute [2][1]."};
  llm->result.ok = true;
  llm->result.text = "Limits depend on the plan [2]. Pro allows 1,000 requests per minute [2][1].";
  llm->result.usageReported = true;
  llm->result.promptTokens = 1000;
  llm->result.completionTokens = 100;
  EngineConfig config = ShippedConfig();
  config.llm = llm;
  auto engine = Engine::Create(std::move(config));
  Message earlier;
  earlier.role = MessageRole::User;
  earlier.content = "Hello";
  std::string streamed;
  TurnObserver observer;
  observer.onMessageChunk = [&](const std::string& c) { streamed += c; };
  const ChatResponse r = engine->Answer({"What are the API rate limits on the Pro plan?", "l1", {earlier}}, &observer);
  EXPECT_EQ(streamed, llm->result.text);
  EXPECT_EQ(r.message, "Limits depend on the plan [1]. Pro allows 1,000 requests per minute [1][2].");
  // 1000 prompt tokens at $0.00015/1k + 100 completion tokens at $0.0006/1k.
  EXPECT_NEAR(r.metrics.cost, 0.00015 + 0.00006, 1e-12);
  ASSERT_GE(llm->lastRequest.messages.size(), 3u);
  EXPECT_EQ(llm->lastRequest.messages.front().role, "system");
  EXPECT_NE(llm->lastRequest.messages.front().content.find("[1]"), std::string::npos);
  EXPECT_EQ(llm->lastRequest.messages[1].content, "Hello");
  EXPECT_EQ(llm->lastRequest.messages.back().content, "What are the API rate limits on the Pro plan?");
  const RetrievalLog* docs = LogOf(r, LogType::Documents);
  ASSERT_NE(docs, nullptr);
  const auto& step = std::get<DocumentsData>(docs->data);
  EXPECT_EQ(step.citations.size(), 2u);
  EXPECT_EQ(step.composer, "llm");
  EXPECT_EQ(step.prompt_tokens, 1000);
  EXPECT_FALSE(step.tokens_estimated);
  EXPECT_EQ(engine->Agents()[2].model, "gpt-4o-mini");
}

TEST(EngineLlm, AFailingModelFallsBackToTheExtractiveAnswerWithAWarning) {
  auto llm = std::make_shared<FakeLlm>();
  llm->result.ok = false;
  llm->result.error = "timed out after 30 s";
  EngineConfig config = ShippedConfig();
  config.llm = llm;
  auto engine = Engine::Create(std::move(config));
  const ChatResponse r = engine->Answer({"What are the API rate limits?", "l2", {}});
  EXPECT_NE(r.message.find("[1]"), std::string::npos) << r.message;
  const RetrievalLog* docs = LogOf(r, LogType::Documents);
  ASSERT_NE(docs, nullptr);
  EXPECT_EQ(docs->status, LogStatus::Warning);
  const auto& step = std::get<DocumentsData>(docs->data);
  EXPECT_EQ(step.composer, "extractive");
  EXPECT_EQ(step.llm_error, "timed out after 30 s");
  EXPECT_EQ(step.endpoint, "http://fake/v1");
}

TEST(EngineAccounting, AModelMissingFromThePricingTableIsAWarningNotASilentZero) {
  auto llm = std::make_shared<FakeLlm>();
  llm->model = "mystery-model-9000";
  llm->result.ok = true;
  llm->result.text = "The limits are per plan [1].";
  EngineConfig config = ShippedConfig();
  config.llm = llm;
  auto engine = Engine::Create(std::move(config));
  const ChatResponse r = engine->Answer({"What are the API rate limits?", "p1", {}});
  const RetrievalLog* docs = LogOf(r, LogType::Documents);
  ASSERT_NE(docs, nullptr);
  EXPECT_EQ(docs->status, LogStatus::Warning);
  const auto& step = std::get<DocumentsData>(docs->data);
  EXPECT_EQ(step.model, "mystery-model-9000");
  ASSERT_EQ(step.warnings.size(), 1u);
  EXPECT_NE(step.warnings[0].find("mystery-model-9000"), std::string::npos);
  EXPECT_GT(r.metrics.tokensUsed, 0);
}

}  // namespace
}  // namespace oai::engine
