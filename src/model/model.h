// The shared data model of OrchestratAI: enums, wire types and their JSON mappings (PRODUCT.md §3).
// Compiled into the server, the web app and the desktop app. No I/O, no platform code.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace oai {

using Json = nlohmann::json;

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Enums
// ---------------------------------------------------------------------------------------------------------------------

// The four agents of the registry. The hybrid path is answered by the specialists together; it is a strategy, not an
// agent id, so `ChatResponse.agent` is always one of these.
enum class AgentId { Orchestrator, Billing, Technical, Policy };
inline constexpr std::array<AgentId, 4> kAllAgents = {AgentId::Orchestrator, AgentId::Billing, AgentId::Technical,
                                                      AgentId::Policy};

enum class AgentStatus { Idle, Routing, Active, Complete };
enum class MessageRole { User, Assistant };
// Exactly the original client's four types; a new step goes into an existing type's data. The order is the order of
// the LogData variant's alternatives.
enum class LogType { Routing, VectorSearch, Cache, Documents };
enum class LogStatus { Success, Pending, Warning, Error };
enum class CacheStatus { Hit, Miss, None };
enum class Strategy { Orchestration, PureCag, PureRag, Hybrid };

NLOHMANN_JSON_SERIALIZE_ENUM(AgentId, {{AgentId::Orchestrator, "orchestrator"},
                                       {AgentId::Billing, "billing"},
                                       {AgentId::Technical, "technical"},
                                       {AgentId::Policy, "policy"}})
NLOHMANN_JSON_SERIALIZE_ENUM(AgentStatus, {{AgentStatus::Idle, "idle"},
                                           {AgentStatus::Routing, "routing"},
                                           {AgentStatus::Active, "active"},
                                           {AgentStatus::Complete, "complete"}})
NLOHMANN_JSON_SERIALIZE_ENUM(MessageRole, {{MessageRole::User, "user"}, {MessageRole::Assistant, "assistant"}})
NLOHMANN_JSON_SERIALIZE_ENUM(LogType, {{LogType::Routing, "routing"},
                                       {LogType::VectorSearch, "vector_search"},
                                       {LogType::Cache, "cache"},
                                       {LogType::Documents, "documents"}})
NLOHMANN_JSON_SERIALIZE_ENUM(LogStatus, {{LogStatus::Success, "success"},
                                         {LogStatus::Pending, "pending"},
                                         {LogStatus::Warning, "warning"},
                                         {LogStatus::Error, "error"}})
NLOHMANN_JSON_SERIALIZE_ENUM(CacheStatus, {{CacheStatus::Hit, "hit"}, {CacheStatus::Miss, "miss"},
                                           {CacheStatus::None, "none"}})
NLOHMANN_JSON_SERIALIZE_ENUM(Strategy, {{Strategy::Orchestration, "orchestration"},
                                        {Strategy::PureCag, "pure_cag"},
                                        {Strategy::PureRag, "pure_rag"},
                                        {Strategy::Hybrid, "hybrid"}})

// Wire names ("billing", "vector_search", ...) and parsing back; Parse* return nullopt for unknown names.
const char* ToString(AgentId v);
const char* ToString(AgentStatus v);
const char* ToString(MessageRole v);
const char* ToString(LogType v);
const char* ToString(LogStatus v);
const char* ToString(CacheStatus v);
const char* ToString(Strategy v);
std::optional<AgentId> ParseAgentId(const std::string& s);
std::optional<AgentStatus> ParseAgentStatus(const std::string& s);
std::optional<LogType> ParseLogType(const std::string& s);
std::optional<LogStatus> ParseLogStatus(const std::string& s);
std::optional<CacheStatus> ParseCacheStatus(const std::string& s);
std::optional<Strategy> ParseStrategy(const std::string& s);

// Display names for the UI and transcripts: "Billing Agent" (from the registry, agents.h), "Pure CAG".
const char* DisplayName(AgentId v);
const char* DisplayName(Strategy v);

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Retrieval-log payloads (RetrievalLog::data, one type per LogType)
// ---------------------------------------------------------------------------------------------------------------------
// The engine fills these, the stores keep them, the panels read their fields. Keys are the member names. Strict
// parsing: every member is required unless it is optional, and ValidateRetrievalLog rejects keys that are not here.

