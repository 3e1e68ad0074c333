// The shared, durable session store: PostgreSQL through libpq. Many server replicas write to one database safely:
// each turn is one transaction (question, answer, logs and the session's totals together), a crash never leaves a
// question without its answer, and a lost connection is a retryable 503 until the database is back, with no restart.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "service/session_store.h"

namespace oai::server {

// A migration compiled in from server/sql/NNN_name.sql (see server/CMakeLists.txt), applied in version order.
struct Migration {
  int version;
  const char* name;
  const char* sql;
};
const std::vector<Migration>& Migrations();

class PostgresPool;

class PostgresSessionStore final : public service::SessionStore {
 public:
  struct Options {
    std::size_t poolSize = 8;  // connections at most (the server passes its worker threads)
    // Sessions idle longer than this are deleted by a background job every `retentionEvery` (0: no job).
    std::chrono::hours sessionTtl{24 * 30};
    std::chrono::milliseconds retentionEvery{std::chrono::hours(1)};
  };
  // Connects and brings the schema up to date (every migration not yet in schema_migrations, in one transaction).
  // Throws std::runtime_error with one clear line when the database cannot be reached or its schema is newer than
  // this binary knows.
  PostgresSessionStore(const std::string& url, Options options);
  ~PostgresSessionStore() override;
  PostgresSessionStore(const PostgresSessionStore&) = delete;
  PostgresSessionStore& operator=(const PostgresSessionStore&) = delete;

  std::string Kind() const override { return "postgresql"; }
  bool Healthy() override;
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

  // Deletes the sessions whose last activity is before `cutoff` (ISO 8601), `batch` per transaction so that no lock
  // is held long; returns how many went.
  std::size_t DeleteIdleBefore(const std::string& cutoff, std::size_t batch = 500);

  std::optional<StorePool> Pool() const override;
  int SchemaVersion() const { return m_schemaVersion; }

 private:
  void RetentionLoop();

  std::unique_ptr<PostgresPool> m_pool;
  Options m_options;
  int m_schemaVersion = 0;
  std::mutex m_stopMutex;
  std::condition_variable m_stop;
  bool m_stopping = false;
  std::thread m_retention;
};

// "postgresql://user:secret@host/db" → "postgresql://user@host/db": what logs and errors may show.
std::string RedactedUrl(const std::string& url);

}  // namespace oai::server
