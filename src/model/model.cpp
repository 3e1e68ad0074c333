// JSON mappings of the model: exactly the contract's keys, optional keys only when set.
#include "model/model.h"

#include "model/agents.h"

#include <type_traits>

namespace oai {

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Enum names
// ---------------------------------------------------------------------------------------------------------------------

namespace {
template <class E>
std::optional<E> ParseName(const std::string& s, std::initializer_list<E> all) {
  for (E e : all) {
    if (Json(e).get<std::string>() == s) return e;
  }
  return std::nullopt;
}
}  // namespace

namespace {
// An optional member of the contract: read when the key is there, else none.
template <class T>
std::optional<T> OptionalAt(const Json& j, const char* key) {
  return j.contains(key) ? std::optional<T>(j.at(key).get<T>()) : std::nullopt;
}
// Written only when set.
template <class T>
void PutOptional(Json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}
}  // namespace

const char* ToString(AgentId v) {
  switch (v) {
    case AgentId::Orchestrator: return "orchestrator";
    case AgentId::Billing: return "billing";
    case AgentId::Technical: return "technical";
    case AgentId::Policy: return "policy";
  }
  return "orchestrator";
}
const char* ToString(AgentStatus v) {
  switch (v) {
    case AgentStatus::Idle: return "idle";
    case AgentStatus::Routing: return "routing";
    case AgentStatus::Active: return "active";
    case AgentStatus::Complete: return "complete";
  }
  return "idle";
}
const char* ToString(MessageRole v) { return v == MessageRole::User ? "user" : "assistant"; }
const char* ToString(LogType v) {
  switch (v) {
    case LogType::Routing: return "routing";
    case LogType::VectorSearch: return "vector_search";
    case LogType::Cache: return "cache";
    case LogType::Documents: return "documents";
  }
  return "routing";
}
const char* ToString(LogStatus v) {
  switch (v) {
    case LogStatus::Success: return "success";
    case LogStatus::Pending: return "pending";
    case LogStatus::Warning: return "warning";
    case LogStatus::Error: return "error";
  }
  return "success";
}
const char* ToString(CacheStatus v) {
  switch (v) {
    case CacheStatus::Hit: return "hit";
    case CacheStatus::Miss: return "miss";
    case CacheStatus::None: return "none";
  }
  return "none";
}
const char* ToString(Strategy v) {
  switch (v) {
    case Strategy::Orchestration: return "orchestration";
    case Strategy::PureCag: return "pure_cag";
    case Strategy::PureRag: return "pure_rag";
    case Strategy::Hybrid: return "hybrid";
  }
  return "orchestration";
}

std::optional<AgentId> ParseAgentId(const std::string& s) {
  return ParseName(s, {AgentId::Orchestrator, AgentId::Billing, AgentId::Technical, AgentId::Policy});
}
std::optional<AgentStatus> ParseAgentStatus(const std::string& s) {
  return ParseName(s, {AgentStatus::Idle, AgentStatus::Routing, AgentStatus::Active, AgentStatus::Complete});
}
std::optional<LogType> ParseLogType(const std::string& s) {
  return ParseName(s, {LogType::Routing, LogType::VectorSearch, LogType::Cache, LogType::Documents});
}
std::optional<LogStatus> ParseLogStatus(const std::string& s) {
  return ParseName(s, {LogStatus::Success, LogStatus::Pending, LogStatus::Warning, LogStatus::Error});
}
std::optional<CacheStatus> ParseCacheStatus(const std::string& s) {
  return ParseName(s, {CacheStatus::Hit, CacheStatus::Miss, CacheStatus::None});
}
std::optional<Strategy> ParseStrategy(const std::string& s) {
  return ParseName(s, {Strategy::Orchestration, Strategy::PureCag, Strategy::PureRag, Strategy::Hybrid});
}

const char* DisplayName(AgentId v) { return SpecOf(v).name; }
const char* DisplayName(Strategy v) {
  switch (v) {
    case Strategy::Orchestration: return "Orchestration";
    case Strategy::PureCag: return "Pure CAG";
    case Strategy::PureRag: return "Pure RAG";
    case Strategy::Hybrid: return "Hybrid";
  }
  return "Orchestration";
}

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] JSON mappings
// ---------------------------------------------------------------------------------------------------------------------

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
void WriteFields(Json& j, const T& v) {
  j = Json::object();
  Fields(v, [&j](const char* key, const auto& member) {
    if constexpr (IsOptional<std::decay_t<decltype(member)>>::value) {
      if (member) j[key] = *member;
    } else {
      j[key] = member;
    }
  });
}

