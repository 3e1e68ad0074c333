// The orchestration engine: one turn is routing (routing.cpp), then either the orchestrator's own answer or the
// specialists' retrieval (retrieval.cpp: cache first for Pure CAG, then search) and composition (compose_*.cpp,
// extractive or LLM with extractive fallback), with tokens, cost and measured latency accounted at every step
// (turn.cpp). Each step is reported as it finishes.
#include "engine/engine.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include "engine/chunking.h"
#include "engine/compose.h"
#include "engine/retrieval.h"
#include "engine/router.h"
#include "engine/routing.h"
#include "engine/text.h"
#include "model/agents.h"

namespace oai::engine {

namespace {

class OrchestrationEngine final : public Engine {
 public:
  explicit OrchestrationEngine(EngineConfig config) : m_cache(config.cache), m_llm(config.llm) {
    for (const auto& doc : config.documents) {
      std::string problem;
      std::vector<Chunk> chunks = ChunkMarkdown(doc, &problem);
      if (chunks.empty()) {
        m_info.warnings.push_back(doc.path + ": skipped (" + problem + ")");
        continue;
      }
      ++m_info.documents;
      for (auto& c : chunks) {
        c.id = static_cast<std::int64_t>(m_corpus.chunks.size()) + 1;
        m_corpus.chunks.push_back(std::move(c));
      }
    }
    if (m_corpus.chunks.empty()) throw std::invalid_argument("the knowledge base has no usable documents");
    if (!m_cache) m_cache = std::make_shared<MemoryResponseCache>();
    m_corpus.index.Build(m_corpus.chunks);
    std::vector<BackgroundText> background;
    for (const Chunk& c : m_corpus.chunks) {
      if (IsSpecialistIntent(c.domain)) background.push_back({c.domain, c.headingPath + "\n" + c.text});
    }
    m_router.Train(config.routerExamplesTsv, background);
    m_info.chunks = static_cast<std::int64_t>(m_corpus.chunks.size());
    m_info.llmKind = m_llm ? "openai" : "extractive";
    m_info.llmModel = m_llm ? m_llm->Model() : kExtractiveModel;
    m_info.routerExamples = static_cast<std::int64_t>(m_router.ExampleCount());
    m_info.routerTemperature = m_router.Temperature();
    m_info.routerCvAccuracy = m_router.CrossValidatedAccuracy();
    m_info.cacheKind = m_cache->Kind();
    const std::string llmModel = m_llm ? m_llm->Model() : std::string();
    for (const AgentSpec& spec : kAgentRegistry) {
      const bool usesLlm = m_llm && spec.id != AgentId::Orchestrator;
      m_agents.push_back(MakeAgent(spec.id, usesLlm ? llmModel.c_str() : nullptr));
    }
  }

  ChatResponse Answer(const TurnInput& input, const TurnObserver* observer) override {
    const auto turnStart = Clock::now();
    Turn turn{input, observer, {}};
    Routing routing = RouteTurn(turn, m_router);
    std::string answer;
    CacheStatus cacheStatus = CacheStatus::None;
    if (routing.agent == AgentId::Orchestrator) {
      answer = OrchestratorAnswer(routing.intent);
      turn.Account(kExtractiveModel, 0, EstimateTokens(answer), nullptr);
      for (const auto& s : SplitSentences(answer)) turn.Chunk(s + " ");
    } else {
      answer = RunSpecialists(turn, routing, &cacheStatus);
    }
    turn.response.message = answer;
    turn.response.agent = routing.agent;
    turn.response.confidence = std::clamp(routing.confidence, 0.0, 1.0);
    turn.response.metrics.tokensUsed = turn.tokens;
    turn.response.metrics.cost = turn.cost;
    turn.response.metrics.cache_status = cacheStatus;
    turn.response.metrics.latency = MsSince(turnStart);

    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto& a : m_agents) a.status = turn.response.agent_status[a.id];
    Agent& answered = m_agents[static_cast<std::size_t>(routing.agent)];
    answered.tokensUsed += turn.tokens;
    answered.cost += turn.cost;
    return turn.response;
  }

  std::vector<Agent> Agents() const override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_agents;
  }
  EngineInfo Info() const override { return m_info; }
  CacheStats CacheStatistics() const override { return m_cache->Stats(); }
  std::size_t HistoryMessagesNeeded() const override { return m_llm ? kHistoryMessagesUsed : 2; }

