// Redis for several server processes behind one load balancer: sessions as the original designed them
// (`session:{uuid}` hash with a 24 h TTL refreshed on activity, message and log lists under the same TTL) and the
// engine's response cache shared by every replica. A lost connection is a StoreUnavailable (503) and is retried on
// the next call, so service resumes by itself when Redis returns.
#pragma once

#include <chrono>
#include <memory>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "engine/response_cache.h"
#include "server/group_commit.h"
#include "service/session_store.h"

struct redisContext;
struct redisReply;

namespace oai::server {

// One connection, reconnected on demand. Commands are argv vectors (no string formatting, so no injection).
class RedisConnection {
 public:
  // `url`: redis://host:port[/db]. Throws std::invalid_argument for a URL it cannot use.
  explicit RedisConnection(const std::string& url);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  using Reply = std::unique_ptr<redisReply, void (*)(void*)>;
  // Runs one command; throws service::StoreUnavailable when Redis cannot be reached or answers an error.
  Reply Command(const std::vector<std::string>& argv);
  using Commands = std::vector<std::vector<std::string>>;
  // Runs several commands in one MULTI/EXEC transaction, pipelined: one round trip.
  void Transaction(const Commands& commands);
  // Runs several such transactions pipelined on one connection (one round trip for all); never throws: per
  // transaction, why it failed, or an empty string when it ran.
  std::vector<std::string> Transactions(const std::vector<const Commands*>& transactions);
  // Runs several commands pipelined (one round trip) and returns their replies in order; throws like Command.
  std::vector<Reply> Pipeline(const Commands& commands);
  bool Ping();
  const std::string& Url() const { return m_url; }

  // Connections are pooled: a request borrows one for its command or transaction, so concurrent requests do not
  // queue behind one socket. At most this many are open; more borrowers wait for one to come back.
  static constexpr std::size_t kMaxConnections = 8;

 private:
  class Lease;
  redisContext* Acquire();
  void Release(redisContext* ctx);  // nullptr: the connection broke and was freed
  redisContext* Connect();
  std::string m_url, m_host;
  int m_port = 6379;
  int m_db = 0;
  std::mutex m_mutex;
  std::condition_variable m_returned;
  std::vector<redisContext*> m_idle;
  std::size_t m_open = 0;  // idle + borrowed
};

class RedisSessionStore final : public service::SessionStore {
 public:
  static constexpr int kTtlSeconds = 86400;
  explicit RedisSessionStore(std::shared_ptr<RedisConnection> redis) : m_redis(std::move(redis)) {}
  std::string Kind() const override { return "redis"; }
  bool Healthy() override { return m_redis->Ping(); }
  ChatSession Ensure(const std::string& id, const std::string& now) override;
  std::optional<ChatSession> Get(const std::string& id) override;
  std::optional<SessionHistory> History(const std::string& id) override;
  std::vector<Message> RecentMessages(const std::string& id, std::size_t count) override;
  void AppendTurn(const std::string& id, const Message& user, const Message& assistant,
                  const std::vector<RetrievalLog>& logs) override;
  void AppendTurnWithLogText(const std::string& id, const Message& user, const Message& assistant,
                             const std::vector<RetrievalLog>& logs, const std::vector<std::string>& logTexts) override;
  service::FeedbackOutcome SetFeedback(const std::string& sessionId, const std::string& messageId,
                                       const Feedback& feedback) override;
  service::InsightsData Insights(const service::InsightsRange& range) override;
  bool Delete(const std::string& id) override;

 private:
  struct PendingTurn {
    const RedisConnection::Commands* commands;
    std::string error;  // why its transaction failed; empty when it ran
  };
  std::shared_ptr<RedisConnection> m_redis;
  // Batches on up to half the pool's connections at once: the others stay free for the turns' reads.
  GroupCommit<PendingTurn> m_group{static_cast<int>(RedisConnection::kMaxConnections / 2)};
};

// The response cache in Redis: one hash per agent (`cache:{agent}`: key → entry JSON with its expiry) and a sorted
// set of last use (`cache:{agent}:lru`) to evict the least recently used beyond the capacity.
// Entries of agent A live in the hash cache:A (key → entry JSON with its expiry), their use and expiry times in the
// sorted sets cache:A:lru and cache:A:exp, and, for finding near duplicates without reading every entry, each key word's set cache:A:w:<word> of
// the keys that have it. A lookup reads the exact key, else the union of its words' sets (keys only), and then the one
// best entry: its cost follows the entries that share a word with the question, not the cache's size.
class RedisResponseCache final : public engine::ResponseCache {
 public:
  RedisResponseCache(std::shared_ptr<RedisConnection> redis, std::size_t capacity = 1000,
                     std::chrono::seconds ttl = std::chrono::hours(1), engine::WallClock clock = nullptr);
  std::string Kind() const override { return "redis"; }
  std::optional<engine::CacheLookup> Lookup(const std::string& agent, const std::string& key) override;
  void Store(const std::string& agent, const std::string& key, const engine::CachedAnswer& answer) override;
  engine::CacheStats Stats() const override;

 private:
  std::int64_t NowMs() const;
  // Removes an entry: its hash field, its use and expiry times and its word-set memberships; with `onlyIfStale`,
  // only when it is still missing or expired as the removal runs (atomically, in a Lua script).
  void Remove(const std::string& agent, const std::string& key, bool onlyIfStale = false);
  std::shared_ptr<RedisConnection> m_redis;
  std::size_t m_capacity;
  std::chrono::seconds m_ttl;
  engine::WallClock m_clock;
};

}  // namespace oai::server