template <class T>
void ReadFields(const Json& j, T& v) {
  Fields(v, [&j](const char* key, auto& member) {
    using M = std::decay_t<decltype(member)>;
    if constexpr (IsOptional<M>::value) {
      auto it = j.find(key);
      member = it == j.end() ? std::nullopt : M(it->template get<typename M::value_type>());
    } else {
      j.at(key).get_to(member);
    }
  });
}

void to_json(Json& j, const RoutingReason& v) { WriteFields(j, v); }
void from_json(const Json& j, RoutingReason& v) { ReadFields(j, v); }
void to_json(Json& j, const IntentAlternative& v) { WriteFields(j, v); }
void from_json(const Json& j, IntentAlternative& v) { ReadFields(j, v); }
void to_json(Json& j, const FollowUp& v) { WriteFields(j, v); }
void from_json(const Json& j, FollowUp& v) { ReadFields(j, v); }
void to_json(Json& j, const RoutingData& v) { WriteFields(j, v); }
void from_json(const Json& j, RoutingData& v) { ReadFields(j, v); }
void to_json(Json& j, const TermExpansion& v) { WriteFields(j, v); }
void from_json(const Json& j, TermExpansion& v) { ReadFields(j, v); }
void to_json(Json& j, const SearchData& v) { WriteFields(j, v); }
void from_json(const Json& j, SearchData& v) { ReadFields(j, v); }
void to_json(Json& j, const CacheData& v) { WriteFields(j, v); }
void from_json(const Json& j, CacheData& v) { ReadFields(j, v); }
void to_json(Json& j, const Citation& v) { WriteFields(j, v); }
void from_json(const Json& j, Citation& v) { ReadFields(j, v); }
void to_json(Json& j, const DocumentsData& v) { WriteFields(j, v); }
void from_json(const Json& j, DocumentsData& v) { ReadFields(j, v); }
void to_json(Json& j, const ChunkMetadata& v) { WriteFields(j, v); }
void from_json(const Json& j, ChunkMetadata& v) { ReadFields(j, v); }

void to_json(Json& j, const LogData& v) {
  std::visit([&j](const auto& data) { j = data; }, v);
}

LogData ParseLogData(LogType type, const Json& j) {
  if (!j.is_object()) throw Json::type_error::create(302, "data must be an object", &j);
  switch (type) {
    case LogType::Routing: return j.get<RoutingData>();
    case LogType::VectorSearch: return j.get<SearchData>();
    case LogType::Cache: return j.get<CacheData>();
    case LogType::Documents: return j.get<DocumentsData>();
  }
  throw Json::type_error::create(302, "unknown log type", &j);
}

void to_json(Json& j, const DocumentChunk& v) {
  j = Json{{"id", v.id}, {"content", v.content}, {"similarity", v.similarity}, {"source", v.source}};
  if (v.metadata) j["metadata"] = *v.metadata;
}
void from_json(const Json& j, DocumentChunk& v) {
  j.at("id").get_to(v.id);
  j.at("content").get_to(v.content);
  j.at("similarity").get_to(v.similarity);
  j.at("source").get_to(v.source);
  auto it = j.find("metadata");
  v.metadata = it == j.end() ? std::nullopt : std::optional<ChunkMetadata>(it->get<ChunkMetadata>());
}

void to_json(Json& j, const RetrievalLog& v) {
  j = Json{{"id", v.id},
           {"type", v.Type()},
           {"title", v.title},
           {"data", v.data},
           {"timestamp", v.timestamp},
           {"status", v.status}};
  if (v.chunks) j["chunks"] = *v.chunks;
}
void from_json(const Json& j, RetrievalLog& v) {
  j.at("id").get_to(v.id);
  const std::optional<LogType> type = ParseLogType(j.at("type").get<std::string>());
  if (!type) throw Json::type_error::create(302, "type must be routing, vector_search, cache or documents", &j);
  j.at("title").get_to(v.title);
  v.data = ParseLogData(*type, j.at("data"));
  j.at("timestamp").get_to(v.timestamp);
  j.at("status").get_to(v.status);
  if (j.contains("chunks")) {
    v.chunks = j.at("chunks").get<std::vector<DocumentChunk>>();
  } else {
    v.chunks.reset();
  }
}

