// The orchestration engine: routes each question (with the session's recent turns for follow-ups), runs the agent's
// strategy (Pure CAG: cache, then retrieval in its own documents; Pure RAG: retrieval; hybrid: both specialists,
// merged), composes a cited answer (extractive, or an LLM when configured, falling back to extractive), and accounts
// for tokens, cost and measured latency at every step. Each step is reported as it finishes.
//
// Index
//   [SECTION] Registry and pricing
//   [SECTION] Turn bookkeeping
//   [SECTION] Engine: routing
//   [SECTION] Engine: retrieval and composition
//   [SECTION] Engine: orchestrator answers
//   [SECTION] Loading
#include "engine/engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>

#include "engine/chunking.h"
#include "engine/lexical_index.h"
#include "engine/router.h"
#include "engine/text.h"
#include "model/ids.h"

namespace oai::engine {

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Registry and pricing
// ---------------------------------------------------------------------------------------------------------------------

// Tokens are estimated as one per 4 bytes of text, rounded up: the usual rule of thumb for English with BPE
// tokenizers. A provider's reported usage replaces the estimate when an LLM answers.
std::int64_t EstimateTokens(std::string_view text) { return static_cast<std::int64_t>((text.size() + 3) / 4); }

// US dollars per 1,000 tokens (prompt, completion). The router and the extractive composer run locally and cost
// nothing. A model missing from the table is reported in the log, never priced at a silent $0.
struct Price {
  double promptPer1k;
  double completionPer1k;
};
const std::map<std::string, Price>& PricingTable() {
  static const std::map<std::string, Price> table = {
      {"router-nb-v1", {0.0, 0.0}},         {"extractive-v1", {0.0, 0.0}},
      {"gpt-4o-mini", {0.00015, 0.0006}},   {"gpt-4o", {0.0025, 0.01}},
      {"gpt-4.1-mini", {0.0004, 0.0016}},   {"gpt-3.5-turbo", {0.0005, 0.0015}},
      {"llama3.1:8b", {0.0, 0.0}},          {"qwen2.5:7b", {0.0, 0.0}},
  };
  return table;
}

constexpr const char* kRouterModel = "router-nb-v1";
constexpr const char* kComposerModel = "extractive-v1";
constexpr std::size_t kTopK = 5;
constexpr std::size_t kContextChunks = 3;
constexpr std::size_t kMaxAnswerSentences = 4;
constexpr double kHybridBelowConfidence = 0.5;
constexpr double kHybridMargin = 0.2;
// "Hi there!" or "thanks!" after a question is a complete reply on its own, not a follow-up to read with the question.
constexpr double kSmallTalkConfidence = 0.6;

struct AgentInfo {
  AgentId id;
  Strategy strategy;
  const char* color;
  const char* domain;
};
const std::vector<AgentInfo>& Registry() {
  static const std::vector<AgentInfo> agents = {
      {AgentId::Orchestrator, Strategy::Orchestration, "#06B6D4", "general"},
      {AgentId::Billing, Strategy::PureCag, "#10B981", "billing"},
      {AgentId::Technical, Strategy::PureRag, "#3B82F6", "technical"},
      {AgentId::Policy, Strategy::PureCag, "#A855F7", "policy"},
  };
  return agents;
}
const AgentInfo& InfoFor(AgentId id) { return Registry()[static_cast<std::size_t>(id)]; }

bool IsSpecialistIntent(const std::string& intent) {
  return intent == "billing" || intent == "technical" || intent == "policy";
}
bool IsSmallTalkIntent(const std::string& intent) { return intent == "greeting" || intent == "thanks" || intent == "about"; }
AgentId AgentForIntent(const std::string& intent) {
  if (intent == "billing") return AgentId::Billing;
  if (intent == "technical") return AgentId::Technical;
  if (intent == "policy") return AgentId::Policy;
  return AgentId::Orchestrator;
}
AgentId AgentForDomain(const std::string& domain) {
  for (const auto& a : Registry()) {
    if (domain == a.domain && a.id != AgentId::Orchestrator) return a.id;
  }
  return AgentId::Orchestrator;
}

std::string Snippet(const std::string& text, std::size_t max = 320) {
  if (text.size() <= max) return text;
  std::size_t cut = text.rfind(' ', max);
  if (cut == std::string::npos || cut < max / 2) cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // never split a character
  return text.substr(0, cut) + "…";
}

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Turn bookkeeping
// ---------------------------------------------------------------------------------------------------------------------

// One turn in progress: the response being built and the observer that sees each step as it finishes.
struct Turn {
  const TurnInput& input;
  const TurnObserver* observer;
  ChatResponse response;
  std::int64_t tokens = 0;
  double cost = 0.0;

