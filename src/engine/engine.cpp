// The orchestration engine: one turn is routing (routing.cpp), then either the orchestrator's own answer or the
// specialists' retrieval (retrieval.cpp: cache first for Pure CAG, then search) and composition (compose_*.cpp,
// extractive or LLM with extractive fallback), with tokens, cost and measured latency accounted at every step
// (turn.cpp). Each step is reported as it finishes.
#include "engine/engine.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <set>
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

// Below this share of the question's words (weighted by rarity) in the best passage, the assistant declines instead of
// answering a question the router gave a specialist; a question the router found out of scope (or about the
// assistant) needs kOrchestratorAnswersAbove. Both fitted on the dev split of the answer evaluation
// (tests/data/answers/dev.jsonl): casual wording, typos and follow-ups leave right answers with little word overlap,
// so the router's judgement carries most of the decision and the overlap only vetoes.
constexpr double kAbstainBelow = 0.15;
constexpr double kOrchestratorAnswersAbove = 0.35;
// An out-of-scope question with this much probability of small talk is answered as small talk when nothing covers it.
constexpr double kSmallTalkShare = 0.2;

// A heading as a question a customer could ask next: "How refunds are paid" stays a question, "Annual plans" becomes
// "Tell me about annual plans".
std::string QuestionFromHeading(const std::string& heading) {
  static const char* kQuestionWords[] = {"how", "what", "can", "do", "does", "is", "are", "why", "when", "where",
                                         "which", "who", "will", "should"};
  static const char* kTimeWords[] = {"after", "before", "during", "while", "once", "until", "if"};
  std::string first = heading.substr(0, heading.find(' '));
  for (char& c : first) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* w : kQuestionWords)
    if (first == w) return heading.back() == '?' ? heading : heading + "?";
  std::string text = heading;
  // "Annual plans" → "annual plans"; "API keys" keeps its capitals.
  if (text.size() > 1 && std::isupper(static_cast<unsigned char>(text[0])) && std::islower(static_cast<unsigned char>(text[1])))
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  for (const char* w : kTimeWords)
    if (first == w) return "What happens " + text + "?";  // "After cancellation" → "What happens after cancellation?"
  return "Tell me about " + text;
}

// A section's topic for the "Ask next" questions: the last part of its heading path and that part's content words,
// worked out once when the knowledge base is loaded. A document's own title (its introduction) is no topic.
struct Topic {
  std::string heading;
  std::string question;            // the heading asked as a question
  std::vector<std::string> words;  // each once
};

std::vector<Topic> TopicsOf(const std::vector<Chunk>& chunks) {
  std::vector<Topic> topics(chunks.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const std::size_t last = chunks[i].headingPath.rfind(" > ");
    if (last == std::string::npos) continue;
    topics[i].heading = chunks[i].headingPath.substr(last + 3);
    topics[i].words = ContentTerms(topics[i].heading);
    std::sort(topics[i].words.begin(), topics[i].words.end());
    topics[i].words.erase(std::unique(topics[i].words.begin(), topics[i].words.end()), topics[i].words.end());
    topics[i].question = QuestionFromHeading(topics[i].heading);
  }
  return topics;
}