void to_json(Json& j, const ChatMetrics& v) {
  j = Json{{"tokensUsed", v.tokensUsed}, {"cost", v.cost}, {"latency", v.latency}, {"cache_status", v.cache_status}};
}
void from_json(const Json& j, ChatMetrics& v) {
  j.at("tokensUsed").get_to(v.tokensUsed);
  j.at("cost").get_to(v.cost);
  j.at("latency").get_to(v.latency);
  j.at("cache_status").get_to(v.cache_status);
}

void to_json(Json& j, const AgentStatusMap& v) {
  j = Json::object();
  for (AgentId id : kAllAgents) j[ToString(id)] = v[id];
}
void from_json(const Json& j, AgentStatusMap& v) {
  for (AgentId id : kAllAgents) j.at(ToString(id)).get_to(v[id]);
}

void to_json(Json& j, const Agent& v) {
  j = Json{{"id", v.id},         {"name", v.name},     {"model", v.model},           {"strategy", v.strategy},
           {"color", v.color},   {"status", v.status}, {"tokensUsed", v.tokensUsed}, {"cost", v.cost}};
}
void from_json(const Json& j, Agent& v) {
  j.at("id").get_to(v.id);
  j.at("name").get_to(v.name);
  j.at("model").get_to(v.model);
  j.at("strategy").get_to(v.strategy);
  j.at("color").get_to(v.color);
  j.at("status").get_to(v.status);
  j.at("tokensUsed").get_to(v.tokensUsed);
  j.at("cost").get_to(v.cost);
}

void to_json(Json& j, const DocumentSection& v) {
  j = Json{{"chunk_id", v.chunk_id}, {"heading", v.heading}, {"start", v.start}, {"end", v.end}};
}
void from_json(const Json& j, DocumentSection& v) {
  j.at("chunk_id").get_to(v.chunk_id);
  j.at("heading").get_to(v.heading);
  j.at("start").get_to(v.start);
  j.at("end").get_to(v.end);
}
void to_json(Json& j, const DocumentSummary& v) {
  j = Json{{"id", v.id}, {"path", v.path}, {"title", v.title}, {"domain", v.domain}, {"sections", v.sections}};
}
void from_json(const Json& j, DocumentSummary& v) {
  j.at("id").get_to(v.id);
  j.at("path").get_to(v.path);
  j.at("title").get_to(v.title);
  j.at("domain").get_to(v.domain);
  j.at("sections").get_to(v.sections);
}
void to_json(Json& j, const DocumentDetail& v) {
  j = Json{{"id", v.id},         {"path", v.path},       {"title", v.title},
           {"domain", v.domain}, {"content", v.content}, {"chunks", v.chunks}};
}
void from_json(const Json& j, DocumentDetail& v) {
  j.at("id").get_to(v.id);
  j.at("path").get_to(v.path);
  j.at("title").get_to(v.title);
  j.at("domain").get_to(v.domain);
  j.at("content").get_to(v.content);
  j.at("chunks").get_to(v.chunks);
}

void to_json(Json& j, const Feedback& v) {
  // Member by member (here and below): nlohmann's initializer lists cost the page more code.
  j = Json::object();
  j["rating"] = v.rating;
  j["updated_at"] = v.updated_at;
  PutOptional(j, "reason", v.reason);
  PutOptional(j, "comment", v.comment);
}
void from_json(const Json& j, Feedback& v) {
  j.at("rating").get_to(v.rating);
  j.at("updated_at").get_to(v.updated_at);
  v.reason = OptionalAt<std::string>(j, "reason");
  v.comment = OptionalAt<std::string>(j, "comment");
}
void to_json(Json& j, const FeedbackRequest& v) {
  j = Json::object();
  j["session_id"] = v.session_id;
  j["message_id"] = v.message_id;
  j["rating"] = v.rating;
  PutOptional(j, "reason", v.reason);
  PutOptional(j, "comment", v.comment);
}
void from_json(const Json& j, FeedbackRequest& v) {
  j.at("session_id").get_to(v.session_id);
  j.at("message_id").get_to(v.message_id);
  j.at("rating").get_to(v.rating);
  v.reason = OptionalAt<std::string>(j, "reason");
  v.comment = OptionalAt<std::string>(j, "comment");
}
void to_json(Json& j, const FeedbackRecord& v) {
  j = v.feedback;
  j["session_id"] = v.session_id;
  j["message_id"] = v.message_id;
}
void from_json(const Json& j, FeedbackRecord& v) {
  j.at("session_id").get_to(v.session_id);
  j.at("message_id").get_to(v.message_id);
  v.feedback = j.get<Feedback>();
}

