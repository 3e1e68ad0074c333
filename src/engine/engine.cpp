// The engine: routes a question with the trained intent router, retrieves from the agent's documents with BM25, and
// composes an extractive answer with numbered citations, reporting each step as a retrieval log.
#include "engine/engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "engine/text_index.h"
#include "model/ids.h"

namespace oai::engine {

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Tokens are estimated as one per 4 bytes of text (rounded up), the usual rule of thumb for English with BPE
// tokenizers; a provider's reported usage replaces it when an LLM is configured.
std::int64_t EstimateTokens(std::string_view text) { return static_cast<std::int64_t>((text.size() + 3) / 4); }

// Price per 1,000 tokens (prompt, completion) in US dollars. The built-in extractive composer runs locally and costs
// nothing; a model missing from this table is reported in the log instead of being priced at a silent $0.
struct Price {
  double promptPer1k;
  double completionPer1k;
};
const std::map<std::string, Price>& PricingTable() {
  static const std::map<std::string, Price> table = {
      {"extractive-v1", {0.0, 0.0}},
      {"router-nb-v1", {0.0, 0.0}},
      {"gpt-4o-mini", {0.00015, 0.0006}},
      {"gpt-4o", {0.0025, 0.01}},
  };
  return table;
}

constexpr const char* kComposerModel = "extractive-v1";
constexpr const char* kRouterModel = "router-nb-v1";
constexpr std::size_t kTopK = 5;
constexpr std::size_t kMaxCitedSentences = 3;

struct AgentInfo {
  AgentId id;
  Strategy strategy;
  const char* color;
  std::vector<std::string> domains;
};
const std::vector<AgentInfo>& Registry() {
  static const std::vector<AgentInfo> agents = {
      {AgentId::Orchestrator, Strategy::Orchestration, "#06B6D4", {"general"}},
      {AgentId::Billing, Strategy::PureCag, "#10B981", {"billing"}},
      {AgentId::Technical, Strategy::PureRag, "#3B82F6", {"technical"}},
      {AgentId::Policy, Strategy::PureCag, "#A855F7", {"policy"}},
  };
  return agents;
}
const AgentInfo& InfoFor(AgentId id) { return Registry()[static_cast<std::size_t>(id)]; }

AgentId AgentForIntent(const std::string& intent) {
  if (intent == "billing") return AgentId::Billing;
  if (intent == "technical") return AgentId::Technical;
  if (intent == "policy") return AgentId::Policy;
  return AgentId::Orchestrator;
}

std::string Snippet(const std::string& text, std::size_t max = 280) {
  if (text.size() <= max) return text;
  std::size_t cut = text.rfind(' ', max);
  if (cut == std::string::npos || cut < max / 2) cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // never split a UTF-8 sequence
  return text.substr(0, cut) + "…";
}

class BasicEngine final : public Engine {
 public:
  explicit BasicEngine(EngineConfig config) {
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
    m_info.chunks = static_cast<std::int64_t>(m_chunks.size());
    m_info.llmKind = "extractive";
    m_info.llmModel = kComposerModel;
    m_index.Build(m_chunks);
    m_router.Train(config.routerExamplesTsv);
    for (const auto& a : Registry()) {
      Agent agent;
      agent.id = a.id;
      agent.name = DisplayName(a.id);
      agent.model = a.id == AgentId::Orchestrator ? kRouterModel : kComposerModel;
      agent.strategy = a.strategy;
      agent.color = a.color;
      m_agents.push_back(agent);
    }
  }

