// Redis session store and response cache (see redis_store.h).
#include "server/redis_store.h"

#include <hiredis/hiredis.h>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "model/json_text.h"

namespace oai::server {

using service::StoreUnavailable;

namespace {

std::string SessionKey(const std::string& id) { return "session:" + id; }

// The insights' keys, per day of the answer: counters (numbers only, kept 400 days), votes, and the turns a content
// gap may come from ("session|message", scored by time). A gap's question is read from the session's facts hash, so
// it is gone with the session (its TTL, or DELETE).
constexpr int kInsightsTtlSeconds = 400 * 86400;
std::string DailyKey(const std::string& day) { return "insights:daily:" + day; }
std::string VotesKey(const std::string& day) { return "insights:votes:" + day; }
std::string DeclinedKey(const std::string& day) { return "insights:declined:" + day; }
std::string DownKey(const std::string& day) { return "insights:down:" + day; }
std::string RollupField(const service::RollupKey& k) {
  return k.agent + "|" + k.strategy + "|" + k.outcome + "|" + (k.cached ? "1" : "0") + "|" + std::to_string(k.bucket);
}
std::string NowMsText() {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
}
}  // namespace

// ---------------------------------------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------------------------------------

RedisConnection::RedisConnection(const std::string& url) : m_url(url) {
  if (url.rfind("redis://", 0) != 0) throw std::invalid_argument("REDIS_URL must look like redis://host:port");
  std::string rest = url.substr(8);
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);  // no AUTH support yet
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty()) {
      if (db.find_first_not_of("0123456789") != std::string::npos) throw std::invalid_argument("REDIS_URL: bad database number " + db);
      m_db = std::stoi(db);
    }
  }
  const auto colon = rest.rfind(':');
  m_host = colon == std::string::npos ? rest : rest.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
      throw std::invalid_argument("REDIS_URL: bad port " + port);
    }
    m_port = std::stoi(port);
  }
  if (m_host.empty()) throw std::invalid_argument("REDIS_URL: missing host");
}

RedisConnection::~RedisConnection() {
  for (redisContext* ctx : m_idle) redisFree(ctx);
}

redisContext* RedisConnection::Connect() {
  const timeval timeout{1, 0};
  redisContext* ctx = redisConnectWithTimeout(m_host.c_str(), m_port, timeout);
  if (!ctx || ctx->err) {
    const std::string why = ctx ? ctx->errstr : "out of memory";
    if (ctx) redisFree(ctx);
    throw StoreUnavailable("redis " + m_host + ":" + std::to_string(m_port) + ": " + why);
  }
  redisSetTimeout(ctx, timeout);
  if (m_db != 0) {
    auto* reply = static_cast<redisReply*>(redisCommand(ctx, "SELECT %d", m_db));
    const bool ok = reply && reply->type != REDIS_REPLY_ERROR;
    if (reply) freeReplyObject(reply);
    if (!ok) {
      redisFree(ctx);
      throw StoreUnavailable("redis: cannot select database " + std::to_string(m_db));
    }
  }
  return ctx;
}

redisContext* RedisConnection::Acquire() {
  {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_returned.wait(lock, [this] { return !m_idle.empty() || m_open < kMaxConnections; });
    if (!m_idle.empty()) {
      redisContext* ctx = m_idle.back();
      m_idle.pop_back();
      return ctx;
    }
    ++m_open;  // reserve a slot, connect outside the lock
  }
  try {
    return Connect();
  } catch (...) {
    Release(nullptr);
    throw;
  }
}

void RedisConnection::Release(redisContext* ctx) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (ctx) {
      m_idle.push_back(ctx);
    } else {
      --m_open;
    }
  }
  m_returned.notify_one();
}

