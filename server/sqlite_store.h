// The embedded, durable session store: one SQLite file in WAL mode. Every turn is one transaction, so an answer the
// client received is on disk even if the process is killed right after.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "service/session_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace oai::server {

class SqliteSessionStore final : public service::SessionStore {
 public:
  // Opens (creating when needed) the database and its schema. Throws std::runtime_error with one clear line when the
  // file cannot be opened or is not an OrchestratAI database.
  explicit SqliteSessionStore(const std::string& path);
  ~SqliteSessionStore() override;
  SqliteSessionStore(const SqliteSessionStore&) = delete;
  SqliteSessionStore& operator=(const SqliteSessionStore&) = delete;

  std::string Kind() const override { return "sqlite"; }
  bool Healthy() override;
  ChatSession Ensure(const std::string& id, const std::string& now) override;
  std::optional<ChatSession> Get(const std::string& id) override;
  std::optional<SessionHistory> History(const std::string& id) override;
  std::vector<Message> RecentMessages(const std::string& id, std::size_t count) override;
  void AppendTurn(const std::string& id, const Message& user, const Message& assistant,
                  const std::vector<RetrievalLog>& logs) override;
  void AppendTurnWithLogText(const std::string& id, const Message& user, const Message& assistant,
                             const std::vector<RetrievalLog>& logs, const std::vector<std::string>& logTexts) override;
  bool Delete(const std::string& id) override;

  static constexpr int kSchemaVersion = 1;
  using StatementCache = std::unordered_map<const char*, sqlite3_stmt*>;

 private:
  void FinalizeStatements();
  std::optional<ChatSession> GetLocked(const std::string& id);
  void Exec(const char* sql);

  std::mutex m_mutex;
  sqlite3* m_db = nullptr;
  StatementCache m_statements;  // guarded by m_mutex
  std::string m_path;
};

}  // namespace oai::server