void to_json(Json& j, const Message& v) {
  j = Json{{"id", v.id}, {"role", v.role}, {"content", v.content}, {"timestamp", v.timestamp}};
  if (v.agent) j["agent"] = *v.agent;
  if (v.confidence) j["confidence"] = *v.confidence;
  if (v.metrics) j["metrics"] = *v.metrics;
  if (!v.log_ids.empty()) j["log_ids"] = v.log_ids;
  if (v.feedback) j["feedback"] = *v.feedback;
}
void from_json(const Json& j, Message& v) {
  j.at("id").get_to(v.id);
  j.at("role").get_to(v.role);
  j.at("content").get_to(v.content);
  j.at("timestamp").get_to(v.timestamp);
  v.agent = OptionalAt<AgentId>(j, "agent");
  v.confidence = OptionalAt<double>(j, "confidence");
  v.metrics = OptionalAt<ChatMetrics>(j, "metrics");
  v.log_ids = j.contains("log_ids") ? j.at("log_ids").get<std::vector<std::string>>() : std::vector<std::string>{};
  v.feedback = OptionalAt<Feedback>(j, "feedback");
}

void to_json(Json& j, const ChatSession& v) {
  j = Json{{"id", v.id},
           {"start_time", v.start_time},
           {"last_activity", v.last_activity},
           {"total_tokens", v.total_tokens},
           {"total_cost", v.total_cost},
           {"message_count", v.message_count}};
}
void from_json(const Json& j, ChatSession& v) {
  j.at("id").get_to(v.id);
  j.at("start_time").get_to(v.start_time);
  j.at("last_activity").get_to(v.last_activity);
  j.at("total_tokens").get_to(v.total_tokens);
  j.at("total_cost").get_to(v.total_cost);
  j.at("message_count").get_to(v.message_count);
}

void to_json(Json& j, const ChatRequest& v) { j = Json{{"message", v.message}, {"session_id", v.session_id}}; }
void from_json(const Json& j, ChatRequest& v) {
  j.at("message").get_to(v.message);
  j.at("session_id").get_to(v.session_id);
}

void to_json(Json& j, const ChatResponse& v) {
  j = Json{{"message", v.message},       {"agent", v.agent},     {"confidence", v.confidence},
           {"logs", v.logs},             {"metrics", v.metrics}, {"agent_status", v.agent_status}};
}
void from_json(const Json& j, ChatResponse& v) {
  j.at("message").get_to(v.message);
  j.at("agent").get_to(v.agent);
  j.at("confidence").get_to(v.confidence);
  j.at("logs").get_to(v.logs);
  j.at("metrics").get_to(v.metrics);
  j.at("agent_status").get_to(v.agent_status);
}

void to_json(Json& j, const ErrorBody& v) {
  j = Json{{"code", v.code}, {"message", v.message}, {"timestamp", v.timestamp}, {"requestId", v.requestId}};
  if (v.details) j["details"] = *v.details;
}
void from_json(const Json& j, ErrorBody& v) {
  j.at("code").get_to(v.code);
  j.at("message").get_to(v.message);
  j.at("timestamp").get_to(v.timestamp);
  j.at("requestId").get_to(v.requestId);
  v.details = j.contains("details") ? std::optional<Json>(j.at("details")) : std::nullopt;
}
void to_json(Json& j, const ErrorResponse& v) { j = Json{{"error", v.error}}; }
void from_json(const Json& j, ErrorResponse& v) { j.at("error").get_to(v.error); }

void to_json(Json& j, const SessionHistory& v) {
  j = Json{{"session", v.session}, {"messages", v.messages}, {"logs", v.logs}};
}
void from_json(const Json& j, SessionHistory& v) {
  j.at("session").get_to(v.session);
  j.at("messages").get_to(v.messages);
  j.at("logs").get_to(v.logs);
}

void to_json(Json& j, const SessionCreated& v) {
  j = Json{{"session_id", v.session_id}, {"created_at", v.created_at}};
}
void from_json(const Json& j, SessionCreated& v) {
  j.at("session_id").get_to(v.session_id);
  j.at("created_at").get_to(v.created_at);
}