// A borrowed connection. After an I/O error the connection is unusable: Broken() frees it instead of returning it,
// and the next borrower connects anew (so the server recovers by itself when Redis comes back).
class RedisConnection::Lease {
 public:
  explicit Lease(RedisConnection& owner) : m_owner(owner), m_ctx(owner.Acquire()) {}
  ~Lease() { m_owner.Release(m_ctx); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  redisContext* get() const { return m_ctx; }
  // Closes the connection instead of returning it to the pool (replies may be left unread on it).
  void Discard() {
    if (m_ctx) redisFree(m_ctx);
    m_ctx = nullptr;
  }
  [[noreturn]] void Broken() {
    const std::string why = m_ctx->errstr[0] ? m_ctx->errstr : "connection lost";
    redisFree(m_ctx);
    m_ctx = nullptr;
    throw StoreUnavailable("redis: " + why);
  }
  RedisConnection::Reply Read() {
    void* raw = nullptr;
    if (redisGetReply(m_ctx, &raw) != REDIS_OK || !raw) Broken();
    return RedisConnection::Reply(static_cast<redisReply*>(raw), freeReplyObject);
  }
  void Append(const std::vector<std::string>& argv) {
    std::vector<const char*> args;
    std::vector<std::size_t> lengths;
    for (const auto& a : argv) {
      args.push_back(a.data());
      lengths.push_back(a.size());
    }
    if (redisAppendCommandArgv(m_ctx, static_cast<int>(args.size()), args.data(), lengths.data()) != REDIS_OK) Broken();
  }

 private:
  RedisConnection& m_owner;
  redisContext* m_ctx;
};

RedisConnection::Reply RedisConnection::Command(const std::vector<std::string>& argv) {
  Lease link(*this);
  link.Append(argv);
  Reply reply = link.Read();
  if (reply->type == REDIS_REPLY_ERROR) throw StoreUnavailable("redis: " + std::string(reply->str, reply->len));
  return reply;
}

void RedisConnection::Transaction(const std::vector<std::vector<std::string>>& commands) {
  const std::vector<std::string> errors = Transactions({&commands});
  if (!errors.front().empty()) throw StoreUnavailable(errors.front());
}

std::vector<std::string> RedisConnection::Transactions(const std::vector<const Commands*>& transactions) {
  std::vector<std::string> errors(transactions.size());
  std::size_t read = 0;  // transactions whose replies were all read
  std::optional<Lease> lease;
  try {
    lease.emplace(*this);
    Lease& link = *lease;
    for (const Commands* commands : transactions) {
      link.Append({"MULTI"});
      for (const auto& c : *commands) link.Append(c);
      link.Append({"EXEC"});
    }
    // Every reply is read, whatever it says, so the connection stays in step for the next borrower.
    for (; read < transactions.size(); ++read) {
      std::string error;
      for (std::size_t i = 0; i < transactions[read]->size() + 1; ++i) {
        Reply r = link.Read();
        if (r->type == REDIS_REPLY_ERROR && error.empty()) error = std::string(r->str, r->len);
      }
      Reply exec = link.Read();
      if (exec->type == REDIS_REPLY_ERROR && error.empty()) error = std::string(exec->str, exec->len);
      if (!error.empty()) errors[read] = "redis: " + error;
      else if (exec->type != REDIS_REPLY_ARRAY) errors[read] = "redis: transaction aborted";
    }
  } catch (const std::exception& e) {
    // The connection broke (or the replies could not be read): the transactions not read through may or may not
    // have run; they fail, and the connection, out of step, is not reused.
    if (lease) lease->Discard();
    for (; read < transactions.size(); ++read) errors[read] = *e.what() ? e.what() : "redis: connection lost";
  }
  return errors;
}

std::vector<RedisConnection::Reply> RedisConnection::Pipeline(const Commands& commands) {
  std::vector<Reply> replies;
  if (commands.empty()) return replies;
  std::optional<Lease> lease;
  try {
    lease.emplace(*this);
    for (const auto& c : commands) lease->Append(c);
    replies.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) replies.push_back(lease->Read());
  } catch (...) {
    if (lease) lease->Discard();  // out of step with its replies: not reused
    throw;
  }
  for (const Reply& r : replies)
    if (r->type == REDIS_REPLY_ERROR) throw StoreUnavailable("redis: " + std::string(r->str, r->len));
  return replies;
}

bool RedisConnection::Ping() {
  try {
    auto r = Command({"PING"});
    return r->type == REDIS_REPLY_STATUS;
  } catch (const StoreUnavailable&) {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------------------------------

namespace {
std::optional<ChatSession> ReadSession(RedisConnection& redis, const std::string& id) {
  auto r = redis.Command({"HGETALL", SessionKey(id)});
  if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) return std::nullopt;
  ChatSession s;
  s.id = id;
  for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
    const std::string field(r->element[i]->str, r->element[i]->len);
    const std::string value(r->element[i + 1]->str, r->element[i + 1]->len);
    if (field == "start_time") s.start_time = value;
    else if (field == "last_activity") s.last_activity = value;
    else if (field == "total_tokens") s.total_tokens = std::stoll(value);
    else if (field == "total_cost") s.total_cost = std::stod(value);
    else if (field == "message_count") s.message_count = std::stoll(value);
  }
  return s;
}
}  // namespace