// A word that pushed the router towards its decision, with its weight in the decision.
struct RoutingReason {
  std::string term;
  double weight = 0.0;
  bool operator==(const RoutingReason&) const = default;
};
// An intent the router considered and did not choose.
struct IntentAlternative {
  std::string intent;
  double probability = 0.0;
  bool operator==(const IntentAlternative&) const = default;
};
// The question was short or referred back: it was also read together with the previous question.
struct FollowUp {
  std::string previous_question;
  bool applied = false;  // the combined reading decided the route
  bool operator==(const FollowUp&) const = default;
};
struct RoutingData {
  std::string intent;  // billing, technical, policy, greeting, thanks, about, out_of_scope
  double confidence = 0.0;
  AgentId agent = AgentId::Orchestrator;
  Strategy strategy = Strategy::Orchestration;
  std::vector<AgentId> specialists;  // who searched: one, or two on the hybrid path
  std::vector<RoutingReason> reasons;
  std::vector<IntentAlternative> alternatives;
  std::string classifier;
  double temperature = 1.0;
  std::string model;
  std::int64_t tokens = 0;
  double latency_ms = 0.0;
  std::optional<FollowUp> follow_up;
  bool operator==(const RoutingData&) const = default;
};

// A query word that also matched a similar indexed word (typos, inflections).
struct TermExpansion {
  std::string term;
  std::string matched;
  double similarity = 0.0;
  bool operator==(const TermExpansion&) const = default;
};
struct SearchData {
  std::string index;   // "bm25+trigram"
  std::string metric;  // how the score and the 0..1 similarity are computed
  AgentId agent = AgentId::Orchestrator;
  std::string domain;
  std::vector<std::string> query_terms;
  std::vector<TermExpansion> expansions;
  std::int64_t top_k = 0;
  std::int64_t chunk_count = 0;
  std::int64_t indexed_chunks = 0;
  double latency_ms = 0.0;
  bool operator==(const SearchData&) const = default;
};

struct CacheData {
  bool hit = false;
  AgentId agent = AgentId::Orchestrator;
  std::string key;    // the normalized question
  std::string cache;  // "memory" | "redis"
  double threshold = 0.0;
  double hit_rate = 0.0;
  std::int64_t size = 0;
  std::int64_t capacity = 0;
  double latency_ms = 0.0;
  // On a hit: how close the cached question was and what answering it again would have cost.
  std::optional<double> similarity;
  std::optional<std::string> matched_question;
  std::optional<std::int64_t> saved_tokens;
  std::optional<double> saved_cost;
  std::optional<double> saved_latency_ms;
  bool operator==(const CacheData&) const = default;
};

// A numbered source of the answer: "[n]" in the text points here.
struct Citation {
  std::int64_t n = 0;
  std::string source;   // document path, "policy/refunds-and-cancellation.md"
  std::string title;    // the document's title
  std::string heading;  // heading path of the cited section
  std::int64_t chunk_id = 0;
  double similarity = 0.0;
  bool operator==(const Citation&) const = default;
};
// The cited sources and the composition step that wrote the answer from them.
struct DocumentsData {
  std::vector<Citation> citations;
  std::string composer;  // "extractive" | "llm" | "cache" | "declined"
  std::string model;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  bool tokens_estimated = true;
  double cost = 0.0;
  double latency_ms = 0.0;
  std::optional<std::string> estimator;          // how tokens were counted when no provider reported them
  std::optional<std::int64_t> sentences;         // extractive: sentences in the answer
  std::optional<std::string> endpoint;           // llm: the endpoint asked
  std::optional<std::int64_t> history_messages;  // llm: earlier messages sent as context
  std::optional<std::string> llm_error;          // the LLM failed and the answer is extractive: why
  std::optional<double> evidence;               // share of the question's words (by rarity) the best passage covers
  std::optional<double> evidence_threshold;     // below it the assistant declines
  std::vector<std::string> warnings;             // e.g. a model missing from the pricing table
  // Questions the customer may ask next: the headings beside the cited sections not asked about yet (at most 3).
  std::optional<std::vector<std::string>> suggestions;
  // composer "declined": why — "not_covered" (the documents do not answer it), "small_talk" (nothing to look up, so
  // the orchestrator introduced itself) or "about" (a question about the assistant its page does not cover).
  std::optional<std::string> decline_reason;
  bool operator==(const DocumentsData&) const = default;
};

