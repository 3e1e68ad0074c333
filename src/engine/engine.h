// The orchestration engine's public face: one object that answers a question for a session, reporting each step
// (agent status, retrieval logs, answer chunks) through an observer as it finishes. Used by the server and, for
// static hosting, inside the page. Portable C++: no platform code.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/document.h"
#include "engine/llm.h"
#include "engine/response_cache.h"
#include "model/model.h"

namespace oai::engine {

struct EngineConfig {
  std::vector<SourceDocument> documents;
  std::string routerExamplesTsv;  // "intent\ttext" lines with a header; see server/data/router_examples.tsv
  std::string synonymsTsv;        // optional "phrase\twords" query synonyms; see server/data/knowledge/synonyms.tsv
  std::shared_ptr<ResponseCache> cache;  // nullptr = a MemoryResponseCache (1,000 entries, 1 h TTL)
  std::shared_ptr<LlmClient> llm;        // nullptr = extractive answers only
};

struct EngineInfo {
  std::int64_t documents = 0;
  std::int64_t chunks = 0;
  std::string llmKind = "extractive";  // "extractive" | "openai"
  std::string llmModel;
  std::vector<std::string> warnings;  // documents skipped while loading, with the reason
  std::int64_t routerExamples = 0;
  double routerTemperature = 1.0;     // calibration fitted at start-up
  double routerCvAccuracy = 0.0;      // 5-fold cross-validated accuracy on the examples
  std::string cacheKind;
};

// A turn looks back at most this many turns: the previous question for follow-ups, and the last turns as context for
// the LLM. Stores hand the engine only these (SessionStore::RecentMessages), so a turn costs the same at message 10
// and at message 10,000.
inline constexpr std::size_t kHistoryTurnsForLlm = 3;
inline constexpr std::size_t kHistoryMessagesUsed = 2 * kHistoryTurnsForLlm;

struct TurnInput {
  std::string question;
  std::string sessionId;
  std::vector<Message> history;  // the session's last messages (HistoryMessagesNeeded()), oldest first
};

// Called synchronously, in order, from the thread that runs Answer(). Any member may be empty.
struct TurnObserver {
  std::function<void(AgentId, AgentStatus)> onAgentStatus;
  // chunksText: the log's chunks as JSON text already (ChunksJsonText), or null.
  std::function<void(const RetrievalLog&, const std::string* chunksText)> onLog;
  std::function<void(const std::string&)> onMessageChunk;
};

class Engine {
 public:
  // Throws std::invalid_argument with one clear line when the configuration cannot work (no documents, no examples).
  static std::unique_ptr<Engine> Create(EngineConfig config);
  virtual ~Engine() = default;

  // Thread-safe. Never throws for a well-formed question; failures of optional parts become warning/error logs.
  virtual ChatResponse Answer(const TurnInput& input, const TurnObserver* observer = nullptr) = 0;
  // The registry with running totals (tokensUsed, cost) and the status after the last turn.
  virtual std::vector<Agent> Agents() const = 0;
  virtual EngineInfo Info() const = 0;
  virtual CacheStats CacheStatistics() const = 0;
  // How many of the session's last messages Answer() looks at: the last turn (for a follow-up's previous question)
  // without an LLM, kHistoryMessagesUsed with one. Reading and parsing fewer is a seventh of a cached turn.
  virtual std::size_t HistoryMessagesNeeded() const = 0;
  // The knowledge base as the document viewer reads it: every document (path order) with its sections, and one whole
  // document by its id (its path) with where each chunk sits in it; nullopt for an id the knowledge base lacks.
  virtual std::vector<DocumentSummary> Documents() const = 0;
  virtual std::optional<DocumentDetail> Document(const std::string& id) const = 0;
};

}  // namespace oai::engine