ChatSession RedisSessionStore::Ensure(const std::string& id, const std::string& now) {
  const std::string key = SessionKey(id);
  // HSETNX keeps an existing session's start; the TTL is refreshed on every activity.
  m_redis->Transaction({{"HSETNX", key, "id", id},
                        {"HSETNX", key, "start_time", now},
                        {"HSETNX", key, "last_activity", now},
                        {"HSETNX", key, "total_tokens", "0"},
                        {"HSETNX", key, "total_cost", "0"},
                        {"HSETNX", key, "message_count", "0"},
                        {"EXPIRE", key, std::to_string(kTtlSeconds)}});
  return ReadSession(*m_redis, id).value();
}

std::optional<ChatSession> RedisSessionStore::Get(const std::string& id) { return ReadSession(*m_redis, id); }

std::optional<SessionHistory> RedisSessionStore::History(const std::string& id) {
  auto session = ReadSession(*m_redis, id);
  if (!session) return std::nullopt;
  SessionHistory h;
  h.session = *session;
  auto messages = m_redis->Command({"LRANGE", SessionKey(id) + ":messages", "0", "-1"});
  for (std::size_t i = 0; i < messages->elements; ++i) {
    h.messages.push_back(Json::parse(std::string(messages->element[i]->str, messages->element[i]->len)).get<Message>());
  }
  auto logs = m_redis->Command({"LRANGE", SessionKey(id) + ":logs", "0", "-1"});
  for (std::size_t i = 0; i < logs->elements; ++i) {
    h.logs.push_back(Json::parse(std::string(logs->element[i]->str, logs->element[i]->len)).get<RetrievalLog>());
  }
  auto feedback = m_redis->Command({"HGETALL", SessionKey(id) + ":feedback"});
  std::map<std::string, Feedback> votes;
  for (std::size_t i = 0; i + 1 < feedback->elements; i += 2) {
    votes.emplace(std::string(feedback->element[i]->str, feedback->element[i]->len),
                  Json::parse(std::string(feedback->element[i + 1]->str, feedback->element[i + 1]->len)).get<Feedback>());
  }
  service::AttachFeedback(h.messages, votes);
  return h;
}

service::FeedbackOutcome RedisSessionStore::SetFeedback(const std::string& sessionId, const std::string& messageId,
                                                        const Feedback& feedback) {
  const std::string key = SessionKey(sessionId);
  auto exists = m_redis->Command({"EXISTS", key});
  if (exists->type != REDIS_REPLY_INTEGER || exists->integer == 0) return service::FeedbackOutcome::NoSession;
  // The vote is kept beside the messages (a hash by message id, under the session's TTL), not in the message list.
  // An answer has facts (one per answer, with its day and outcome): one lookup, not a read of the whole session. Only
  // an id without facts (a question, an unknown id, a turn stored before the insights) reads the message list.
  std::string day;
  std::string answerOutcome = "answered";  // a turn stored before the insights counts as answered
  auto facts = m_redis->Command({"HGET", key + ":facts", messageId});
  if (facts->type == REDIS_REPLY_STRING) {
    const service::TurnFacts f = service::FactsFromJson(Json::parse(std::string(facts->str, facts->len)));
    day = f.day;
    answerOutcome = f.outcome;
  } else {
    auto messages = m_redis->Command({"LRANGE", key + ":messages", "0", "-1"});
    std::vector<Message> list;
    for (std::size_t i = 0; i < messages->elements; ++i) {
      list.push_back(Json::parse(std::string(messages->element[i]->str, messages->element[i]->len)).get<Message>());
    }
    if (const auto found = service::ApplyFeedback(list, messageId, feedback); found != service::FeedbackOutcome::Stored)
      return found;
    for (const Message& m : list)
      if (m.id == messageId) day = m.timestamp.substr(0, 10);
  }
  // One script, so two votes at once cannot both miss the other, and a session that expired or was deleted meanwhile
  // gets nothing written: the vote replaces an earlier one (its counter moves to the new rating) and lives exactly as
  // long as its session.
  static constexpr const char* kVote = R"lua(
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return 0 end
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then
  local ok, v = pcall(cjson.decode, old)
  if ok and type(v) == 'table' and v['rating'] then redis.call('HINCRBY', KEYS[3], ARGV[4] .. '|' .. v['rating'], -1) end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
redis.call('HINCRBY', KEYS[3], ARGV[4] .. '|' .. ARGV[3], 1)
redis.call('EXPIRE', KEYS[3], ARGV[7])
if ARGV[3] == 'down' then
  redis.call('ZADD', KEYS[4], ARGV[6], ARGV[5])
  redis.call('EXPIRE', KEYS[4], ARGV[7])
else
  redis.call('ZREM', KEYS[4], ARGV[5])
end
return 1
)lua";
  auto stored = m_redis->Command({"EVAL", kVote, "4", key, key + ":feedback", VotesKey(day), DownKey(day), messageId,
                                  Json(feedback).dump(), feedback.rating, answerOutcome, sessionId + "|" + messageId,
                                  NowMsText(), std::to_string(kInsightsTtlSeconds)});
  if (stored->type == REDIS_REPLY_INTEGER && stored->integer == 0) return service::FeedbackOutcome::NoSession;
  return service::FeedbackOutcome::Stored;
}