void to_json(Json& j, const HealthStatus& v) {
  j = Json{{"status", v.status},
           {"version", v.version},
           {"timestamp", v.timestamp},
           {"store", {{"kind", v.store_kind}, {"ok", v.store_ok}}},
           {"engine", {{"documents", v.documents}, {"chunks", v.chunks}}},
           {"llm", {{"kind", v.llm_kind}, {"model", v.llm_model}}}};
  if (v.store_pool)
    j["store"]["pool"] = {{"size", v.store_pool->size}, {"open", v.store_pool->open}, {"idle", v.store_pool->idle}};
}
void from_json(const Json& j, HealthStatus& v) {
  j.at("status").get_to(v.status);
  j.at("version").get_to(v.version);
  j.at("timestamp").get_to(v.timestamp);
  j.at("store").at("kind").get_to(v.store_kind);
  j.at("store").at("ok").get_to(v.store_ok);
  if (const auto pool = j.at("store").find("pool"); pool != j.at("store").end()) {
    v.store_pool = StorePool{pool->at("size").get<std::int64_t>(), pool->at("open").get<std::int64_t>(),
                             pool->at("idle").get<std::int64_t>()};
  }
  j.at("engine").at("documents").get_to(v.documents);
  j.at("engine").at("chunks").get_to(v.chunks);
  j.at("llm").at("kind").get_to(v.llm_kind);
  j.at("llm").at("model").get_to(v.llm_model);
}

void to_json(Json& j, const AgentStatusEvent& v) { j = Json{{"agent", v.agent}, {"status", v.status}}; }
void from_json(const Json& j, AgentStatusEvent& v) {
  j.at("agent").get_to(v.agent);
  j.at("status").get_to(v.status);
}
void to_json(Json& j, const MessageChunkEvent& v) { j = Json{{"content", v.content}}; }
void from_json(const Json& j, MessageChunkEvent& v) { j.at("content").get_to(v.content); }
void to_json(Json& j, const DoneEvent& v) {
  to_json(j, v.response);
  j["message_id"] = v.message_id;
}
void from_json(const Json& j, DoneEvent& v) {
  from_json(j, v.response);
  j.at("message_id").get_to(v.message_id);
}
void to_json(Json& j, const StreamErrorEvent& v) {
  j = Json{{"code", v.code}, {"message", v.message}, {"retryable", v.retryable}};
}
void from_json(const Json& j, StreamErrorEvent& v) {
  j.at("code").get_to(v.code);
  j.at("message").get_to(v.message);
  j.at("retryable").get_to(v.retryable);
}

void from_json(const Json& j, InsightsReport& v) {
  j.at("from").get_to(v.from);
  j.at("to").get_to(v.to);
  j.at("definitions").at("resolution_rate").get_to(v.resolution_definition);
  const Json& t = j.at("totals");
  InsightsTotals& o = v.totals;
  t.at("questions").get_to(o.questions);
  t.at("answered").get_to(o.answered);
  t.at("declined").get_to(o.declined);
  t.at("small_talk").get_to(o.small_talk);
  t.at("thumbs_up").get_to(o.thumbs_up);
  t.at("thumbs_down").get_to(o.thumbs_down);
  t.at("tokens").get_to(o.tokens);
  t.at("resolution_rate").get_to(o.resolution_rate);
  t.at("thumbs_down_rate").get_to(o.thumbs_down_rate);
  t.at("cache_hit_rate").get_to(o.cache_hit_rate);
  t.at("latency_p50_ms").get_to(o.latency_p50_ms);
  t.at("latency_p95_ms").get_to(o.latency_p95_ms);
  t.at("cost").get_to(o.cost);
  v.days.clear();
  for (const Json& d : j.at("days")) {
    v.days.push_back(InsightsDay{d.at("day"), d.at("questions"), d.at("answered"), d.at("declined"),
                                 d.at("small_talk"), d.at("thumbs_down")});
  }
  v.agents.clear();
  for (const Json& a : j.at("agents")) {
    v.agents.push_back(InsightsAgent{a.at("agent").get<AgentId>(), a.at("questions"), a.at("share"),
                                     a.at("latency_p50_ms"), a.at("latency_p95_ms")});
  }
  v.strategies.clear();
  for (const Json& s : j.at("strategies")) {
    v.strategies.push_back(InsightsStrategy{s.at("strategy").get<Strategy>(), s.at("questions"), s.at("share")});
  }
  v.gaps.clear();
  for (const Json& g : j.at("gaps")) {
    ContentGap gap;
    g.at("count").get_to(gap.count);
    g.at("declined").get_to(gap.declined);
    g.at("thumbs_down").get_to(gap.thumbs_down);
    g.at("examples").get_to(gap.examples);
    g.at("last_asked").get_to(gap.last_asked);
    if (const Json& n = g.at("nearest"); !n.is_null()) {
      gap.document = n.at("document").get<std::string>();
      n.at("heading").get_to(gap.heading);
      n.at("chunk_id").get_to(gap.chunk_id);
    }
    v.gaps.push_back(std::move(gap));
  }
}

}  // namespace oai