// Each payload's members as (key, member) pairs, listed once: the JSON writer and the strict reader (model.cpp) are
// generic over them, so a new field is one line here (and its use in the engine step and the panel).
template <class F>
void Fields(RoutingReason& v, F&& f) {
  f("term", v.term);
  f("weight", v.weight);
}
template <class F>
void Fields(IntentAlternative& v, F&& f) {
  f("intent", v.intent);
  f("probability", v.probability);
}
template <class F>
void Fields(FollowUp& v, F&& f) {
  f("previous_question", v.previous_question);
  f("applied", v.applied);
}
template <class F>
void Fields(RoutingData& v, F&& f) {
  f("intent", v.intent);
  f("confidence", v.confidence);
  f("agent", v.agent);
  f("strategy", v.strategy);
  f("specialists", v.specialists);
  f("reasons", v.reasons);
  f("alternatives", v.alternatives);
  f("classifier", v.classifier);
  f("temperature", v.temperature);
  f("model", v.model);
  f("tokens", v.tokens);
  f("latency_ms", v.latency_ms);
  f("follow_up", v.follow_up);
}
template <class F>
void Fields(TermExpansion& v, F&& f) {
  f("term", v.term);
  f("matched", v.matched);
  f("similarity", v.similarity);
}
template <class F>
void Fields(SearchData& v, F&& f) {
  f("index", v.index);
  f("metric", v.metric);
  f("agent", v.agent);
  f("domain", v.domain);
  f("query_terms", v.query_terms);
  f("expansions", v.expansions);
  f("top_k", v.top_k);
  f("chunk_count", v.chunk_count);
  f("indexed_chunks", v.indexed_chunks);
  f("latency_ms", v.latency_ms);
}
template <class F>
void Fields(CacheData& v, F&& f) {
  f("hit", v.hit);
  f("agent", v.agent);
  f("key", v.key);
  f("cache", v.cache);
  f("threshold", v.threshold);
  f("hit_rate", v.hit_rate);
  f("size", v.size);
  f("capacity", v.capacity);
  f("latency_ms", v.latency_ms);
  f("similarity", v.similarity);
  f("matched_question", v.matched_question);
  f("saved_tokens", v.saved_tokens);
  f("saved_cost", v.saved_cost);
  f("saved_latency_ms", v.saved_latency_ms);
}
template <class F>
void Fields(Citation& v, F&& f) {
  f("n", v.n);
  f("source", v.source);
  f("title", v.title);
  f("heading", v.heading);
  f("chunk_id", v.chunk_id);
  f("similarity", v.similarity);
}
template <class F>
void Fields(DocumentsData& v, F&& f) {
  f("citations", v.citations);
  f("composer", v.composer);
  f("model", v.model);
  f("prompt_tokens", v.prompt_tokens);
  f("completion_tokens", v.completion_tokens);
  f("tokens_estimated", v.tokens_estimated);
  f("cost", v.cost);
  f("latency_ms", v.latency_ms);
  f("estimator", v.estimator);
  f("sentences", v.sentences);
  f("endpoint", v.endpoint);
  f("history_messages", v.history_messages);
  f("llm_error", v.llm_error);
  f("evidence", v.evidence);
  f("evidence_threshold", v.evidence_threshold);
  f("warnings", v.warnings);
  f("suggestions", v.suggestions);
  f("decline_reason", v.decline_reason);
}
template <class T, class F>
void Fields(const T& v, F&& f) {
  Fields(const_cast<T&>(v), [&f](const char* key, const auto& member) { f(key, member); });
}