service::InsightsData RedisSessionStore::Insights(const service::InsightsRange& range) {
  service::InsightsData out;
  // The range's days, one round trip for all their keys.
  const std::vector<std::string> days = service::DaysOf(range);
  // Each day's newest gap references, so that the range's total stays near kMaxGapRows.
  const std::size_t perDay = std::max<std::size_t>(20, service::kMaxGapRows / std::max<std::size_t>(1, days.size()));
  RedisConnection::Commands reads;
  for (const std::string& day : days) {
    reads.push_back({"HGETALL", DailyKey(day)});
    reads.push_back({"HGETALL", VotesKey(day)});
    reads.push_back({"ZREVRANGE", DownKey(day), "0", std::to_string(perDay - 1)});
    reads.push_back({"ZREVRANGE", DeclinedKey(day), "0", std::to_string(perDay - 1)});
  }
  const auto str = [](const redisReply* r) { return std::string(r->str, r->len); };
  std::vector<RedisConnection::Reply> replies = m_redis->Pipeline(reads);
  std::vector<std::pair<std::string, bool>> refs;  // "session|message", thumbs down; newest day first
  for (std::size_t d = days.size(); d-- > 0;) {
    const redisReply* daily = replies[d * 4].get();
    std::map<std::string, service::RollupRow> rows;
    for (std::size_t i = 0; i + 1 < daily->elements; i += 2) {
      const std::string field = str(daily->element[i]), value = str(daily->element[i + 1]);
      if (field.size() < 3) continue;
      service::RollupRow& row = rows[field.substr(2)];
      if (field[0] == 'n') row.count = std::stoll(value);
      else if (field[0] == 't') row.tokens = std::stoll(value);
      else if (field[0] == 'c') row.cost = std::stod(value);
    }
    for (auto& [field, row] : rows) {
      std::vector<std::string> parts;
      for (std::size_t pos = 0, bar; pos <= field.size(); pos = bar + 1) {
        bar = field.find('|', pos);
        if (bar == std::string::npos) bar = field.size();
        parts.push_back(field.substr(pos, bar - pos));
      }
      if (parts.size() != 5) continue;
      row.key = {days[d], parts[0], parts[1], parts[2], parts[3] == "1", std::stoi(parts[4])};
      out.rollups.push_back(row);
    }
    const redisReply* votes = replies[d * 4 + 1].get();
    for (std::size_t i = 0; i + 1 < votes->elements; i += 2) {
      const std::string field = str(votes->element[i]);  // "answered|down"
      const std::int64_t n = std::stoll(str(votes->element[i + 1]));
      const auto bar = field.find('|');
      if (n > 0 && bar != std::string::npos)
        out.votes.push_back(service::VoteRow{days[d], field.substr(0, bar), field.substr(bar + 1), n});
    }
    for (int kind = 2; kind <= 3; ++kind) {
      const redisReply* list = replies[d * 4 + static_cast<std::size_t>(kind)].get();
      for (std::size_t i = 0; i < list->elements; ++i) refs.emplace_back(str(list->element[i]), kind == 2);
    }
  }
  // Each gap's facts from its session: a session that is gone took its questions with it (its references stay
  // until their day's key expires, and lead nowhere).
  std::set<std::string> seen;
  std::vector<std::pair<std::string, bool>> wanted;
  RedisConnection::Commands facts;
  for (const auto& ref : refs) {
    const auto bar = ref.first.find('|');
    if (bar == std::string::npos || !seen.insert(ref.first.substr(bar + 1)).second) continue;
    if (wanted.size() == service::kMaxGapRows) break;
    wanted.push_back(ref);
    facts.push_back({"HGET", SessionKey(ref.first.substr(0, bar)) + ":facts", ref.first.substr(bar + 1)});
  }
  replies = m_redis->Pipeline(facts);
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (replies[i]->type != REDIS_REPLY_STRING) continue;
    service::GapRow g;
    g.facts = service::FactsFromJson(Json::parse(str(replies[i].get())));
    if (wanted[i].second) g.rating = "down";
    out.gaps.push_back(std::move(g));
  }
  return out;
}