// Up to three questions to ask next: the headings of the sections next to the cited ones (after, then before, in the
// same document) that are not cited themselves and whose words the customer has not already asked about.
std::vector<std::string> SuggestNext(const Corpus& corpus, const std::vector<Topic>& topics,
                                     const std::vector<Citation>& cited, Turn& turn) {
  std::vector<std::string> asked = turn.QuestionTerms();
  for (const Message& m : turn.input.history)
    if (m.role == MessageRole::User)
      for (std::string& w : ContentTerms(m.content)) asked.push_back(std::move(w));
  const auto wasAsked = [&asked](const std::string& w) { return std::find(asked.begin(), asked.end(), w) != asked.end(); };
  const auto isCited = [&cited](std::int64_t id) {
    return std::any_of(cited.begin(), cited.end(), [id](const Citation& c) { return c.chunk_id == id; });
  };
  std::vector<std::string> out;
  std::vector<const std::string*> seen;
  for (const Citation& c : cited) {
    for (const std::int64_t offset : {1, -1, 2, -2}) {
      const std::int64_t id = c.chunk_id + offset;
      if (id < 1 || id > static_cast<std::int64_t>(corpus.chunks.size()) || isCited(id)) continue;
      const auto at = static_cast<std::size_t>(id - 1);
      if (corpus.chunks[at].document != c.source) continue;
      const Topic& topic = topics[at];
      if (topic.words.empty()) continue;  // a document's title, or a heading of no content words
      const bool known = std::all_of(topic.words.begin(), topic.words.end(), wasAsked);
      const bool again = std::any_of(seen.begin(), seen.end(), [&](const std::string* h) { return *h == topic.heading; });
      if (known || again) continue;
      seen.push_back(&topic.heading);
      out.push_back(topic.question);
      if (out.size() == 3) return out;
    }
  }
  return out;
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
      DocumentDetail detail;
      detail.id = doc.path;
      detail.path = doc.path;
      detail.title = chunks.front().title;
      detail.domain = chunks.front().domain;
      detail.content = doc.text;
      for (auto& c : chunks) {
        c.id = static_cast<std::int64_t>(m_corpus.chunks.size()) + 1;
        detail.chunks.push_back({c.id, c.headingPath, static_cast<std::int64_t>(c.start), static_cast<std::int64_t>(c.end)});
        m_corpus.chunks.push_back(std::move(c));
      }
      m_documents.push_back(std::move(detail));
    }
    if (m_corpus.chunks.empty()) throw std::invalid_argument("the knowledge base has no usable documents");
    std::sort(m_documents.begin(), m_documents.end(),
              [](const DocumentDetail& a, const DocumentDetail& b) { return a.id < b.id; });
    if (!m_cache) m_cache = std::make_shared<MemoryResponseCache>();
    m_corpus.index.Build(m_corpus.chunks);
    m_corpus.BuildPhraseIndex();
    m_topics = TopicsOf(m_corpus.chunks);
    m_corpus.synonyms.Load(config.synonymsTsv);
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
    Reply reply;
    if (routing.intent == "greeting" || routing.intent == "thanks") {
      reply = SmallTalk(turn, routing.intent);
    } else if (routing.agent == AgentId::Orchestrator) {
      // Questions about the assistant and ones the router finds out of scope are still looked up: the documents
      // may cover them (the assistant's own page, a term of the glossary, a contact channel).
      routing.specialists.clear();
      reply = FromKnowledge(turn, routing, /*allowCache=*/false);
    } else {
      reply = FromKnowledge(turn, routing, /*allowCache=*/routing.strategy == Strategy::PureCag);
    }
    turn.response.message = std::move(reply.answer);
    turn.response.agent = reply.agent;
    turn.response.confidence = std::clamp(routing.confidence * reply.confidenceFactor, 0.0, 1.0);
    turn.response.metrics.tokensUsed = turn.tokens;
    turn.response.metrics.cost = turn.cost;
    turn.response.metrics.cache_status = reply.cache;
    turn.response.metrics.latency = MsSince(turnStart);

    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto& a : m_agents) a.status = turn.response.agent_status[a.id];
    Agent& answered = m_agents[static_cast<std::size_t>(reply.agent)];
    answered.tokensUsed += turn.tokens;
    answered.cost += turn.cost;
    return std::move(turn.response);  // a member: not moved by itself
  }

  std::vector<Agent> Agents() const override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_agents;
  }
  EngineInfo Info() const override { return m_info; }
  CacheStats CacheStatistics() const override { return m_cache->Stats(); }
  std::size_t HistoryMessagesNeeded() const override { return m_llm ? kHistoryMessagesUsed : 2; }

  std::vector<DocumentSummary> Documents() const override {
    std::vector<DocumentSummary> out;
    for (const DocumentDetail& d : m_documents) {
      DocumentSummary s{d.id, d.path, d.title, d.domain, {}};
      for (const auto& c : d.chunks) s.sections.push_back(c.heading);
      out.push_back(std::move(s));
    }
    return out;
  }
  std::optional<DocumentDetail> Document(const std::string& id) const override {
    const auto it = std::lower_bound(m_documents.begin(), m_documents.end(), id,
                                     [](const DocumentDetail& d, const std::string& key) { return d.id < key; });
    if (it == m_documents.end() || it->id != id) return std::nullopt;
    return *it;
  }

 private:
  struct Reply {
    std::string answer;
    AgentId agent = AgentId::Orchestrator;
    CacheStatus cache = CacheStatus::None;
    double confidenceFactor = 1.0;  // the routing's confidence times this: lower when the evidence is weak
    bool declined = false;
  };

  // The orchestrator's own words (greetings, thanks, who it is), streamed a sentence at a time.
  Reply SmallTalk(Turn& turn, const std::string& intent) {
    Reply r;
    r.answer = OrchestratorAnswer(intent);
    turn.Account(kExtractiveModel, 0, EstimateTokens(r.answer), nullptr);
    if (turn.WantsChunks()) {
      for (const auto& s : SplitSentences(r.answer)) turn.Chunk(s + " ");
    }
    return r;
  }

  // Retrieval and composition: the routed specialists (or the orchestrator for questions about itself) answer from
  // the knowledge base; when the evidence is too weak, the orchestrator says so instead of guessing.
  Reply FromKnowledge(Turn& turn, Routing& routing, bool allowCache) {
    Reply reply;
    reply.agent = routing.specialists.empty() ? AgentId::Orchestrator : routing.specialists.front();
    for (AgentId a : routing.specialists) turn.Status(a, AgentStatus::Active);
    auto finish = [&](Reply r) {
      for (AgentId a : routing.specialists) turn.Status(a, AgentStatus::Complete);
      return r;
    };

    // Pure CAG: the cache first. Follow-ups are not cached: their meaning depends on the turn before.
    const bool cag = allowCache && routing.retrievalQuery == turn.input.question;
    const std::string cacheKey = CacheKeyOf(turn.QuestionTerms());
    if (cag && !cacheKey.empty()) {
      std::optional<CacheLookup> hit = LookupCache(turn, *m_cache, reply.agent, cacheKey);
      reply.cache = hit ? CacheStatus::Hit : CacheStatus::Miss;
      if (hit) {
        DocumentsData docs;
        docs.citations = hit->entry.citations;
        docs.composer = "cache";
        docs.model = SpecOf(reply.agent).model;
        docs.tokens_estimated = false;
        if (auto next = SuggestNext(m_corpus, m_topics, docs.citations, turn); !next.empty()) docs.suggestions = std::move(next);
        const std::size_t n = docs.citations.size();
        turn.Log(std::to_string(n) + (n == 1 ? " source cited" : " sources cited") + " (from the cache)",
                 std::move(docs));
        turn.Chunk(hit->entry.answer);
        reply.answer = hit->entry.answer;
        return finish(reply);
      }
    }

    const auto workStart = Clock::now();
    const auto tokensBefore = turn.tokens;
    const double costBefore = turn.cost;
    LexicalIndex::Result found;
    std::vector<SearchHit> nearest;  // for suggestions when declining
    Composition composition;
    QueryWords query;
    double evidence = 0.0;
    const double threshold = reply.agent == AgentId::Orchestrator ? kOrchestratorAnswersAbove : kAbstainBelow;
    // A short question the router read on its own may still lean on the turn before ("how many times will you try
    // again?" after "my card payment failed"): when it finds too little alone, it is searched once more with the
    // previous question before the assistant declines.
    const Message* previous = PreviousUserMessage(turn.input.history);
    for (int attempt = 0; attempt < 2; ++attempt) {
      found = SearchKnowledge(turn, m_corpus, routing);
      if (routing.strategy == Strategy::Hybrid && !found.hits.empty()) {
        reply.agent =
            SpecialistForDomain(m_corpus.chunks[found.hits.front().chunk].domain).value_or(routing.specialists[0]);
      }
      nearest = found.hits;
      if (found.hits.size() > kContextChunks) found.hits.resize(kContextChunks);
      // The extractive composition always runs: it measures how much of the question the best passage covers, which
      // decides whether to answer at all, even when an LLM writes the answer. A follow-up is weighed with the
      // question it follows, as it was searched.
      query = WeighQuery(routing.retrievalQuery, found.expansions, m_corpus.index,
                         routing.retrievalQuery == turn.input.question ? std::string_view() : turn.input.question);
      composition = found.hits.empty() ? Composition{} : ComposeExtractive(turn, m_corpus, found.hits, query);
      evidence = found.hits.empty() ? 0.0 : composition.evidence;
      const bool retry = evidence < threshold && attempt == 0 && previous &&
                         routing.retrievalQuery == turn.input.question && LooksLikeFollowUp(turn.input.question);
      if (!retry) break;
      routing.retrievalQuery = turn.input.question + " " + previous->content;
    }
    std::vector<SearchHit>& hits = found.hits;
    if (evidence < threshold) return finish(Decline(turn, routing, nearest, query, evidence, threshold));
    // Out of scope for the router, yet the documents answer it: the likeliest specialist takes it.
    if (reply.agent == AgentId::Orchestrator && routing.intent != "about") {
      reply.agent = routing.likeliestSpecialist;
      turn.Status(reply.agent, AgentStatus::Active);
      routing.specialists = {reply.agent};
    }

    std::string llmError;
    if (m_llm) {
      Composition generated = ComposeWithLlm(turn, m_corpus, hits, *m_llm, &llmError);
      if (!generated.answer.empty()) composition = std::move(generated);
    }
    if (composition.step.composer == "extractive") {
      for (const auto& piece : composition.pieces) turn.Chunk(piece);
      if (!llmError.empty()) {
        composition.step.llm_error = llmError;
        composition.step.endpoint = m_llm->Endpoint();
      }
    }
    DocumentsData& docs = composition.step;
    docs.evidence = evidence;
    docs.evidence_threshold = threshold;
    for (std::size_t i = 0; i < composition.cited.size(); ++i) {
      const SearchHit& h = hits[composition.cited[i]];
      const Chunk& c = m_corpus.chunks[h.chunk];
      docs.citations.push_back({static_cast<std::int64_t>(i + 1), c.document, c.title, c.headingPath, c.id,
                                h.similarity});
    }
    if (auto next = SuggestNext(m_corpus, m_topics, docs.citations, turn); !next.empty()) docs.suggestions = std::move(next);
    const std::size_t n = docs.citations.size();
    std::string title = std::to_string(n) + (n == 1 ? " source cited" : " sources cited");
    if (docs.llm_error) title += " (LLM unavailable: answered extractively)";
    const LogStatus status = docs.llm_error || !docs.warnings.empty() ? LogStatus::Warning : LogStatus::Success;
    const std::vector<Citation> citations = docs.citations;
    turn.Log(std::move(title), std::move(docs), status);
    reply.answer = composition.answer;

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
      m_cache->Store(ToString(reply.agent), cacheKey, entry);
    }
    return finish(reply);
  }

  // The documents do not cover the question well enough: no answer from a passage that does not hold it, no
  // citation; what the assistant can help with and the two nearest topics instead. Said by the orchestrator.
  Reply Decline(Turn& turn, const Routing& routing, const std::vector<SearchHit>& nearest, const QueryWords& query,
                double evidence, double threshold) {
    Reply reply;
    reply.declined = true;
    reply.agent = AgentId::Orchestrator;
    reply.confidenceFactor = std::max(0.05, evidence);
    std::string reason = "not_covered";
    if (routing.intent == "about") {
      reason = "about";
      // A question about the assistant that its own page does not cover: it describes itself.
      reply.answer = OrchestratorAnswer("about");
    } else if (query.total <= 0.0 || (routing.intent == "out_of_scope" && routing.smallTalk >= kSmallTalkShare)) {
      // Nothing to look up ("ok bye!", "who am I talking to?"), or small talk around a question the documents do not
      // answer ("Hi! What can you help me with?"): the orchestrator introduces itself.
      reason = "small_talk";
      reply.confidenceFactor = 1.0;
      reply.answer = OrchestratorAnswer(routing.intent == "thanks" ? "thanks" : "greeting");
    } else {
      std::vector<std::string> topics;
      std::vector<std::string> documents;
      for (const SearchHit& h : nearest) {
        const Chunk& c = m_corpus.chunks[h.chunk];
        if (std::find(documents.begin(), documents.end(), c.document) != documents.end()) continue;
        documents.push_back(c.document);
        topics.push_back(c.headingPath);
        if (topics.size() == 2) break;
      }
      reply.answer =
          "I couldn't find that in the Nimbus Desk documents, so I won't guess. I can help with plans, billing and "
          "invoices, the API and integrations, and our policies (privacy, refunds, the SLA).";
      if (!topics.empty()) {
        reply.answer += " The nearest topics I have: " + topics[0] + (topics.size() > 1 ? "; " + topics[1] : "") + ".";
      }
    }
    DocumentsData docs;
    docs.composer = "declined";
    docs.decline_reason = reason;
    docs.model = kExtractiveModel;
    docs.prompt_tokens = EstimateTokens(turn.input.question);
    docs.completion_tokens = EstimateTokens(reply.answer);
    docs.evidence = evidence;
    docs.evidence_threshold = threshold;
    docs.cost = turn.Account(docs.model, docs.prompt_tokens, docs.completion_tokens, &docs.warnings);
    char title[96];
    std::snprintf(title, sizeof title, "No source covers the question (evidence %.2f, below %.2f)", evidence,
                  threshold);
    turn.Log(title, std::move(docs), LogStatus::Warning);
    turn.Status(AgentId::Orchestrator, AgentStatus::Active);
    turn.Chunk(reply.answer);
    turn.Status(AgentId::Orchestrator, AgentStatus::Complete);
    return reply;
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
  std::vector<Topic> m_topics;  // per chunk, for the "Ask next" questions
  std::vector<DocumentDetail> m_documents;  // by id (path), for the document viewer
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