  ChatResponse Answer(const TurnInput& input, const TurnObserver* observer) override {
    const auto turnStart = Clock::now();
    ChatResponse response;
    auto emitStatus = [&](AgentId id, AgentStatus s) {
      response.agent_status[id] = s;
      if (observer && observer->onAgentStatus) observer->onAgentStatus(id, s);
    };
    auto emitLog = [&](RetrievalLog log) {
      log.id = NewUuidV4();
      log.timestamp = NowIso8601();
      if (observer && observer->onLog) observer->onLog(log);
      response.logs.push_back(std::move(log));
    };

    // Routing.
    emitStatus(AgentId::Orchestrator, AgentStatus::Routing);
    const auto routeStart = Clock::now();
    RouteDecision decision = m_router.Classify(input.question);
    const std::string intent = decision.ranked.front().intent;
    const double confidence = decision.ranked.front().probability;
    const AgentId target = AgentForIntent(intent);
    const double routeMs = MsSince(routeStart);
    {
      RetrievalLog log;
      log.type = LogType::Routing;
      log.title = std::string("Routed to ") + DisplayName(target);
      Json reasons = Json::array();
      for (const auto& [term, weight] : decision.reasons) reasons.push_back({{"term", term}, {"weight", weight}});
      Json alternatives = Json::array();
      for (std::size_t i = 1; i < decision.ranked.size() && i < 3; ++i) {
        alternatives.push_back({{"intent", decision.ranked[i].intent}, {"probability", decision.ranked[i].probability}});
      }
      log.data = {{"intent", intent},
                  {"confidence", confidence},
                  {"agent", ToString(target)},
                  {"strategy", ToString(InfoFor(target).strategy)},
                  {"reasons", reasons},
                  {"alternatives", alternatives},
                  {"classifier", "multinomial naive Bayes, whole-word unigrams and bigrams"},
                  {"model", kRouterModel},
                  {"latency_ms", routeMs}};
      emitLog(std::move(log));
    }
    emitStatus(AgentId::Orchestrator, AgentStatus::Complete);
    if (target != AgentId::Orchestrator) emitStatus(target, AgentStatus::Active);

    std::string answer;
    std::int64_t promptTokens = EstimateTokens(input.question);
    if (target == AgentId::Orchestrator) {
      answer = OrchestratorAnswer(intent);
    } else {
      answer = RetrieveAndCompose(input.question, target, emitLog, &promptTokens);
    }
    if (target != AgentId::Orchestrator) emitStatus(target, AgentStatus::Complete);

    // The answer as the composer produced it, one sentence per chunk event.
    if (observer && observer->onMessageChunk) {
      for (const auto& s : SplitSentences(answer)) observer->onMessageChunk(s + " ");
    }

    const std::int64_t completionTokens = EstimateTokens(answer);
    const std::string model = target == AgentId::Orchestrator ? kRouterModel : kComposerModel;
    double cost = 0;
    auto price = PricingTable().find(model);
    if (price == PricingTable().end()) {
      RetrievalLog log;
      log.type = LogType::Error;
      log.status = LogStatus::Warning;
      log.title = "No price for model " + model;
      log.data = {{"model", model}, {"message", "cost not counted: the model is missing from the pricing table"}};
      emitLog(std::move(log));
    } else {
      cost = (static_cast<double>(promptTokens) * price->second.promptPer1k +
              static_cast<double>(completionTokens) * price->second.completionPer1k) /
             1000.0;
    }

    response.message = answer;
    response.agent = target;
    response.confidence = std::clamp(confidence, 0.0, 1.0);
    response.metrics.tokensUsed = promptTokens + completionTokens;
    response.metrics.cost = cost;
    response.metrics.cache_status = CacheStatus::None;
    response.metrics.latency = MsSince(turnStart);

    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto& a : m_agents) a.status = response.agent_status[a.id];
    Agent& answered = m_agents[static_cast<std::size_t>(target)];
    answered.tokensUsed += response.metrics.tokensUsed;
    answered.cost += cost;
    return response;
  }