std::vector<Message> RedisSessionStore::RecentMessages(const std::string& id, std::size_t count) {
  std::vector<Message> out;
  if (count == 0) return out;
  const std::string from = std::to_string(-static_cast<long long>(count));
  auto messages = m_redis->Command({"LRANGE", SessionKey(id) + ":messages", from, "-1"});
  for (std::size_t i = 0; i < messages->elements; ++i) {
    out.push_back(Json::parse(std::string(messages->element[i]->str, messages->element[i]->len)).get<Message>());
  }
  return out;
}

void RedisSessionStore::AppendTurn(const std::string& id, const Message& user, const Message& assistant,
                                   const std::vector<RetrievalLog>& logs) {
  AppendTurnWithLogText(id, user, assistant, logs, service::LogTexts(logs));
}

void RedisSessionStore::AppendTurnWithLogText(const std::string& id, const Message& user, const Message& assistant,
                                              const std::vector<RetrievalLog>& logs,
                                              const std::vector<std::string>& logTexts) {
  const std::string key = SessionKey(id);
  const std::string ttl = std::to_string(kTtlSeconds);
  const std::int64_t tokens = assistant.metrics ? assistant.metrics->tokensUsed : 0;
  const double cost = assistant.metrics ? assistant.metrics->cost : 0.0;
  std::vector<std::vector<std::string>> commands = {
      {"HSETNX", key, "id", id},
      {"HSETNX", key, "start_time", user.timestamp},
      {"HSET", key, "last_activity", assistant.timestamp},
      {"HINCRBY", key, "total_tokens", std::to_string(tokens)},
      {"HINCRBYFLOAT", key, "total_cost", Json(cost).dump()},
      {"HINCRBY", key, "message_count", "2"},
      {"RPUSH", key + ":messages", ToJsonText(user), ToJsonText(assistant)}};
  if (!logs.empty()) {
    std::vector<std::string> push = {"RPUSH", key + ":logs"};
    push.insert(push.end(), logTexts.begin(), logTexts.end());
    commands.push_back(std::move(push));
  }
  // The insights: the day's counters, the turn's facts beside its messages, and a declined question's reference.
  const service::TurnFacts facts = service::FactsOfTurn(id, user, assistant, logs);
  const std::string daily = DailyKey(facts.day), field = RollupField(service::RollupKeyOf(facts));
  commands.push_back({"HINCRBY", daily, "n|" + field, "1"});
  commands.push_back({"HINCRBY", daily, "t|" + field, std::to_string(facts.tokens)});
  commands.push_back({"HINCRBYFLOAT", daily, "c|" + field, Json(facts.cost).dump()});
  commands.push_back({"EXPIRE", daily, std::to_string(kInsightsTtlSeconds)});
  commands.push_back({"HSET", key + ":facts", facts.messageId, service::FactsToJson(facts).dump()});
  if (facts.outcome == "declined") {
    commands.push_back({"ZADD", DeclinedKey(facts.day), NowMsText(), id + "|" + facts.messageId});
    commands.push_back({"EXPIRE", DeclinedKey(facts.day), std::to_string(kInsightsTtlSeconds)});
  }
  for (const char* suffix : {"", ":messages", ":logs", ":feedback", ":facts"})
    commands.push_back({"EXPIRE", key + suffix, ttl});
  // Each turn stays one MULTI/EXEC transaction; turns that arrive while others are written go out together, pipelined
  // on one connection (group_commit.h): one round trip for the batch. A turn returns once its EXEC has answered.
  PendingTurn turn{&commands, {}};
  m_group.Submit(turn, [this](const std::vector<PendingTurn*>& batch) {
    std::vector<const RedisConnection::Commands*> transactions;
    transactions.reserve(batch.size());
    for (const PendingTurn* t : batch) transactions.push_back(t->commands);
    std::vector<std::string> errors = m_redis->Transactions(transactions);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->error = std::move(errors[i]);
  });
  if (!turn.error.empty()) throw StoreUnavailable(turn.error);
}