// The payload of a retrieval log; the alternative's index is the log's LogType.
using LogData = std::variant<RoutingData, SearchData, CacheData, DocumentsData>;
static_assert(std::variant_size_v<LogData> == 4);

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Wire types (keys are exactly the contract's; see model.cpp for the mappings)
// ---------------------------------------------------------------------------------------------------------------------

// Where a chunk sits in its document.
struct ChunkMetadata {
  std::string heading;  // heading path, "Refunds and cancellation › Annual plans"
  std::string title;    // the document's title
  std::int64_t start = 0;  // byte offsets of the chunk in the document
  std::int64_t end = 0;
  double score = 0.0;  // the raw retrieval score behind `similarity`
  bool operator==(const ChunkMetadata&) const = default;
};
template <class F>
void Fields(ChunkMetadata& v, F&& f) {
  f("heading", v.heading);
  f("title", v.title);
  f("start", v.start);
  f("end", v.end);
  f("score", v.score);
}

struct DocumentChunk {
  std::int64_t id = 0;
  std::string content;
  double similarity = 0.0;  // 0..1
  std::string source;
  std::optional<ChunkMetadata> metadata;
  bool operator==(const DocumentChunk&) const = default;
};

struct RetrievalLog {
  std::string id;  // UUID
  std::string title;
  LogData data;  // its alternative is the log's type
  std::string timestamp;  // ISO 8601 UTC with milliseconds
  LogStatus status = LogStatus::Success;
  std::optional<std::vector<DocumentChunk>> chunks;
  LogType Type() const { return static_cast<LogType>(data.index()); }
  bool operator==(const RetrievalLog&) const = default;
};

struct ChatMetrics {
  std::int64_t tokensUsed = 0;
  double cost = 0.0;     // US dollars
  double latency = 0.0;  // milliseconds, measured
  CacheStatus cache_status = CacheStatus::None;
  bool operator==(const ChatMetrics&) const = default;
};

// Status of every agent after a turn; serialized as {orchestrator, billing, technical, policy}.
struct AgentStatusMap {
  std::array<AgentStatus, 4> status{AgentStatus::Idle, AgentStatus::Idle, AgentStatus::Idle, AgentStatus::Idle};
  AgentStatus& operator[](AgentId id) { return status[static_cast<std::size_t>(id)]; }
  AgentStatus operator[](AgentId id) const { return status[static_cast<std::size_t>(id)]; }
  bool operator==(const AgentStatusMap&) const = default;
};

struct Agent {
  AgentId id = AgentId::Orchestrator;
  std::string name;
  std::string model;
  Strategy strategy = Strategy::Orchestration;
  std::string color;  // "#06B6D4"
  AgentStatus status = AgentStatus::Idle;
  std::int64_t tokensUsed = 0;
  double cost = 0.0;
  bool operator==(const Agent&) const = default;
};

// The knowledge base as the document viewer reads it (GET /api/documents, GET /api/documents/{id}).
struct DocumentSection {
  std::int64_t chunk_id = 0;  // the chunk a citation or a search hit names
  std::string heading;        // heading path, "Refunds and cancellation > Annual plans"
  std::int64_t start = 0;     // byte offsets of the section in the document's content
  std::int64_t end = 0;
  bool operator==(const DocumentSection&) const = default;
};
struct DocumentSummary {
  std::string id;  // the document's path, "policy/refunds-and-cancellation.md": also its address
  std::string path;
  std::string title;
  std::string domain;  // billing, technical, policy or general
  std::vector<std::string> sections;  // heading paths in reading order
  bool operator==(const DocumentSummary&) const = default;
};
struct DocumentDetail {
  std::string id;
  std::string path;
  std::string title;
  std::string domain;
  std::string content;  // the whole markdown
  std::vector<DocumentSection> chunks;
  bool operator==(const DocumentDetail&) const = default;
};

// A customer's rating of an answer (POST /api/feedback); a second vote on the same answer replaces the first.
struct Feedback {
  std::string rating;                  // "up" | "down"
  std::optional<std::string> reason;   // thumbs down only: "wrong" | "incomplete" | "not_what_i_asked" | "other"
  std::optional<std::string> comment;  // thumbs down only: free text, at most 500 characters
  std::string updated_at;              // when the vote was (last) given
  bool operator==(const Feedback&) const = default;
};
inline constexpr std::array<const char*, 4> kFeedbackReasons = {"wrong", "incomplete", "not_what_i_asked", "other"};
inline constexpr std::size_t kMaxFeedbackCommentChars = 500;

// POST /api/feedback: the body, and the stored vote as the reply.
struct FeedbackRequest {
  std::string session_id;
  std::string message_id;  // an assistant message of that session
  std::string rating;
  std::optional<std::string> reason;
  std::optional<std::string> comment;
  bool operator==(const FeedbackRequest&) const = default;
};
struct FeedbackRecord {
  std::string session_id;
  std::string message_id;
  Feedback feedback;
  bool operator==(const FeedbackRecord&) const = default;
};

struct Message {
  std::string id;  // UUID
  MessageRole role = MessageRole::User;
  std::string content;
  std::string timestamp;
  std::optional<AgentId> agent;        // assistant messages
  std::optional<double> confidence;    // assistant messages, 0..1
  std::optional<ChatMetrics> metrics;  // assistant messages
  std::vector<std::string> log_ids;    // the retrieval logs of this turn (assistant messages)
  std::optional<Feedback> feedback;    // assistant messages the customer rated
  bool operator==(const Message&) const = default;
};

struct ChatSession {
  std::string id;  // UUID, lower case
  std::string start_time;
  std::string last_activity;
  std::int64_t total_tokens = 0;
  double total_cost = 0.0;
  std::int64_t message_count = 0;
  bool operator==(const ChatSession&) const = default;
};

struct ChatRequest {
  std::string message;
  std::string session_id;
  bool operator==(const ChatRequest&) const = default;
};

struct ChatResponse {
  std::string message;
  AgentId agent = AgentId::Orchestrator;
  double confidence = 0.0;
  std::vector<RetrievalLog> logs;
  ChatMetrics metrics;
  AgentStatusMap agent_status;
  bool operator==(const ChatResponse&) const = default;
};

struct ErrorBody {
  std::string code;  // e.g. "VALIDATION_ERROR"
  std::string message;
  std::optional<Json> details;
  std::string timestamp;
  std::string requestId;
  bool operator==(const ErrorBody&) const = default;
};

struct ErrorResponse {
  ErrorBody error;
  bool operator==(const ErrorResponse&) const = default;
};

// GET /api/insights, as the page's insights view reads it (contract "InsightsReport"; the server builds it in
// service/insights.cpp).
struct InsightsTotals {
  std::int64_t questions = 0, answered = 0, declined = 0, small_talk = 0, thumbs_up = 0, thumbs_down = 0, tokens = 0;
  double resolution_rate = 0.0, thumbs_down_rate = 0.0, cache_hit_rate = 0.0;
  double latency_p50_ms = 0.0, latency_p95_ms = 0.0, cost = 0.0;
  bool operator==(const InsightsTotals&) const = default;
};
struct InsightsDay {
  std::string day;
  std::int64_t questions = 0, answered = 0, declined = 0, small_talk = 0, thumbs_down = 0;
  bool operator==(const InsightsDay&) const = default;
};
struct InsightsAgent {
  AgentId agent = AgentId::Orchestrator;
  std::int64_t questions = 0;
  double share = 0.0, latency_p50_ms = 0.0, latency_p95_ms = 0.0;
  bool operator==(const InsightsAgent&) const = default;
};
struct InsightsStrategy {
  Strategy strategy = Strategy::Orchestration;
  std::int64_t questions = 0;
  double share = 0.0;
  bool operator==(const InsightsStrategy&) const = default;
};
struct ContentGap {
  std::int64_t count = 0, declined = 0, thumbs_down = 0;
  std::vector<std::string> examples;
  std::string last_asked;
  std::optional<std::string> document;  // the nearest document section, when one is known
  std::string heading;
  std::int64_t chunk_id = 0;
  bool operator==(const ContentGap&) const = default;
};
struct InsightsReport {
  std::string from, to;
  std::string resolution_definition;
  InsightsTotals totals;
  std::vector<InsightsDay> days;
  std::vector<InsightsAgent> agents;
  std::vector<InsightsStrategy> strategies;
  std::vector<ContentGap> gaps;
  bool operator==(const InsightsReport&) const = default;
};
void from_json(const Json& j, InsightsReport& v);

// GET /api/session/{id}
struct SessionHistory {
  ChatSession session;
  std::vector<Message> messages;
  std::vector<RetrievalLog> logs;
  bool operator==(const SessionHistory&) const = default;
};

// POST /api/session
struct SessionCreated {
  std::string session_id;
  std::string created_at;
  bool operator==(const SessionCreated&) const = default;
};

// GET /api/health
// A store's connection pool (PostgreSQL): how many connections it may open, has open, and has idle.
struct StorePool {
  std::int64_t size = 0;
  std::int64_t open = 0;
  std::int64_t idle = 0;
  bool operator==(const StorePool&) const = default;
};
struct HealthStatus {
  std::string status;  // "healthy" | "degraded"
  std::string version;
  std::string timestamp;
  std::string store_kind;
  bool store_ok = true;
  std::int64_t documents = 0;
  std::int64_t chunks = 0;
  std::string llm_kind;  // "extractive" | "openai"
  std::string llm_model;
  std::optional<StorePool> store_pool;  // stores with a connection pool only (PostgreSQL)
  bool operator==(const HealthStatus&) const = default;
};

// SSE event payloads.
struct AgentStatusEvent {
  AgentId agent = AgentId::Orchestrator;
  AgentStatus status = AgentStatus::Idle;
  bool operator==(const AgentStatusEvent&) const = default;
};
struct MessageChunkEvent {
  std::string content;
  bool operator==(const MessageChunkEvent&) const = default;
};
// Their members for the JSON text writer (model/json_text.h).
template <class F>
void Fields(AgentStatusEvent& v, F&& f) {
  f("agent", v.agent);
  f("status", v.status);
}
template <class F>
void Fields(MessageChunkEvent& v, F&& f) {
  f("content", v.content);
}
struct DoneEvent {
  ChatResponse response;
  std::string message_id;
  bool operator==(const DoneEvent&) const = default;
};
struct StreamErrorEvent {
  std::string code;
  std::string message;
  bool retryable = false;
  bool operator==(const StreamErrorEvent&) const = default;
};

// JSON mappings. to_json writes exactly the contract's keys (optional ones only when set); from_json is lenient about
// nothing: it throws nlohmann::json exceptions on wrong types. Use the Validate*/Parse* functions of validation.h for
// input that crosses a trust boundary.
void to_json(Json& j, const Feedback& v);
void from_json(const Json& j, Feedback& v);
void to_json(Json& j, const FeedbackRequest& v);
void from_json(const Json& j, FeedbackRequest& v);
void to_json(Json& j, const FeedbackRecord& v);
void from_json(const Json& j, FeedbackRecord& v);
void to_json(Json& j, const RoutingReason& v);
void from_json(const Json& j, RoutingReason& v);
void to_json(Json& j, const IntentAlternative& v);
void from_json(const Json& j, IntentAlternative& v);
void to_json(Json& j, const FollowUp& v);
void from_json(const Json& j, FollowUp& v);
void to_json(Json& j, const RoutingData& v);
void from_json(const Json& j, RoutingData& v);
void to_json(Json& j, const TermExpansion& v);
void from_json(const Json& j, TermExpansion& v);
void to_json(Json& j, const SearchData& v);
void from_json(const Json& j, SearchData& v);
void to_json(Json& j, const CacheData& v);
void from_json(const Json& j, CacheData& v);
void to_json(Json& j, const Citation& v);
void from_json(const Json& j, Citation& v);
void to_json(Json& j, const DocumentsData& v);
void from_json(const Json& j, DocumentsData& v);
// The payload alone (no type tag); ParseLogData reads it for a given type and throws nlohmann exceptions.
void to_json(Json& j, const LogData& v);
LogData ParseLogData(LogType type, const Json& j);
void to_json(Json& j, const ChunkMetadata& v);
void from_json(const Json& j, ChunkMetadata& v);
void to_json(Json& j, const DocumentChunk& v);
void from_json(const Json& j, DocumentChunk& v);
void to_json(Json& j, const RetrievalLog& v);
void from_json(const Json& j, RetrievalLog& v);
void to_json(Json& j, const ChatMetrics& v);
void from_json(const Json& j, ChatMetrics& v);
void to_json(Json& j, const AgentStatusMap& v);
void from_json(const Json& j, AgentStatusMap& v);
void to_json(Json& j, const Agent& v);
void from_json(const Json& j, Agent& v);
void to_json(Json& j, const Message& v);
void from_json(const Json& j, Message& v);
void to_json(Json& j, const DocumentSection& v);
void from_json(const Json& j, DocumentSection& v);
void to_json(Json& j, const DocumentSummary& v);
void from_json(const Json& j, DocumentSummary& v);
void to_json(Json& j, const DocumentDetail& v);
void from_json(const Json& j, DocumentDetail& v);
void to_json(Json& j, const ChatSession& v);
void from_json(const Json& j, ChatSession& v);
void to_json(Json& j, const ChatRequest& v);
void from_json(const Json& j, ChatRequest& v);
void to_json(Json& j, const ChatResponse& v);
void from_json(const Json& j, ChatResponse& v);
void to_json(Json& j, const ErrorBody& v);
void from_json(const Json& j, ErrorBody& v);
void to_json(Json& j, const ErrorResponse& v);
void from_json(const Json& j, ErrorResponse& v);
void to_json(Json& j, const SessionHistory& v);
void from_json(const Json& j, SessionHistory& v);
void to_json(Json& j, const SessionCreated& v);
void from_json(const Json& j, SessionCreated& v);
void to_json(Json& j, const HealthStatus& v);
void from_json(const Json& j, HealthStatus& v);
void to_json(Json& j, const AgentStatusEvent& v);
void from_json(const Json& j, AgentStatusEvent& v);
void to_json(Json& j, const MessageChunkEvent& v);
void from_json(const Json& j, MessageChunkEvent& v);
void to_json(Json& j, const DoneEvent& v);
void from_json(const Json& j, DoneEvent& v);
void to_json(Json& j, const StreamErrorEvent& v);
void from_json(const Json& j, StreamErrorEvent& v);

}  // namespace oai