  std::vector<Agent> Agents() const override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_agents;
  }
  EngineInfo Info() const override { return m_info; }

 private:
  template <class EmitLog>
  std::string RetrieveAndCompose(const std::string& question, AgentId target, EmitLog& emitLog,
                                 std::int64_t* promptTokens) {
    const auto searchStart = Clock::now();
    const std::vector<std::string> terms = Tokenize(question);
    const std::vector<SearchHit> hits = m_index.Search(terms, kTopK, InfoFor(target).domains);
    const double searchMs = MsSince(searchStart);
    {
      RetrievalLog log;
      log.type = LogType::VectorSearch;
      log.title = "BM25 search in " + InfoFor(target).domains.front() + " documents";
      log.status = hits.empty() ? LogStatus::Warning : LogStatus::Success;
      log.data = {{"index", "bm25"},
                  {"metric", "bm25 (k1=1.2, b=0.75) normalized as s/(s+6)"},
                  {"query_terms", terms},
                  {"domains", InfoFor(target).domains},
                  {"top_k", kTopK},
                  {"chunk_count", hits.size()},
                  {"indexed_chunks", m_chunks.size()},
                  {"latency_ms", searchMs}};
      std::vector<DocumentChunk> chunks;
      for (const SearchHit& h : hits) {
        const Chunk& c = m_chunks[h.chunk];
        DocumentChunk dc;
        dc.id = c.id;
        dc.content = Snippet(c.text);
        dc.similarity = h.similarity;
        dc.source = c.document;
        dc.metadata = Json{{"heading", c.headingPath}, {"title", c.title}, {"start", c.start}, {"end", c.end},
                           {"bm25", h.bm25}};
        chunks.push_back(std::move(dc));
      }
      log.chunks = std::move(chunks);
      emitLog(std::move(log));
    }
    if (hits.empty()) {
      return std::string("I could not find anything about that in the ") + InfoFor(target).domains.front() +
             " documents. Could you rephrase the question, or name the feature or plan it is about?";
    }

    // Extractive composition: the sentences of the top chunks that share the most query terms, in rank order, each
    // followed by the citation number of its chunk.
    std::set<std::string> querySet(terms.begin(), terms.end());
    struct Candidate {
      double score;
      std::size_t hit;
      std::size_t order;
      std::string sentence;
    };
    std::vector<Candidate> candidates;
    std::size_t order = 0;
    for (std::size_t h = 0; h < hits.size() && h < 3; ++h) {
      const Chunk& c = m_chunks[hits[h].chunk];
      *promptTokens += EstimateTokens(c.text);
      for (const auto& s : SplitSentences(c.text)) {
        std::set<std::string> words;
        for (const auto& t : Tokenize(s)) {
          if (querySet.count(t) && t.size() > 2) words.insert(t);
        }
        if (words.empty() || s.size() < 20) continue;
        candidates.push_back({static_cast<double>(words.size()) * hits[h].similarity, h, order++, s});
      }
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    if (candidates.size() > kMaxCitedSentences) candidates.resize(kMaxCitedSentences);
    // Sentences far weaker than the best one are about something else: leave them out rather than pad the answer.
    while (candidates.size() > 1 && candidates.back().score < 0.5 * candidates.front().score) candidates.pop_back();
    if (candidates.empty()) {
      for (const auto& s : SplitSentences(m_chunks[hits[0].chunk].text)) {
        candidates.push_back({0, 0, 0, s});
        break;
      }
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate& a, const Candidate& b) { return a.hit != b.hit ? a.hit < b.hit : a.order < b.order; });

    std::vector<std::size_t> cited;  // hit indexes in citation order
    std::string answer;
    for (const Candidate& c : candidates) {
      auto it = std::find(cited.begin(), cited.end(), c.hit);
      std::size_t n = static_cast<std::size_t>(it - cited.begin()) + 1;
      if (it == cited.end()) cited.push_back(c.hit);
      if (!answer.empty()) answer += ' ';
      std::string s = c.sentence;
      char last = s.empty() ? '.' : s.back();
      if (last == '.' || last == '?' || last == '!' || last == ':') s.pop_back();
      answer += s + " [" + std::to_string(n) + "]" + (last == '?' || last == '!' ? std::string(1, last) : ".");
    }
    {
      RetrievalLog log;
      log.type = LogType::Documents;
      log.title = std::to_string(cited.size()) + (cited.size() == 1 ? " source cited" : " sources cited");
      Json citations = Json::array();
      for (std::size_t i = 0; i < cited.size(); ++i) {
        const SearchHit& h = hits[cited[i]];
        const Chunk& c = m_chunks[h.chunk];
        citations.push_back({{"n", i + 1},
                             {"source", c.document},
                             {"title", c.title},
                             {"heading", c.headingPath},
                             {"chunk_id", c.id},
                             {"similarity", h.similarity}});
      }
      log.data = {{"citations", citations}, {"composer", kComposerModel}};
      emitLog(std::move(log));
    }
    return answer;
  }

  // The orchestrator answers greetings, thanks, questions about the assistant and out-of-scope questions itself,
  // describing the registry it actually has.
  std::string OrchestratorAnswer(const std::string& intent) const {
    std::ostringstream agents;
    agents << "the Billing Agent (plans, prices, invoices and payments), the Technical Agent (the API, SDKs, webhooks "
              "and troubleshooting) and the Policy Agent (terms, privacy, refunds and the SLA)";
    if (intent == "greeting") {
      return "Hello! I'm OrchestratAI. Ask me about billing, the API or our policies and I will route your question "
             "to " + agents.str() + ", then answer from the knowledge base with the sources cited.";
    }
    if (intent == "thanks") {
      return "You're welcome! If anything else comes up about billing, the API or our policies, just ask.";
    }
    if (intent == "about") {
      std::ostringstream out;
      out << "I'm OrchestratAI, a customer-service assistant that shows its work. An orchestrator reads each question "
             "and routes it to "
          << agents.str() << ". The agent searches " << m_info.documents << " documents (" << m_info.chunks
          << " passages) and answers with numbered citations; the retrieval log shows the routing decision, the "
             "passages found and their scores.";
      return out.str();
    }
    return "I'm sorry, that is outside what I can help with. I answer questions about billing, the API and technical "
           "topics, and our policies, using " + agents.str() + ".";
  }

  std::vector<Chunk> m_chunks;
  Bm25Index m_index;
  IntentRouter m_router;
  EngineInfo m_info;
  mutable std::mutex m_mutex;
  std::vector<Agent> m_agents;
};

}  // namespace

std::unique_ptr<Engine> Engine::Create(EngineConfig config) {
  if (config.documents.empty()) throw std::invalid_argument("the knowledge base has no documents");
  if (config.routerExamplesTsv.empty()) throw std::invalid_argument("the router examples file is empty");
  return std::make_unique<BasicEngine>(std::move(config));
}

std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<SourceDocument> LoadDocumentsFromDirectory(const std::string& dir, std::vector<std::string>* warnings) {
  namespace fs = std::filesystem;
  std::vector<SourceDocument> docs;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error("not a directory: " + dir);
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".md") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string rel = fs::relative(f, dir, ec).generic_string();
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