  void Status(AgentId id, AgentStatus s) {
    response.agent_status[id] = s;
    if (observer && observer->onAgentStatus) observer->onAgentStatus(id, s);
  }
  void Log(RetrievalLog log) {
    log.id = NewUuidV4();
    log.timestamp = NowIso8601();
    if (observer && observer->onLog) observer->onLog(log);
    response.logs.push_back(std::move(log));
  }
  void Chunk(const std::string& text) {
    if (observer && observer->onMessageChunk) observer->onMessageChunk(text);
  }
  // Prices one step and adds it to the turn; an unknown model becomes a warning log.
  double Account(const std::string& model, std::int64_t promptTokens, std::int64_t completionTokens) {
    tokens += promptTokens + completionTokens;
    auto price = PricingTable().find(model);
    if (price == PricingTable().end()) {
      RetrievalLog log;
      log.type = LogType::Error;
      log.status = LogStatus::Warning;
      log.title = "No price for model " + model;
      log.data = {{"model", model},
                  {"prompt_tokens", promptTokens},
                  {"completion_tokens", completionTokens},
                  {"message", "cost not counted: the model is missing from the pricing table"}};
      Log(std::move(log));
      return 0.0;
    }
    const double c = (static_cast<double>(promptTokens) * price->second.promptPer1k +
                      static_cast<double>(completionTokens) * price->second.completionPer1k) / 1000.0;
    cost += c;
    return c;
  }
};

struct Routing {
  std::string intent;
  double confidence = 0.0;
  AgentId agent = AgentId::Orchestrator;
  Strategy strategy = Strategy::Orchestration;
  std::vector<AgentId> specialists;  // who retrieves: one, or two on the hybrid path
  std::string retrievalQuery;        // the question, plus the previous one for a follow-up
};

// Follow-ups only make sense with the turn before: "and for the annual plan?", "what about Go?", "how long does that
// take?". Recognized by their opening words or by being short with a pronoun standing for something said before.
bool LooksLikeFollowUp(const std::string& question) {
  const std::vector<std::string> words = Tokenize(question);
  if (words.empty()) return false;
  static const std::set<std::string> pronouns = {"it", "that", "this", "they", "them", "those", "these", "one", "there"};
  const bool opener = words[0] == "and" || words[0] == "also" || words[0] == "but" || words[0] == "or" ||
                      (words.size() > 1 && (words[0] == "what" || words[0] == "how") && words[1] == "about");
  bool pronoun = false;
  for (const auto& w : words) pronoun |= pronouns.count(w) > 0;
  return opener || (words.size() <= 7 && pronoun) || words.size() <= 3;
}

const Message* PreviousUserMessage(const std::vector<Message>& history) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->role == MessageRole::User) return &*it;
  }
  return nullptr;
}

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
        c.id = static_cast<std::int64_t>(m_chunks.size()) + 1;
        m_chunks.push_back(std::move(c));
      }
    }
    if (m_chunks.empty()) throw std::invalid_argument("the knowledge base has no usable documents");
    if (!m_cache) m_cache = std::make_shared<MemoryResponseCache>();
    m_index.Build(m_chunks);
    std::vector<BackgroundText> background;
    for (const Chunk& c : m_chunks) {
      if (IsSpecialistIntent(c.domain)) background.push_back({c.domain, c.headingPath + "\n" + c.text});
    }
    m_router.Train(config.routerExamplesTsv, background);
    m_info.chunks = static_cast<std::int64_t>(m_chunks.size());
    m_info.llmKind = m_llm ? "openai" : "extractive";
    m_info.llmModel = m_llm ? m_llm->Model() : kComposerModel;
    m_info.routerExamples = static_cast<std::int64_t>(m_router.ExampleCount());
    m_info.routerTemperature = m_router.Temperature();
    m_info.routerCvAccuracy = m_router.CrossValidatedAccuracy();
    m_info.cacheKind = m_cache->Kind();
    for (const auto& a : Registry()) {
      Agent agent;
      agent.id = a.id;
      agent.name = DisplayName(a.id);
      agent.model = a.id == AgentId::Orchestrator ? kRouterModel : (m_llm ? m_llm->Model() : kComposerModel);
      agent.strategy = a.strategy;
      agent.color = a.color;
      m_agents.push_back(agent);
    }
  }

  ChatResponse Answer(const TurnInput& input, const TurnObserver* observer) override {
    const auto turnStart = Clock::now();
    Turn turn{input, observer, {}};
    Routing routing = Route(turn);
    std::string answer;
    CacheStatus cacheStatus = CacheStatus::None;
    if (routing.agent == AgentId::Orchestrator) {
      answer = OrchestratorAnswer(routing.intent);
      turn.Account(kComposerModel, 0, EstimateTokens(answer));
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
  // -------------------------------------------------------------------------------------------------------------------
  // [SECTION] Engine: routing
  // -------------------------------------------------------------------------------------------------------------------

  Routing Route(Turn& turn) {
    const auto start = Clock::now();
    turn.Status(AgentId::Orchestrator, AgentStatus::Routing);
    const std::string& question = turn.input.question;
    RouteDecision decision = m_router.Classify(question);
    Routing r;
    r.retrievalQuery = question;
    Json followUp = nullptr;
    // A follow-up is read together with the previous question; the combined reading wins when it is more confident
    // about a specialist than the question alone.
    if (const Message* previous = PreviousUserMessage(turn.input.history); previous && LooksLikeFollowUp(question)) {
      RouteDecision combined = m_router.Classify(previous->content + " " + question);
      const IntentScore& alone = decision.ranked.front();
      const bool smallTalk = IsSmallTalkIntent(alone.intent) && alone.probability >= kSmallTalkConfidence;
      const bool better = !smallTalk && IsSpecialistIntent(combined.ranked.front().intent) &&
                          (combined.ranked.front().probability > alone.probability || !IsSpecialistIntent(alone.intent));
      followUp = {{"previous_question", previous->content}, {"applied", better}};
      if (better) {
        decision = std::move(combined);
        r.retrievalQuery = question + " " + previous->content;
      }
    }
    const IntentScore& top = decision.ranked.front();
    r.intent = top.intent;
    r.confidence = top.probability;
    r.agent = AgentForIntent(top.intent);
    r.strategy = InfoFor(r.agent).strategy;
    if (r.agent != AgentId::Orchestrator) r.specialists = {r.agent};
    // Mixed or unsure: the two most likely specialists both search, and the best passage decides who answers.
    if (r.agent != AgentId::Orchestrator && decision.ranked.size() > 1) {
      const IntentScore* second = nullptr;
      for (std::size_t i = 1; i < decision.ranked.size() && !second; ++i) {
        if (IsSpecialistIntent(decision.ranked[i].intent)) second = &decision.ranked[i];
      }
      if (second && (top.probability < kHybridBelowConfidence || top.probability - second->probability < kHybridMargin)) {
        r.strategy = Strategy::Hybrid;
        r.specialists.push_back(AgentForIntent(second->intent));
      }
    }
    const double ms = MsSince(start);
    RetrievalLog log;
    log.type = LogType::Routing;
    log.title = r.strategy == Strategy::Hybrid
                    ? std::string("Hybrid: ") + DisplayName(r.specialists[0]) + " + " + DisplayName(r.specialists[1])
                    : std::string("Routed to ") + DisplayName(r.agent);
    Json reasons = Json::array();
    for (const auto& [term, weight] : decision.reasons) reasons.push_back({{"term", term}, {"weight", weight}});
    Json alternatives = Json::array();
    for (std::size_t i = 1; i < decision.ranked.size() && i < 3; ++i) {
      alternatives.push_back({{"intent", decision.ranked[i].intent}, {"probability", decision.ranked[i].probability}});
    }
    Json specialists = Json::array();
    for (AgentId a : r.specialists) specialists.push_back(ToString(a));
    const std::int64_t routerTokens = EstimateTokens(question);
    log.data = {{"intent", r.intent},
                {"confidence", r.confidence},
                {"agent", ToString(r.agent)},
                {"strategy", ToString(r.strategy)},
                {"specialists", specialists},
                {"reasons", reasons},
                {"alternatives", alternatives},
                {"classifier", "multinomial naive Bayes over whole words and word pairs, temperature-calibrated"},
                {"temperature", m_router.Temperature()},
                {"model", kRouterModel},
                {"tokens", routerTokens},
                {"latency_ms", ms}};
    if (!followUp.is_null()) log.data["follow_up"] = followUp;
    turn.Log(std::move(log));
    turn.Account(kRouterModel, routerTokens, 0);
    turn.Status(AgentId::Orchestrator, AgentStatus::Complete);
    return r;
  }

  // -------------------------------------------------------------------------------------------------------------------
  // [SECTION] Engine: retrieval and composition
  // -------------------------------------------------------------------------------------------------------------------

  std::string RunSpecialists(Turn& turn, Routing& routing, CacheStatus* cacheStatus) {
    for (AgentId a : routing.specialists) turn.Status(a, AgentStatus::Active);
    auto finish = [&](const std::string& answer) {
      for (AgentId a : routing.specialists) turn.Status(a, AgentStatus::Complete);
      return answer;
    };

    // Pure CAG: the cache first. Follow-ups are not cached: their meaning depends on the turn before.
    const bool cag = routing.strategy == Strategy::PureCag && routing.retrievalQuery == turn.input.question;
    const std::string cacheKey = CacheKey(turn.input.question);
    const std::string cacheAgent = ToString(routing.agent);
    if (cag && !cacheKey.empty()) {
      const auto start = Clock::now();
      std::optional<CacheLookup> hit = m_cache->Lookup(cacheAgent, cacheKey);
      const CacheStats stats = m_cache->Stats();
      RetrievalLog log;
      log.type = LogType::Cache;
      log.title = hit ? "Cache hit" : "Cache miss";
      log.data = {{"hit", hit.has_value()},
                  {"agent", cacheAgent},
                  {"key", cacheKey},
                  {"cache", m_cache->Kind()},
                  {"threshold", kCacheMatchThreshold},
                  {"hit_rate", stats.HitRate()},
                  {"size", stats.size},
                  {"capacity", stats.capacity},
                  {"latency_ms", MsSince(start)}};
      if (hit) {
        log.data["similarity"] = hit->similarity;
        log.data["matched_question"] = hit->entry.query;
        log.data["saved_tokens"] = hit->entry.tokens;
        log.data["saved_cost"] = hit->entry.cost;
        log.data["saved_latency_ms"] = hit->entry.latencyMs;
        if (!hit->entry.chunks.empty()) log.chunks = hit->entry.chunks;
      }
      turn.Log(std::move(log));
      *cacheStatus = hit ? CacheStatus::Hit : CacheStatus::Miss;
      if (hit) {
        RetrievalLog docs;
        docs.type = LogType::Documents;
        docs.title = std::to_string(hit->entry.citations.size()) + " sources cited (from the cache)";
        docs.data = {{"citations", hit->entry.citations}, {"composer", "cache"}};
        turn.Log(std::move(docs));
        turn.Chunk(hit->entry.answer);
        return finish(hit->entry.answer);
      }
    }

    const auto workStart = Clock::now();
    const auto tokensBefore = turn.tokens;
    const double costBefore = turn.cost;
    // Retrieval: one search per specialist in its own documents, merged by chunk keeping the best score.
    std::vector<SearchHit> hits;
    for (AgentId a : routing.specialists) {
      const auto start = Clock::now();
      const std::vector<std::string> terms = Tokenize(routing.retrievalQuery);
      LexicalIndex::Result found = m_index.Search(terms, kTopK, {InfoFor(a).domain});
      LogSearch(turn, a, terms, found, MsSince(start));
      for (const SearchHit& h : found.hits) {
        auto same = std::find_if(hits.begin(), hits.end(), [&](const SearchHit& x) { return x.chunk == h.chunk; });
        if (same == hits.end()) hits.push_back(h);
        else if (h.score > same->score) *same = h;
      }
    }
    std::sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) {
      return a.score != b.score ? a.score > b.score : a.chunk < b.chunk;
    });
    if (routing.strategy == Strategy::Hybrid && !hits.empty()) {
      routing.agent = AgentForDomain(m_chunks[hits.front().chunk].domain);
    }
    if (hits.empty()) {
      const std::string answer = std::string("I could not find anything about that in the ") +
                                 InfoFor(routing.agent).domain +
                                 " documents. Could you rephrase the question, or name the feature or plan it is about?";
      turn.Account(kComposerModel, EstimateTokens(turn.input.question), EstimateTokens(answer));
      turn.Chunk(answer);
      return finish(answer);
    }
    if (hits.size() > kContextChunks) hits.resize(kContextChunks);

    std::vector<std::size_t> cited;
    std::string answer;
    if (m_llm) answer = ComposeWithLlm(turn, hits, &cited);
    if (answer.empty()) answer = ComposeExtractive(turn, hits, &cited);

    Json citations = Json::array();
    for (std::size_t i = 0; i < cited.size(); ++i) {
      const SearchHit& h = hits[cited[i]];
      const Chunk& c = m_chunks[h.chunk];
      citations.push_back({{"n", i + 1}, {"source", c.document}, {"title", c.title}, {"heading", c.headingPath},
                           {"chunk_id", c.id}, {"similarity", h.similarity}});
    }
    RetrievalLog docs;
    docs.type = LogType::Documents;
    docs.title = std::to_string(cited.size()) + (cited.size() == 1 ? " source cited" : " sources cited");
    docs.data = {{"citations", citations}, {"composer", m_llm ? m_llm->Model() : kComposerModel}};
    turn.Log(std::move(docs));

    if (cag) {
      CachedAnswer entry;
      entry.query = turn.input.question;
      entry.answer = answer;
      entry.confidence = routing.confidence;
      entry.citations = citations;
      for (const SearchHit& h : hits) entry.chunks.push_back(ToDocumentChunk(h));
      entry.tokens = turn.tokens - tokensBefore;
      entry.cost = turn.cost - costBefore;
      entry.latencyMs = MsSince(workStart);
      m_cache->Store(cacheAgent, cacheKey, entry);
    }
    return finish(answer);
  }

  DocumentChunk ToDocumentChunk(const SearchHit& h) const {
    const Chunk& c = m_chunks[h.chunk];
    DocumentChunk dc;
    dc.id = c.id;
    dc.content = Snippet(c.text);
    dc.similarity = h.similarity;
    dc.source = c.document;
    dc.metadata = Json{{"heading", c.headingPath}, {"title", c.title}, {"start", c.start}, {"end", c.end},
                       {"score", h.score}};
    return dc;
  }

  void LogSearch(Turn& turn, AgentId agent, const std::vector<std::string>& terms, const LexicalIndex::Result& found,
                 double ms) {
    RetrievalLog log;
    log.type = LogType::VectorSearch;
    log.title = std::string("Searched ") + InfoFor(agent).domain + " documents";
    log.status = found.hits.empty() ? LogStatus::Warning : LogStatus::Success;
    Json expansions = Json::array();
    for (const auto& e : found.expansions) {
      expansions.push_back({{"term", e.term}, {"matched", e.matched}, {"similarity", e.similarity}});
    }
    log.data = {{"index", "bm25+trigram"},
                {"metric", "BM25 (k1=1.2, b=0.75) + trigram-expanded terms weighted 0.8 x Dice; similarity = s/(s+6)"},
                {"agent", ToString(agent)},
                {"query_terms", terms},
                {"expansions", expansions},
                {"domain", InfoFor(agent).domain},
                {"top_k", kTopK},
                {"chunk_count", found.hits.size()},
                {"indexed_chunks", m_chunks.size()},
                {"latency_ms", ms}};
    std::vector<DocumentChunk> chunks;
    for (const SearchHit& h : found.hits) chunks.push_back(ToDocumentChunk(h));
    log.chunks = std::move(chunks);
    turn.Log(std::move(log));
  }

  // The sentences of the top chunks that share the most content words with the question, in reading order, each
  // followed by its chunk's citation number. Never more than it found; never anything it did not find.
  std::string ComposeExtractive(Turn& turn, const std::vector<SearchHit>& hits, std::vector<std::size_t>* cited) {
    const auto start = Clock::now();
    const std::vector<std::string> terms = ContentTerms(turn.input.question);
    std::set<std::string> querySet(terms.begin(), terms.end());
    struct Candidate {
      double score;
      std::size_t hit;
      std::size_t order;
      std::string sentence;
    };
    std::vector<Candidate> candidates;
    std::size_t order = 0;
    std::int64_t contextTokens = EstimateTokens(turn.input.question);
    for (std::size_t h = 0; h < hits.size(); ++h) {
      const Chunk& c = m_chunks[hits[h].chunk];
      contextTokens += EstimateTokens(c.text);
      // Words of the section's heading count for every sentence under it, at half weight: the rows of a table
      // under "Limits per plan" answer a question about limits without repeating the word.
      std::set<std::string> headingShared;
      for (const auto& t : Tokenize(c.headingPath)) {
        if (querySet.count(t)) headingShared.insert(t);
      }
      for (const auto& s : SplitSentences(c.text)) {
        std::set<std::string> shared;
        for (const auto& t : Tokenize(s)) {
          if (querySet.count(t)) shared.insert(t);
        }
        if (shared.empty() || s.size() < 12) continue;
        // Rarer shared words and better-ranked chunks count more; very long sentences a little less.
        double weight = 0;
        for (const auto& w : shared) weight += w.size() > 3 ? 1.0 : 0.5;
        for (const auto& w : headingShared) weight += shared.count(w) ? 0.0 : (w.size() > 3 ? 0.5 : 0.25);
        const double lengthPenalty = s.size() > 300 ? 0.8 : 1.0;
        candidates.push_back({weight * (0.5 + hits[h].similarity) * lengthPenalty, h, order++, s});
      }
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    if (candidates.size() > kMaxAnswerSentences) candidates.resize(kMaxAnswerSentences);
    // Sentences far weaker than the best one are about something else: leave them out rather than pad the answer.
    while (candidates.size() > 1 && candidates.back().score < 0.5 * candidates.front().score) candidates.pop_back();
    if (candidates.empty()) {
      const auto first = SplitSentences(m_chunks[hits[0].chunk].text);
      if (!first.empty()) candidates.push_back({0, 0, 0, first.front()});
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return a.hit != b.hit ? a.hit < b.hit : a.order < b.order;
    });
    std::string answer;
    for (const Candidate& c : candidates) {
      auto it = std::find(cited->begin(), cited->end(), c.hit);
      const std::size_t n = static_cast<std::size_t>(it - cited->begin()) + 1;
      if (it == cited->end()) cited->push_back(c.hit);
      std::string s = c.sentence;
      const char last = s.back();
      if (last == '.' || last == '?' || last == '!' || last == ':' || last == ';') s.pop_back();
      const std::string piece = s + " [" + std::to_string(n) + "]" + (last == '?' || last == '!' ? std::string(1, last) : ".");
      turn.Chunk((answer.empty() ? "" : " ") + piece);
      answer += (answer.empty() ? "" : " ") + piece;
    }
    const std::int64_t completion = EstimateTokens(answer);
    const double cost = turn.Account(kComposerModel, contextTokens, completion);
    RetrievalLog log;
    log.type = LogType::Llm;
    log.title = "Extractive answer from " + std::to_string(cited->size()) + (cited->size() == 1 ? " passage" : " passages");
    log.data = {{"model", kComposerModel},
                {"kind", "extractive"},
                {"prompt_tokens", contextTokens},
                {"completion_tokens", completion},
                {"tokens_estimated", true},
                {"estimator", "ceil(bytes / 4)"},
                {"cost", cost},
                {"sentences", candidates.size()},
                {"latency_ms", MsSince(start)}};
    turn.Log(std::move(log));
    return answer;
  }

  // The LLM path: the retrieved passages (numbered as citations) and the recent conversation go to the model, whose
  // tokens stream out as they come. Any failure is a warning log and an empty result, so the caller falls back to
  // the extractive answer.
  std::string ComposeWithLlm(Turn& turn, const std::vector<SearchHit>& hits, std::vector<std::size_t>* cited) {
    const auto start = Clock::now();
    LlmRequest request;
    request.model = m_llm->Model();
    std::string context;
    for (std::size_t i = 0; i < hits.size(); ++i) {
      const Chunk& c = m_chunks[hits[i].chunk];
      context += "[" + std::to_string(i + 1) + "] " + c.document + " — " + c.headingPath + "\n" + c.text + "\n\n";
    }
    request.messages.push_back(
        {"system",
         "You are a customer-support assistant for Nimbus Desk. Answer only from the numbered passages below. Cite "
         "every fact with its passage number in brackets, like [1]. If the passages do not contain the answer, say "
         "so.\n\nPassages:\n" + context});
    std::vector<const Message*> recent;
    for (auto it = turn.input.history.rbegin(); it != turn.input.history.rend() && recent.size() < kHistoryTurnsForLlm * 2; ++it) {
      recent.push_back(&*it);
    }
    for (auto it = recent.rbegin(); it != recent.rend(); ++it) {
      request.messages.push_back({(*it)->role == MessageRole::User ? "user" : "assistant", (*it)->content});
    }
    request.messages.push_back({"user", turn.input.question});

    std::string streamed;
    LlmResult result = m_llm->Complete(request, [&](const std::string& piece) {
      streamed += piece;
      turn.Chunk(piece);
    });
    const double ms = MsSince(start);
    std::int64_t promptTokens = 0;
    for (const auto& m : request.messages) promptTokens += EstimateTokens(m.content);
    if (!result.ok || result.text.empty()) {
      RetrievalLog log;
      log.type = LogType::Llm;
      log.status = LogStatus::Warning;
      log.title = "LLM unavailable: answered extractively";
      log.data = {{"model", m_llm->Model()}, {"endpoint", m_llm->Endpoint()},
                  {"error", result.ok ? "empty answer" : result.error}, {"latency_ms", ms},
                  {"streamed_before_failure", streamed.size()}};
      turn.Log(std::move(log));
      return "";
    }
    const std::int64_t prompt = result.usageReported ? result.promptTokens : promptTokens;
    const std::int64_t completion = result.usageReported ? result.completionTokens : EstimateTokens(result.text);
    const double cost = turn.Account(m_llm->Model(), prompt, completion);
    // Citations: the passages the model actually cited, in order of first mention.
    for (std::size_t pos = result.text.find('['); pos != std::string::npos; pos = result.text.find('[', pos + 1)) {
      const std::size_t close = result.text.find(']', pos);
      if (close == std::string::npos || close - pos > 3) continue;
      const std::string digits = result.text.substr(pos + 1, close - pos - 1);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
      const std::size_t n = std::stoul(digits);
      if (n >= 1 && n <= hits.size() && std::find(cited->begin(), cited->end(), n - 1) == cited->end()) cited->push_back(n - 1);
    }
    RetrievalLog log;
    log.type = LogType::Llm;
    log.title = "Generated by " + m_llm->Model();
    log.data = {{"model", m_llm->Model()}, {"kind", "openai"}, {"endpoint", m_llm->Endpoint()},
                {"prompt_tokens", prompt}, {"completion_tokens", completion},
                {"tokens_estimated", !result.usageReported}, {"cost", cost}, {"latency_ms", ms},
                {"history_messages", recent.size()}};
    turn.Log(std::move(log));
    // Renumber so the documents log lists exactly what was cited: "[3]" first mentioned becomes citation 1.
    std::string text = result.text;
    std::vector<std::size_t> order = *cited;
    std::string renumbered;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '[') {
        const std::size_t close = text.find(']', i);
        if (close != std::string::npos && close - i <= 3) {
          const std::string digits = text.substr(i + 1, close - i - 1);
          if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos) {
            const std::size_t n = std::stoul(digits);
            auto it = std::find(order.begin(), order.end(), n - 1);
            if (n >= 1 && it != order.end()) {
              renumbered += "[" + std::to_string(it - order.begin() + 1) + "]";
              i = close;
              continue;
            }
          }
        }
      }
      renumbered += text[i];
    }
    return renumbered;
  }

  // -------------------------------------------------------------------------------------------------------------------
  // [SECTION] Engine: orchestrator answers
  // -------------------------------------------------------------------------------------------------------------------

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

  std::vector<Chunk> m_chunks;
  LexicalIndex m_index;
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

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Loading
// ---------------------------------------------------------------------------------------------------------------------

std::string ReadTextFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot read " + path);
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw std::runtime_error("cannot read " + path);
  return out;
}

std::vector<SourceDocument> LoadDocumentsFromDirectory(const std::string& dir, std::vector<std::string>* warnings) {
  namespace fs = std::filesystem;
  std::vector<SourceDocument> docs;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error("not a directory: " + dir);
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".md") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string rel = fs::relative(f, dir, ec).generic_string();
    try {
      std::string text = ReadTextFile(f.string());
      if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        if (warnings) warnings->push_back(rel + ": skipped (empty file)");
        continue;
      }
      docs.push_back({rel, std::move(text)});
    } catch (const std::exception& e) {
      if (warnings) warnings->push_back(rel + ": skipped (" + e.what() + ")");
    }
  }
  return docs;
}

}  // namespace oai::engine