bool RedisSessionStore::Delete(const std::string& id) {
  const std::string key = SessionKey(id);
  auto r = m_redis->Command({"DEL", key, key + ":messages", key + ":logs", key + ":feedback", key + ":facts"});
  return r->type == REDIS_REPLY_INTEGER && r->integer > 0;
}

// ---------------------------------------------------------------------------------------------------------------------
// Response cache
// ---------------------------------------------------------------------------------------------------------------------

RedisResponseCache::RedisResponseCache(std::shared_ptr<RedisConnection> redis, std::size_t capacity, std::chrono::seconds ttl,
                                       engine::WallClock clock)
    : m_redis(std::move(redis)), m_capacity(std::max<std::size_t>(1, capacity)), m_ttl(ttl), m_clock(std::move(clock)) {}

std::int64_t RedisResponseCache::NowMs() const {
  const auto now = m_clock ? m_clock() : std::chrono::system_clock::now();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

namespace {
std::string CacheHash(const std::string& agent) { return "cache:" + agent; }
std::string WordSet(const std::string& agent, const std::string& word) { return "cache:" + agent + ":w:" + word; }
std::string ReplyString(const redisReply* r) { return r && r->str ? std::string(r->str, r->len) : std::string(); }
}  // namespace

// Removes the entry `key` (its field, its use and expiry times, its word-set memberships) only if it is still gone
// or expired when the script runs: another server may have stored it again since this one looked.
constexpr const char* kRemoveIfStale = R"lua(
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then
  local ok, entry = pcall(cjson.decode, v)
  if ok and type(entry) == 'table' and tonumber(entry['expires_ms']) and tonumber(entry['expires_ms']) > tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
for i = 4, #KEYS do redis.call('SREM', KEYS[i], ARGV[1]) end
return 1
)lua";

void RedisResponseCache::Remove(const std::string& agent, const std::string& key, bool onlyIfStale) {
  const std::string hash = CacheHash(agent);
  const auto words = engine::KeyWords(key);
  if (onlyIfStale) {
    std::vector<std::string> eval = {"EVAL", kRemoveIfStale, std::to_string(3 + words.size()), hash, hash + ":lru",
                                     hash + ":exp"};
    for (const auto& w : words) eval.push_back(WordSet(agent, w));
    eval.push_back(key);
    eval.push_back(std::to_string(NowMs()));
    m_redis->Command(eval);
    return;
  }
  std::vector<std::vector<std::string>> commands = {
      {"HDEL", hash, key}, {"ZREM", hash + ":lru", key}, {"ZREM", hash + ":exp", key}};
  for (const auto& w : words) commands.push_back({"SREM", WordSet(agent, w), key});
  m_redis->Transaction(commands);
}

