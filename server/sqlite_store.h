// The embedded, durable session store: one SQLite file in WAL mode. A turn's rows are written in one transaction, shared
// with the turns that arrive while another transaction commits (group commit), and a turn returns only once that
// transaction has committed: an answer the client received is on disk even if the process is killed right after.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/group_commit.h"
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
  service::FeedbackOutcome SetFeedback(const std::string& sessionId, const std::string& messageId,
                                       const Feedback& feedback) override;
  service::InsightsData Insights(const service::InsightsRange& range) override;
  bool Delete(const std::string& id) override;

  // Transactions that wrote turns, since the store opened: fewer than the turns when they were grouped.
  std::uint64_t Transactions();
  // RecentMessages answered from memory, not from the file, since the store opened.
  std::uint64_t RecentFromMemory();
  // Checkpoints the store's own thread has made (see StartCheckpointer in the .cpp).
  std::uint64_t BackgroundCheckpoints();
  static constexpr int kCheckpointPages = 4096;  // 4 MB of 1 KB pages in the WAL: the thread copies them
  static constexpr int kCheckpointTail = 512;    // what is left then, the committing thread copies
  static constexpr int kWalPagesMax = 65536;     // and beyond 64 MB, whatever is left

  // The last messages of the most recently used sessions are kept in memory (this process is the file's only
  // writer): the next turn's history is read without a query or a JSON parse.
  static constexpr std::size_t kRecentKept = 2;
  static constexpr std::size_t kRecentSessions = 256;  // about 1 MB; more than the conversations a server has under way

  // 2: votes on answers (feedback); 3: a turn's logs in one row; 4: facts rows for declined or voted turns only. An
  // older file is upgraded.
  static constexpr int kSchemaVersion = 4;
  using StatementCache = std::unordered_map<const char*, sqlite3_stmt*>;

 private:
  // A turn waiting for its transaction; what it points at lives in the waiting caller's frame.
  struct PendingTurn {
    const std::string* id;
    const Message* user;
    const Message* assistant;
    const std::vector<RetrievalLog>* logs;
    std::string messageJson[2];
    std::string logsJson;  // the turn's logs as one JSON array (one row)
    service::TurnFacts facts;
    std::string error;  // why its transaction failed; empty when it committed
  };

  void FinalizeStatements();
  void StartCheckpointer();
  void StopCheckpointer();
  void CheckpointLoop();
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int pages);
  std::optional<ChatSession> GetLocked(const std::string& id);
  void Exec(const char* sql);
  void CommitBatch(const std::vector<PendingTurn*>& batch);
  void WriteTurnLocked(const PendingTurn& turn);
  void InsertFactsLocked(const service::TurnFacts& facts);
  service::TurnFacts StoredTurnFactsLocked(const std::string& sessionId, std::int64_t seq, const Message& answer);

  std::mutex m_mutex;  // the connection
  sqlite3* m_db = nullptr;
  StatementCache m_statements;  // guarded by m_mutex
  std::uint64_t m_batches = 0;  // guarded by m_mutex
  std::string m_path;
  GroupCommit<PendingTurn> m_group;  // takes m_mutex inside, never the other way round

  // The recent-messages memory: filled by a read and kept up to date by each commit, both under m_mutex (so it
  // follows the file's order); a hit takes only m_recentMutex. `messages` holds a session's last kRecentKept
  // messages, or all of them when it has fewer.
  struct Recent {
    std::vector<Message> messages;
    std::list<std::string>::iterator use;
  };
  void RememberLocked(const std::string& id, std::vector<Message> messages);  // m_mutex held
  void AppendRecentLocked(const std::string& id, const Message& user, const Message& assistant);  // m_mutex held
  // The checkpoint thread and its connection (none for a file that is not in WAL mode).
  std::thread m_checkpointer;
  sqlite3* m_checkpointDb = nullptr;
  std::mutex m_checkpointMutex;
  std::condition_variable m_checkpointWake;
  bool m_checkpointWanted = false;   // guarded by m_checkpointMutex
  bool m_checkpointRunning = false;  // guarded by m_checkpointMutex
  bool m_stopping = false;           // guarded by m_checkpointMutex
  std::uint64_t m_checkpoints = 0;   // guarded by m_checkpointMutex
  std::mutex m_checkpointRun;        // held by whoever checkpoints (the thread, or a commit copying the tail)
  int m_hookLastPages = 0;                    // the WAL's pages at the last commit (m_mutex held)
  std::atomic<std::uint32_t> m_walGeneration{0};  // how many times the WAL has started over
  std::atomic<std::uint64_t> m_walProgress{0};    // the thread's last run: generation << 32 | pages copied

  std::mutex m_recentMutex;
  std::unordered_map<std::string, Recent> m_recent;  // guarded by m_recentMutex
  std::list<std::string> m_recentUse;                // most recently used first
  std::uint64_t m_recentHits = 0;
};

}  // namespace oai::server