 private:
  // Retrieval and composition for the routed specialists; returns the answer.
  std::string RunSpecialists(Turn& turn, Routing& routing, CacheStatus* cacheStatus) {
    for (AgentId a : routing.specialists) turn.Status(a, AgentStatus::Active);
    auto finish = [&](const std::string& answer) {
      for (AgentId a : routing.specialists) turn.Status(a, AgentStatus::Complete);
      return answer;
    };

    // Pure CAG: the cache first. Follow-ups are not cached: their meaning depends on the turn before.
    const bool cag = routing.strategy == Strategy::PureCag && routing.retrievalQuery == turn.input.question;
    const std::string cacheKey = CacheKey(turn.input.question);
    if (cag && !cacheKey.empty()) {
      std::optional<CacheLookup> hit = LookupCache(turn, *m_cache, routing.agent, cacheKey);
      *cacheStatus = hit ? CacheStatus::Hit : CacheStatus::Miss;
      if (hit) {
        DocumentsData docs;
        docs.citations = hit->entry.citations;
        docs.composer = "cache";
        docs.model = SpecOf(routing.agent).model;
        docs.tokens_estimated = false;
        const std::size_t n = docs.citations.size();
        turn.Log(std::to_string(n) + (n == 1 ? " source cited" : " sources cited") + " (from the cache)",
                 std::move(docs));
        turn.Chunk(hit->entry.answer);
        return finish(hit->entry.answer);
      }
    }

    const auto workStart = Clock::now();
    const auto tokensBefore = turn.tokens;
    const double costBefore = turn.cost;
    std::vector<SearchHit> hits = SearchKnowledge(turn, m_corpus, routing);
    if (routing.strategy == Strategy::Hybrid && !hits.empty()) {
      routing.agent = SpecialistForDomain(m_corpus.chunks[hits.front().chunk].domain).value_or(routing.specialists[0]);
    }
    if (hits.empty()) {
      const std::string answer = std::string("I could not find anything about that in the ") +
                                 SpecOf(routing.agent).domain +
                                 " documents. Could you rephrase the question, or name the feature or plan it is about?";
      turn.Account(kExtractiveModel, EstimateTokens(turn.input.question), EstimateTokens(answer), nullptr);
      turn.Chunk(answer);
      return finish(answer);
    }
    if (hits.size() > kContextChunks) hits.resize(kContextChunks);

    Composition composition;
    std::string llmError;
    if (m_llm) composition = ComposeWithLlm(turn, m_corpus, hits, *m_llm, &llmError);
    if (composition.answer.empty()) {
      composition = ComposeExtractive(turn, m_corpus, hits);
      if (!llmError.empty()) {
        composition.step.llm_error = llmError;
        composition.step.endpoint = m_llm->Endpoint();
      }
    }
    DocumentsData& docs = composition.step;
    for (std::size_t i = 0; i < composition.cited.size(); ++i) {
      const SearchHit& h = hits[composition.cited[i]];
      const Chunk& c = m_corpus.chunks[h.chunk];
      docs.citations.push_back({static_cast<std::int64_t>(i + 1), c.document, c.title, c.headingPath, c.id,
                                h.similarity});
    }
    const std::size_t n = docs.citations.size();
    std::string title = std::to_string(n) + (n == 1 ? " source cited" : " sources cited");
    if (docs.llm_error) title += " (LLM unavailable: answered extractively)";
    const LogStatus status = docs.llm_error || !docs.warnings.empty() ? LogStatus::Warning : LogStatus::Success;
    const std::vector<Citation> citations = docs.citations;
    turn.Log(std::move(title), std::move(docs), status);

    if (cag) {
      CachedAnswer entry;
      entry.query = turn.input.question;
      entry.answer = composition.answer;
      entry.confidence = routing.confidence;
      entry.citations = citations;
      for (const SearchHit& h : hits) entry.chunks.push_back(m_corpus.ToDocumentChunk(h));
      entry.tokens = turn.tokens - tokensBefore;
      entry.cost = turn.cost - costBefore;
      entry.latencyMs = MsSince(workStart);
      m_cache->Store(ToString(routing.agent), cacheKey, entry);
    }
    return finish(composition.answer);
  }

  // Greetings, thanks, questions about the assistant and out-of-scope questions, answered from what the engine
  // actually has (its agents and knowledge base), not from canned numbers.
  std::string OrchestratorAnswer(const std::string& intent) const {
    const std::string agents =
        "the Billing Agent (plans, prices, invoices and payments), the Technical Agent (the API, SDKs, webhooks and "
        "troubleshooting) and the Policy Agent (terms, privacy, refunds and the SLA)";
    if (intent == "greeting") {
      return "Hello! I'm OrchestratAI, the Nimbus Desk support assistant. Ask me about billing, the API or our "
             "policies: I route each question to " + agents + ", and answer from the knowledge base with the sources "
             "cited.";
    }
    if (intent == "thanks") {
      return "You're welcome! If anything else comes up about billing, the API or our policies, just ask.";
    }
    if (intent == "about") {
      return "I'm OrchestratAI, a customer-service assistant that shows its work. An orchestrator reads each question "
             "and routes it to " + agents + "; when a question mixes topics, two agents search together. The agent "
             "searches " + std::to_string(m_info.documents) + " documents (" + std::to_string(m_info.chunks) +
             " passages) and answers with numbered citations. The retrieval log shows the routing decision and its "
             "reasons, the passages found with their scores, cache hits and the cost of every step.";
    }
    return "I'm sorry, that is outside what I can help with. I answer questions about Nimbus Desk: billing, the API "
           "and technical topics, and our policies, through " + agents + ".";
  }

  Corpus m_corpus;
  IntentRouter m_router;
  std::shared_ptr<ResponseCache> m_cache;
  std::shared_ptr<LlmClient> m_llm;
  EngineInfo m_info;
  mutable std::mutex m_mutex;
  std::vector<Agent> m_agents;
};

}  // namespace

std::unique_ptr<Engine> Engine::Create(EngineConfig config) {
  if (config.documents.empty()) throw std::invalid_argument("the knowledge base has no documents");
  if (config.routerExamplesTsv.empty()) throw std::invalid_argument("the router examples file is empty");
  return std::make_unique<OrchestrationEngine>(std::move(config));
}

}  // namespace oai::engine