std::optional<engine::CacheLookup> RedisResponseCache::Lookup(const std::string& agent, const std::string& key) {
  try {
    const std::string hash = CacheHash(agent);
    const std::int64_t now = NowMs();
    std::optional<engine::CacheLookup> best;
    // An entry that is there and fresh becomes the answer; one that expired (or a word set's stale member) is removed.
    const auto take = [&](const std::string& candidate, double similarity) {
      auto value = m_redis->Command({"HGET", hash, candidate});
      if (!value->str) {
        if (candidate != key) Remove(agent, candidate, true);  // a word set outlived its entry
        return false;
      }
      const Json entry = Json::parse(ReplyString(value.get()), nullptr, false);
      if (entry.is_discarded() || entry.value("expires_ms", std::int64_t{0}) <= now) {
        Remove(agent, candidate, true);
        return false;
      }
      best = engine::CacheLookup{entry.at("answer").get<engine::CachedAnswer>(), similarity, candidate};
      return true;
    };
    const auto words = engine::KeyWords(key);
    if (!take(key, 1.0) && !words.empty()) {
      // Near duplicates: the keys sharing a word with this one (keys only, not their entries), the most similar
      // first, ties to the most recently used.
      std::vector<std::string> sunion = {"SUNION"};
      for (const auto& w : words) sunion.push_back(WordSet(agent, w));
      auto members = m_redis->Command(sunion);
      std::vector<std::pair<double, std::string>> candidates;
      for (std::size_t i = 0; i < members->elements; ++i) {
        std::string other = ReplyString(members->element[i]);
        const double s = engine::KeySimilarity(key, other);
        if (other != key && s >= engine::kCacheMatchThreshold) candidates.emplace_back(s, std::move(other));
      }
      // Use times only where similarities tie (ZSCORE, not ZMSCORE: Redis before 6.2 has no ZMSCORE).
      std::vector<double> used(candidates.size(), 0.0);
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        bool tied = false;
        for (std::size_t j = 0; j < candidates.size() && !tied; ++j)
          tied = j != i && candidates[j].first == candidates[i].first;
        if (!tied) continue;
        const std::string score = ReplyString(m_redis->Command({"ZSCORE", hash + ":lru", candidates[i].second}).get());
        used[i] = score.empty() ? 0.0 : std::stod(score);
      }
      std::vector<std::size_t> order(candidates.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return candidates[a].first != candidates[b].first ? candidates[a].first > candidates[b].first : used[a] > used[b];
      });
      for (std::size_t i : order)
        if (take(candidates[i].second, candidates[i].first)) break;
    }
    m_redis->Command({"HINCRBY", "cache:stats", best ? "hits" : "misses", "1"});
    if (best) m_redis->Command({"ZADD", hash + ":lru", std::to_string(now), best->matchedKey});
    return best;
  } catch (const StoreUnavailable&) {
    return std::nullopt;  // the cache is an optimization: without Redis the turn simply runs
  }
}

void RedisResponseCache::Store(const std::string& agent, const std::string& key, const engine::CachedAnswer& answer) {
  try {
    const std::string hash = CacheHash(agent);
    const std::int64_t now = NowMs();
    const Json entry = {{"answer", answer}, {"expires_ms", now + m_ttl.count() * 1000}};  // read by kRemoveIfStale
    const std::int64_t expires = now + m_ttl.count() * 1000;
    std::vector<std::vector<std::string>> commands = {{"HSET", hash, key, entry.dump()},
                                                      {"ZADD", hash + ":lru", std::to_string(now), key},
                                                      {"ZADD", hash + ":exp", std::to_string(expires), key}};
    for (const auto& w : engine::KeyWords(key)) commands.push_back({"SADD", WordSet(agent, w), key});
    m_redis->Transaction(commands);
    // Entries past their expiry leave now (a few per store), so the cache's size counts only live ones.
    auto expired = m_redis->Command({"ZRANGEBYSCORE", hash + ":exp", "-inf", std::to_string(now), "LIMIT", "0", "32"});
    for (std::size_t i = 0; i < expired->elements; ++i) Remove(agent, ReplyString(expired->element[i]), true);
    // Evict the least recently used beyond the capacity.
    auto size = m_redis->Command({"ZCARD", hash + ":lru"});
    if (size->integer > static_cast<long long>(m_capacity)) {
      auto oldest = m_redis->Command({"ZRANGE", hash + ":lru", "0", std::to_string(size->integer - static_cast<long long>(m_capacity) - 1)});
      for (std::size_t i = 0; i < oldest->elements; ++i) Remove(agent, ReplyString(oldest->element[i]));
    }
  } catch (const StoreUnavailable&) {
  }
}

engine::CacheStats RedisResponseCache::Stats() const {
  engine::CacheStats s;
  s.capacity = m_capacity;
  try {
    auto stats = m_redis->Command({"HMGET", "cache:stats", "hits", "misses"});
    if (stats->elements == 2) {
      if (stats->element[0]->str) s.hits = std::stoull(stats->element[0]->str);
      if (stats->element[1]->str) s.misses = std::stoull(stats->element[1]->str);
    }
    for (const char* agent : {"billing", "policy", "technical", "orchestrator"}) {
      auto n = m_redis->Command({"HLEN", std::string("cache:") + agent});
      s.size += static_cast<std::size_t>(n->integer);
    }
  } catch (const StoreUnavailable&) {
  }
  return s;
}

}  // namespace oai::server
