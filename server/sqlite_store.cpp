// SQLite session store (see sqlite_store.h).
#include "server/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "model/json_text.h"
#include "server/sqlite_vfs.h"

namespace oai::server {

namespace {

using service::StoreUnavailable;

// One use of a prepared statement. Statements are prepared once per connection and kept in the store's cache (keyed
// by the SQL text's address: every call site passes a literal); this resets and unbinds it when it goes out of scope.
// Errors become StoreUnavailable so the API answers 503.
class Statement {
 public:
  Statement(sqlite3* db, SqliteSessionStore::StatementCache& cache, const char* sql) : m_db(db) {
    sqlite3_stmt*& slot = cache[sql];
    if (!slot && sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot, nullptr) != SQLITE_OK) {
      slot = nullptr;
      Fail("prepare");
    }
    m_stmt = slot;
  }
  ~Statement() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // The text is not copied: it must outlive the step (a named string or one made in the same full expression as
  // Step(); binding a temporary for a later Step() does not compile).
  Statement& Bind(int i, const std::string& v) {
    Check(sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC), "bind");
    return *this;
  }
  Statement& Bind(int i, std::string&& v) = delete;
  Statement& Bind(int i, std::int64_t v) {
    Check(sqlite3_bind_int64(m_stmt, i, v), "bind");
    return *this;
  }
  Statement& Bind(int i, double v) {
    Check(sqlite3_bind_double(m_stmt, i, v), "bind");
    return *this;
  }
  // True while there is a row to read.
  bool Step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Fail("step");
    return false;
  }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(m_stmt, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col))) : "";
  }
  std::int64_t Int(int col) const { return sqlite3_column_int64(m_stmt, col); }
  double Real(int col) const { return sqlite3_column_double(m_stmt, col); }

 private:
  void Check(int rc, const char* what) {
    if (rc != SQLITE_OK) Fail(what);
  }
  [[noreturn]] void Fail(const char* what) {
    throw StoreUnavailable(std::string("sqlite ") + what + ": " + sqlite3_errmsg(m_db));
  }
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

// "[a,b,...]" from texts that are each one JSON value.
std::string JsonArrayOf(const std::vector<std::string>& texts) {
  std::size_t size = 2;
  for (const auto& t : texts) size += t.size() + 1;
  std::string out;
  out.reserve(size);
  out += '[';
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i > 0) out += ',';
    out += texts[i];
  }
  out += ']';
  return out;
}

ChatSession ReadSession(const Statement& s) {
  ChatSession c;
  c.id = s.Text(0);
  c.start_time = s.Text(1);
  c.last_activity = s.Text(2);
  c.total_tokens = s.Int(3);
  c.total_cost = s.Real(4);
  c.message_count = s.Int(5);
  return c;
}

// Commits on success, rolls back when an exception leaves the scope. The three statements are prepared once.
class Transaction {
 public:
  Transaction(sqlite3* db, SqliteSessionStore::StatementCache& cache) : m_db(db), m_cache(cache) {
    Statement(m_db, m_cache, "BEGIN IMMEDIATE").Step();
  }
  ~Transaction() {
    if (m_done) return;
    try {
      Statement(m_db, m_cache, "ROLLBACK").Step();
    } catch (const StoreUnavailable&) {  // the connection rolls back by itself when a commit failed
    }
  }
  void Commit() {
    Statement(m_db, m_cache, "COMMIT").Step();
    m_done = true;
  }

 private:
  sqlite3* m_db;
  SqliteSessionStore::StatementCache& m_cache;
  bool m_done = false;
};

}  // namespace

SqliteSessionStore::SqliteSessionStore(const std::string& path) : m_path(path) {
  // No memory statistics (they take a global mutex on every allocation). This works only before SQLite's first use
  // in the process, as for the server; otherwise it is refused and nothing changes.
  static const int kNoMemoryStatistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)kNoMemoryStatistics;
  if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      CoalescingVfs()) != SQLITE_OK) {
    const std::string why = m_db ? sqlite3_errmsg(m_db) : "out of memory";
    sqlite3_close(m_db);
    throw std::runtime_error("cannot open the database " + path + ": " + why);
  }
  sqlite3_busy_timeout(m_db, 5000);
  try {
    // WAL: readers do not block the writer; synchronous=NORMAL in WAL mode keeps every committed transaction when the
    // process dies (only an operating-system crash could lose the last ones).
    // 1 KB pages (a new file; an existing one keeps its own): a commit writes each page it changed whole to the WAL
    // and checksums it, and a turn changes a dozen pages (a leaf of each table and index) for a few KB of rows. With
    // 4 KB pages that checksum was a fifth of a greeting's instructions (scripts/bench.sh's callgrind rows).
    Exec("PRAGMA page_size=1024");
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=NORMAL");
    Exec("PRAGMA foreign_keys=ON");
    // A turn's pages are the right edges of its tables and indexes: 512 KB of cache keeps them (SQLite's default, 2 MB,
    // was resident memory for pages read once).
    Exec("PRAGMA cache_size=-512");
    Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    std::int64_t found = 0;  // 0: a new file
    {
      Statement v(m_db, m_statements, "SELECT version FROM schema_version");
      if (v.Step()) found = v.Int(0);
      if (found > kSchemaVersion) {
        throw std::runtime_error("the database " + path + " has schema version " + std::to_string(found) +
                                 ", newer than this server's " + std::to_string(kSchemaVersion));
      }
    }
    Exec(
        "CREATE TABLE IF NOT EXISTS sessions ("
        " id TEXT PRIMARY KEY, start_time TEXT NOT NULL, last_activity TEXT NOT NULL,"
        " total_tokens INTEGER NOT NULL DEFAULT 0, total_cost REAL NOT NULL DEFAULT 0,"
        " message_count INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS messages ("
        " seq INTEGER PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
        " id TEXT NOT NULL, json TEXT NOT NULL);"
        "CREATE INDEX IF NOT EXISTS messages_by_session ON messages(session_id, seq);"
        "CREATE TABLE IF NOT EXISTS logs ("
        " seq INTEGER PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
        " id TEXT NOT NULL, json TEXT NOT NULL);"
        "CREATE INDEX IF NOT EXISTS logs_by_session ON logs(session_id, seq);");
    // Version 2: one vote per answer, kept with its session, and what the insights read: per-day counters (numbers
    // only, kept when a session is deleted) and one row of facts per turn (its question and nearest section, deleted
    // with its session). A version-1 file gains the tables, in one transaction; its earlier turns are not counted.
    if (found < 2) Exec(
        "BEGIN IMMEDIATE;"
        "CREATE TABLE IF NOT EXISTS feedback ("
        " message_id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
        " day TEXT NOT NULL, rating TEXT NOT NULL, json TEXT NOT NULL);"
        "CREATE INDEX IF NOT EXISTS feedback_by_session ON feedback(session_id);"
        "CREATE INDEX IF NOT EXISTS feedback_by_rating_day ON feedback(rating, day);"
        "CREATE TABLE IF NOT EXISTS insights_votes ("
        " day TEXT NOT NULL, outcome TEXT NOT NULL, rating TEXT NOT NULL, votes INTEGER NOT NULL,"
        " PRIMARY KEY (day, outcome, rating)) WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS insights_daily ("
        " day TEXT NOT NULL, agent TEXT NOT NULL, strategy TEXT NOT NULL, outcome TEXT NOT NULL,"
        " cached INTEGER NOT NULL, bucket INTEGER NOT NULL, turns INTEGER NOT NULL, tokens INTEGER NOT NULL,"
        " cost REAL NOT NULL, PRIMARY KEY (day, agent, strategy, outcome, cached, bucket)) WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS turn_facts ("
        " message_id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
        " day TEXT NOT NULL, agent TEXT NOT NULL, strategy TEXT NOT NULL, outcome TEXT NOT NULL,"
        " question TEXT NOT NULL, source TEXT NOT NULL, heading TEXT NOT NULL, chunk_id INTEGER NOT NULL);"
        "CREATE INDEX IF NOT EXISTS turn_facts_by_session ON turn_facts(session_id);"
        "DELETE FROM schema_version;"
        "INSERT INTO schema_version(version) VALUES (2);"
        "COMMIT;");
    // Version 3: a turn's logs in one row (a JSON array). Rows written before, one log each, are read as they are;
    // the number tells an older server, which would misread the new rows, to refuse the file.
    if (found < 3) Exec("BEGIN IMMEDIATE; DELETE FROM schema_version; INSERT INTO schema_version(version) VALUES (3); COMMIT;");
    // Version 4: a turn's facts row is written with the turn only when it was declined, and with its first vote
    // otherwise (a facts row was a turn's most expensive insert). The gaps read declined turns by day, and only
    // those: an index of just them costs the other turns nothing. The number tells an older server, which would take
    // a missing row for a turn stored before the insights, to refuse the file.
    if (found < 4) Exec(
        "BEGIN IMMEDIATE; DROP INDEX IF EXISTS turn_facts_by_outcome_day;"
        "CREATE INDEX IF NOT EXISTS turn_facts_declined_by_day ON turn_facts(day) WHERE outcome = 'declined';"
        "DELETE FROM schema_version; INSERT INTO schema_version(version) VALUES (4); COMMIT;");
    StartCheckpointer();
  } catch (const service::StoreUnavailable& e) {
    FinalizeStatements();
    sqlite3_close(m_db);
    m_db = nullptr;
    throw std::runtime_error("cannot use the database " + path + ": " + e.what());
  } catch (...) {
    FinalizeStatements();
    sqlite3_close(m_db);
    m_db = nullptr;
    throw;
  }
}

// Checkpoints off the turns' path. SQLite's own checkpoint runs inside the commit that fills the WAL past 1,000 pages:
// that turn, and every turn queued behind the store's lock, waits while a few hundred pages are copied and the file is
// synced (under wrk -c32 these stalls set the p99, and the chat served ~2,400 turns/s with them, ~4,400 without). Here
// a commit that leaves kCheckpointPages or more in the WAL wakes a thread with a connection of its own, which copies
// the pages with a PASSIVE checkpoint while turns go on committing (one run at a time; a commit wakes it only when it
// is idle). Once it has copied all but a tail of at most kCheckpointTail pages, the committing thread copies that tail
// itself (a few ms at most), so the next write starts the WAL over; past kWalPagesMax pages it does so whatever the
// thread's progress (waiting for the thread's run to end), so the WAL stays bounded. A file that is not in WAL mode
// (":memory:") keeps SQLite's own checkpoints.
void SqliteSessionStore::StartCheckpointer() {
  std::string mode;
  {
    Statement journal(m_db, m_statements, "PRAGMA journal_mode");
    if (journal.Step()) mode = journal.Text(0);
  }
  if (mode != "wal") return;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(m_path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, CoalescingVfs()) != SQLITE_OK) {
    sqlite3_close(db);
    return;  // SQLite's own checkpoints go on
  }
  sqlite3_busy_timeout(db, 5000);
  // A connection knows the file is in WAL mode once it has read it; until then its checkpoints do nothing.
  if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return;
  }
  sqlite3_exec(db, "PRAGMA cache_size=-64", nullptr, nullptr, nullptr);  // a checkpoint copies pages past the cache
  m_checkpointDb = db;
  try {
    m_checkpointer = std::thread([this] { CheckpointLoop(); });
  } catch (...) {
    sqlite3_close(m_checkpointDb);
    m_checkpointDb = nullptr;
    return;
  }
  sqlite3_wal_hook(m_db, &SqliteSessionStore::OnWalCommit, this);  // replaces SQLite's automatic checkpoint
}

int SqliteSessionStore::OnWalCommit(void* self, sqlite3* db, const char*, int pages) {
  // Runs in a commit, with the store's lock held: no other write can start until it returns.
  auto* store = static_cast<SqliteSessionStore*>(self);
  if (pages < store->m_hookLastPages) store->m_walGeneration.fetch_add(1);  // the WAL has started over
  store->m_hookLastPages = pages;
  if (pages < kCheckpointPages) return SQLITE_OK;
  // What the thread copied counts only for the WAL it copied from.
  const std::uint64_t progress = store->m_walProgress.load();
  const int copied = static_cast<std::uint32_t>(progress >> 32) == store->m_walGeneration.load()
                         ? static_cast<int>(progress & 0xffffffffu)
                         : 0;
  if (pages - copied <= kCheckpointTail || pages >= kWalPagesMax) {
    // The tail (or, past the bound, whatever is left): copied here, after the thread's run if one is under way, so
    // the whole WAL is in the file and the next write starts it over.
    std::lock_guard<std::mutex> run(store->m_checkpointRun);
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  {
    std::lock_guard<std::mutex> lock(store->m_checkpointMutex);
    if (store->m_checkpointRunning || store->m_checkpointWanted) return SQLITE_OK;  // the next commit looks again
    store->m_checkpointWanted = true;
  }
  store->m_checkpointWake.notify_one();
  return SQLITE_OK;
}

void SqliteSessionStore::CheckpointLoop() {
  std::unique_lock<std::mutex> lock(m_checkpointMutex);
  for (;;) {
    m_checkpointWake.wait(lock, [this] { return m_checkpointWanted || m_stopping; });
    if (m_stopping) return;
    m_checkpointWanted = false;
    m_checkpointRunning = true;
    lock.unlock();
    const std::uint32_t generation = m_walGeneration.load();
    int walPages = 0;
    int copied = 0;
    int rc = SQLITE_OK;
    {
      std::lock_guard<std::mutex> run(m_checkpointRun);
      rc = sqlite3_wal_checkpoint_v2(m_checkpointDb, nullptr, SQLITE_CHECKPOINT_PASSIVE, &walPages, &copied);
    }
    if (rc == SQLITE_OK && copied >= 0) m_walProgress.store(std::uint64_t{generation} << 32 | static_cast<std::uint32_t>(copied));
    lock.lock();
    m_checkpointRunning = false;
    if (rc == SQLITE_OK) ++m_checkpoints;
  }
}

void SqliteSessionStore::StopCheckpointer() {
  if (!m_checkpointer.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(m_checkpointMutex);
    m_stopping = true;
  }
  m_checkpointWake.notify_one();
  m_checkpointer.join();
  sqlite3_close(m_checkpointDb);
  m_checkpointDb = nullptr;
}

std::uint64_t SqliteSessionStore::BackgroundCheckpoints() {
  std::lock_guard<std::mutex> lock(m_checkpointMutex);
  return m_checkpoints;
}

void SqliteSessionStore::FinalizeStatements() {
  for (auto& [sql, stmt] : m_statements) sqlite3_finalize(stmt);
  m_statements.clear();
}

SqliteSessionStore::~SqliteSessionStore() {
  StopCheckpointer();
  if (m_db) sqlite3_wal_hook(m_db, nullptr, nullptr);
  FinalizeStatements();
  if (m_db) sqlite3_close(m_db);
}

void SqliteSessionStore::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error ? error : "unknown error";
    sqlite3_free(error);
    throw StoreUnavailable("sqlite: " + why);
  }
}

bool SqliteSessionStore::Healthy() {
  std::lock_guard<std::mutex> lock(m_mutex);
  try {
    Statement s(m_db, m_statements, "SELECT 1");
    return s.Step();
  } catch (const StoreUnavailable&) {
    return false;
  }
}

std::optional<ChatSession> SqliteSessionStore::GetLocked(const std::string& id) {
  Statement s(m_db, m_statements, "SELECT id, start_time, last_activity, total_tokens, total_cost, message_count FROM sessions WHERE id = ?");
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadSession(s);
}

ChatSession SqliteSessionStore::Ensure(const std::string& id, const std::string& now) {
  std::lock_guard<std::mutex> lock(m_mutex);
  Statement insert(m_db, m_statements, "INSERT OR IGNORE INTO sessions(id, start_time, last_activity) VALUES (?, ?, ?)");
  insert.Bind(1, id).Bind(2, now).Bind(3, now).Step();
  return GetLocked(id).value();
}

std::optional<ChatSession> SqliteSessionStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  return GetLocked(id);
}

std::optional<SessionHistory> SqliteSessionStore::History(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto session = GetLocked(id);
  if (!session) return std::nullopt;
  SessionHistory h;
  h.session = *session;
  Statement messages(m_db, m_statements, "SELECT json FROM messages WHERE session_id = ? ORDER BY seq");
  messages.Bind(1, id);
  while (messages.Step()) h.messages.push_back(Json::parse(messages.Text(0)).get<Message>());
  Statement logs(m_db, m_statements, "SELECT json FROM logs WHERE session_id = ? ORDER BY seq");
  logs.Bind(1, id);
  while (logs.Step()) {
    // A row holds a turn's logs as an array; a file written before 2026-12 has a row per log.
    const Json row = Json::parse(logs.Text(0));
    if (!row.is_array()) {
      h.logs.push_back(row.get<RetrievalLog>());
      continue;
    }
    for (const Json& log : row) h.logs.push_back(log.get<RetrievalLog>());
  }
  std::map<std::string, Feedback> votes;
  Statement feedback(m_db, m_statements, "SELECT message_id, json FROM feedback WHERE session_id = ?");
  feedback.Bind(1, id);
  while (feedback.Step()) votes.emplace(feedback.Text(0), Json::parse(feedback.Text(1)).get<Feedback>());
  service::AttachFeedback(h.messages, votes);
  return h;
}

service::FeedbackOutcome SqliteSessionStore::SetFeedback(const std::string& sessionId, const std::string& messageId,
                                                         const Feedback& feedback) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!GetLocked(sessionId)) return service::FeedbackOutcome::NoSession;
  std::string day;
  std::int64_t seq = 0;
  Json answer;
  {
    Statement message(m_db, m_statements, "SELECT seq, json FROM messages WHERE session_id = ? AND id = ?");
    message.Bind(1, sessionId).Bind(2, messageId);
    if (!message.Step()) return service::FeedbackOutcome::NoMessage;
    seq = message.Int(0);
    answer = Json::parse(message.Text(1));
    if (answer.at("role") != "assistant") return service::FeedbackOutcome::NotAnAnswer;
    day = answer.at("timestamp").get<std::string>().substr(0, 10);
  }
  // One transaction: the vote replaces an earlier one, and the day's vote counters (by the answer's outcome) move
  // from the old rating to the new. The counters stay when the session is deleted, as its turns' counters do.
  // A declined turn has its facts row from the turn itself; any other gets it with its first vote, made from the
  // turn's stored messages and logs (only the gaps of voted answers read it).
  std::optional<service::TurnFacts> newFacts;
  std::string outcome;
  {
    Statement facts(m_db, m_statements, "SELECT outcome FROM turn_facts WHERE message_id = ?");
    facts.Bind(1, messageId);
    if (facts.Step()) outcome = facts.Text(0);
  }
  if (outcome.empty()) {
    try {
      newFacts = StoredTurnFactsLocked(sessionId, seq, answer.get<Message>());
      outcome = newFacts->outcome;
    } catch (const Json::exception&) {  // a stored row this server cannot read whole: counted as before the insights
      outcome = "answered";
    }
  }
  Transaction tx(m_db, m_statements);
  std::string previous;
  {
    Statement old(m_db, m_statements, "SELECT rating FROM feedback WHERE message_id = ?");
    old.Bind(1, messageId);
    if (old.Step()) previous = old.Text(0);
  }
  {
    const std::string json = Json(feedback).dump();
    Statement upsert(m_db, m_statements,
                     "INSERT INTO feedback(message_id, session_id, day, rating, json) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT(message_id) DO UPDATE SET rating = excluded.rating, json = excluded.json");
    upsert.Bind(1, messageId).Bind(2, sessionId).Bind(3, day).Bind(4, feedback.rating).Bind(5, json).Step();
  }
  const auto count = [&](const std::string& rating, std::int64_t delta, const std::string& counted) {
    Statement votes(m_db, m_statements,
                    "INSERT INTO insights_votes(day, outcome, rating, votes) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(day, outcome, rating) DO UPDATE SET votes = votes + excluded.votes");
    votes.Bind(1, day).Bind(2, counted).Bind(3, rating).Bind(4, delta).Step();
  };
  // An earlier vote on a turn without a facts row was counted as "answered" (a turn stored before the insights, or
  // a vote taken by a server before version 4): it is taken back from there.
  const std::string previousOutcome = newFacts ? "answered" : outcome;
  if (!previous.empty()) count(previous, -1, previousOutcome);
  count(feedback.rating, 1, outcome);
  if (newFacts) InsertFactsLocked(*newFacts);
  tx.Commit();
  return service::FeedbackOutcome::Stored;
}

std::vector<Message> SqliteSessionStore::RecentMessages(const std::string& id, std::size_t count) {
  const bool rememberable = count <= kRecentKept;
  if (rememberable) {
    std::lock_guard<std::mutex> lock(m_recentMutex);
    if (auto it = m_recent.find(id); it != m_recent.end()) {
      m_recentUse.splice(m_recentUse.begin(), m_recentUse, it->second.use);
      ++m_recentHits;
      const auto& kept = it->second.messages;
      return std::vector<Message>(kept.end() - static_cast<std::ptrdiff_t>(std::min(count, kept.size())), kept.end());
    }
  }
  const auto parse = [](const std::vector<std::string>& newestFirst) {
    std::vector<Message> out;
    out.reserve(newestFirst.size());
    for (auto it = newestFirst.rbegin(); it != newestFirst.rend(); ++it) out.push_back(Json::parse(*it).get<Message>());
    return out;
  };
  std::vector<std::string> texts;  // newest first
  std::unique_lock<std::mutex> lock(m_mutex);
  {
    // Reset (by its destructor) before the lock can be released: the prepared statement is shared.
    Statement recent(m_db, m_statements, "SELECT json FROM messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?");
    recent.Bind(1, id).Bind(2, static_cast<std::int64_t>(rememberable ? kRecentKept : count));
    while (recent.Step()) texts.push_back(recent.Text(0));
  }
  if (!rememberable) {  // more than is remembered (an LLM's history): parsed once the connection is free again
    lock.unlock();
    return parse(texts);
  }
  // Remembered while the connection is held, so no commit can slip in between the read and the memory.
  std::vector<Message> out = parse(texts);
  RememberLocked(id, out);
  if (out.size() > count) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(count));
  return out;
}

void SqliteSessionStore::RememberLocked(const std::string& id, std::vector<Message> messages) {
  std::lock_guard<std::mutex> lock(m_recentMutex);
  auto it = m_recent.find(id);
  if (it != m_recent.end()) {
    m_recentUse.splice(m_recentUse.begin(), m_recentUse, it->second.use);
  } else {
    m_recentUse.push_front(id);
    it = m_recent.emplace(id, Recent{{}, m_recentUse.begin()}).first;
    if (m_recent.size() > kRecentSessions) {
      m_recent.erase(m_recentUse.back());
      m_recentUse.pop_back();
    }
  }
  it->second.messages = std::move(messages);
}

void SqliteSessionStore::AppendRecentLocked(const std::string& id, const Message& user, const Message& assistant) {
  std::lock_guard<std::mutex> lock(m_recentMutex);
  auto it = m_recent.find(id);
  if (it == m_recent.end()) return;  // not remembered: the next read fills it from the file
  try {
    auto& kept = it->second.messages;
    kept.push_back(user);
    kept.push_back(assistant);
    if (kept.size() > kRecentKept) kept.erase(kept.begin(), kept.end() - static_cast<std::ptrdiff_t>(kRecentKept));
  } catch (...) {  // out of memory: forgotten rather than half updated (the next read fills it from the file)
    m_recentUse.erase(it->second.use);
    m_recent.erase(it);
  }
}

std::uint64_t SqliteSessionStore::RecentFromMemory() {
  std::lock_guard<std::mutex> lock(m_recentMutex);
  return m_recentHits;
}

void SqliteSessionStore::AppendTurn(const std::string& id, const Message& user, const Message& assistant,
                                    const std::vector<RetrievalLog>& logs) {
  AppendTurnWithLogText(id, user, assistant, logs, service::LogTexts(logs));
}

void SqliteSessionStore::AppendTurnWithLogText(const std::string& id, const Message& user, const Message& assistant,
                                               const std::vector<RetrievalLog>& logs,
                                               const std::vector<std::string>& logJson) {
  // Serialized before joining the queue: JSON is most of a write's work, and other turns commit meanwhile. (The
  // logs' texts come made: the answer carries the same bytes.)
  PendingTurn turn{&id, &user, &assistant, &logs, {ToJsonText(user), ToJsonText(assistant)}, JsonArrayOf(logJson),
                   service::FactsOfTurn(id, user, assistant, logs)};
  // Group commit (group_commit.h): turns that arrive while a transaction commits share the next one. Nobody returns
  // before the transaction holding their turn has committed, so an acknowledged answer is on disk.
  m_group.Submit(turn, [this](const std::vector<PendingTurn*>& batch) { CommitBatch(batch); });
  if (!turn.error.empty()) throw StoreUnavailable(turn.error);
}

void SqliteSessionStore::CommitBatch(const std::vector<PendingTurn*>& batch) {
  std::lock_guard<std::mutex> lock(m_mutex);
  const auto why = [](const std::exception& e) { return std::string(*e.what() ? e.what() : "sqlite: the write failed"); };
  try {
    Transaction tx(m_db, m_statements);
    if (batch.size() == 1) {
      // A turn alone needs no savepoint: if it fails, the transaction is undone (below) and the error is its own.
      WriteTurnLocked(*batch.front());
    } else {
      // Each turn in a savepoint of its own: a turn that fails is undone alone, and the others still commit.
      const auto run = [this](const char* sql) { Statement(m_db, m_statements, sql).Step(); };  // prepared once
      for (PendingTurn* t : batch) {
        run("SAVEPOINT turn");
        try {
          WriteTurnLocked(*t);
          run("RELEASE turn");
        } catch (const std::exception& e) {
          t->error = why(e);
          run("ROLLBACK TO turn");
          run("RELEASE turn");
        }
      }
    }
    tx.Commit();
    ++m_batches;
  } catch (const std::exception& e) {
    // The transaction itself failed (begin, commit, or undoing a turn): nothing of the batch was written.
    for (PendingTurn* t : batch) t->error = why(e);
    return;
  }
  // Committed: the remembered messages follow (a turn that failed alone is not in the file, nor here).
  for (const PendingTurn* t : batch) {
    if (t->error.empty()) AppendRecentLocked(*t->id, *t->user, *t->assistant);
  }
}

void SqliteSessionStore::WriteTurnLocked(const PendingTurn& turn) {
  const std::string& id = *turn.id;
  // What this turn adds to its session (ApplyTurnToSession on an empty one), added by the upsert itself: no read of
  // the session row first.
  ChatSession delta{id, turn.user->timestamp, turn.user->timestamp, 0, 0.0, 0};
  service::ApplyTurnToSession(delta, *turn.assistant);
  Statement upsert(m_db, m_statements,
                   "INSERT INTO sessions(id, start_time, last_activity, total_tokens, total_cost, message_count) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET last_activity = excluded.last_activity, "
                   "total_tokens = total_tokens + excluded.total_tokens, total_cost = total_cost + excluded.total_cost, "
                   "message_count = message_count + excluded.message_count");
  upsert.Bind(1, id).Bind(2, delta.start_time).Bind(3, delta.last_activity).Bind(4, delta.total_tokens)
      .Bind(5, delta.total_cost).Bind(6, delta.message_count).Step();
  const Message* messages[2] = {turn.user, turn.assistant};
  for (int i = 0; i < 2; ++i) {
    Statement insert(m_db, m_statements, "INSERT INTO messages(session_id, id, json) VALUES (?, ?, ?)");
    insert.Bind(1, id).Bind(2, messages[i]->id).Bind(3, turn.messageJson[i]).Step();
  }
  if (!turn.logs->empty()) {  // one row for the turn's logs (under the first one's id): one insert, one index entry
    Statement insert(m_db, m_statements, "INSERT INTO logs(session_id, id, json) VALUES (?, ?, ?)");
    insert.Bind(1, id).Bind(2, turn.logs->front().id).Bind(3, turn.logsJson).Step();
  }
  const service::TurnFacts& f = turn.facts;
  Statement daily(m_db, m_statements,
                  "INSERT INTO insights_daily(day, agent, strategy, outcome, cached, bucket, turns, tokens, cost) "
                  "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT(day, agent, strategy, outcome, cached, bucket) DO "
                  "UPDATE SET turns = turns + 1, tokens = tokens + excluded.tokens, cost = cost + excluded.cost");
  daily.Bind(1, f.day).Bind(2, f.agent).Bind(3, f.strategy).Bind(4, f.outcome).Bind(5, std::int64_t{f.cached})
      .Bind(6, std::int64_t{f.latencyBucket}).Bind(7, f.tokens).Bind(8, f.cost).Step();
  if (f.outcome == "declined") InsertFactsLocked(f);  // the gaps read it; other turns get theirs with a vote
}

void SqliteSessionStore::InsertFactsLocked(const service::TurnFacts& f) {
  Statement facts(m_db, m_statements,
                  "INSERT OR IGNORE INTO turn_facts(message_id, session_id, day, agent, strategy, outcome, question, "
                  "source, heading, chunk_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  facts.Bind(1, f.messageId).Bind(2, f.sessionId).Bind(3, f.day).Bind(4, f.agent).Bind(5, f.strategy)
      .Bind(6, f.outcome).Bind(7, f.question).Bind(8, f.source).Bind(9, f.heading).Bind(10, f.chunkId).Step();
}

service::TurnFacts SqliteSessionStore::StoredTurnFactsLocked(const std::string& sessionId, std::int64_t seq,
                                                             const Message& answer) {
  Message user;  // the question before the answer (none: a session cut short by hand)
  {
    Statement before(m_db, m_statements,
                     "SELECT json FROM messages WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1");
    before.Bind(1, sessionId).Bind(2, seq);
    if (before.Step()) user = Json::parse(before.Text(0)).get<Message>();
    if (user.role != MessageRole::User) user = Message{};
  }
  std::vector<RetrievalLog> logs;
  std::set<std::string> found;
  for (const std::string& logId : answer.log_ids) {
    if (found.count(logId)) continue;
    Statement row(m_db, m_statements, "SELECT json FROM logs WHERE session_id = ? AND id = ?");
    row.Bind(1, sessionId).Bind(2, logId);
    if (!row.Step()) continue;
    const Json j = Json::parse(row.Text(0));  // the turn's logs as an array, or (before 2026-12) one log
    for (const Json& log : j.is_array() ? j : Json::array({j})) {
      logs.push_back(log.get<RetrievalLog>());
      found.insert(logs.back().id);
    }
  }
  return service::FactsOfTurn(sessionId, user, answer, logs);
}

service::InsightsData SqliteSessionStore::Insights(const service::InsightsRange& range) {
  std::lock_guard<std::mutex> lock(m_mutex);
  service::InsightsData out;
  {
    Statement daily(m_db, m_statements,
                    "SELECT day, agent, strategy, outcome, cached, bucket, turns, tokens, cost FROM insights_daily "
                    "WHERE day BETWEEN ? AND ?");
    daily.Bind(1, range.from).Bind(2, range.to);
    while (daily.Step()) {
      service::RollupRow r;
      r.key = {daily.Text(0), daily.Text(1), daily.Text(2), daily.Text(3), daily.Int(4) != 0, static_cast<int>(daily.Int(5))};
      r.count = daily.Int(6);
      r.tokens = daily.Int(7);
      r.cost = daily.Real(8);
      out.rollups.push_back(std::move(r));
    }
  }
  {
    Statement votes(m_db, m_statements,
                    "SELECT day, outcome, rating, votes FROM insights_votes WHERE day BETWEEN ? AND ? AND votes > 0");
    votes.Bind(1, range.from).Bind(2, range.to);
    while (votes.Step()) out.votes.push_back(service::VoteRow{votes.Text(0), votes.Text(1), votes.Text(2), votes.Int(3)});
  }
  // The gap candidates, newest first: declined questions, then answers with a thumbs down (once each).
  std::set<std::string> seen;
  const auto read = [&](Statement& s, bool voted) {
    while (s.Step() && out.gaps.size() < service::kMaxGapRows) {
      service::GapRow g;
      g.facts.messageId = s.Text(0);
      g.facts.sessionId = s.Text(1);
      g.facts.day = s.Text(2);
      g.facts.agent = s.Text(3);
      g.facts.strategy = s.Text(4);
      g.facts.outcome = s.Text(5);
      g.facts.question = s.Text(6);
      g.facts.source = s.Text(7);
      g.facts.heading = s.Text(8);
      g.facts.chunkId = s.Int(9);
      if (voted) {
        g.rating = "down";
        g.reason = s.Text(10);
      }
      if (seen.insert(g.facts.messageId).second) out.gaps.push_back(std::move(g));
    }
  };
  {
    Statement down(m_db, m_statements,
                   "SELECT t.message_id, t.session_id, t.day, t.agent, t.strategy, t.outcome, t.question, t.source, "
                   "t.heading, t.chunk_id, COALESCE(json_extract(f.json, '$.reason'), '') FROM feedback f "
                   "JOIN turn_facts t ON t.message_id = f.message_id WHERE f.rating = 'down' AND f.day BETWEEN ? AND ? "
                   "ORDER BY f.day DESC, f.rowid DESC LIMIT 5000");
    down.Bind(1, range.from).Bind(2, range.to);
    read(down, true);
  }
  {
    Statement declined(m_db, m_statements,
                       "SELECT message_id, session_id, day, agent, strategy, outcome, question, source, heading, "
                       "chunk_id FROM turn_facts WHERE outcome = 'declined' AND day BETWEEN ? AND ? "
                       "ORDER BY day DESC, rowid DESC LIMIT 5000");
    declined.Bind(1, range.from).Bind(2, range.to);
    read(declined, false);
  }
  // Newest first across both kinds.
  std::stable_sort(out.gaps.begin(), out.gaps.end(),
                   [](const service::GapRow& a, const service::GapRow& b) { return a.facts.day > b.facts.day; });
  return out;
}

std::uint64_t SqliteSessionStore::Transactions() {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_batches;
}

bool SqliteSessionStore::Delete(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  {
    std::lock_guard<std::mutex> recent(m_recentMutex);
    if (auto it = m_recent.find(id); it != m_recent.end()) {
      m_recentUse.erase(it->second.use);
      m_recent.erase(it);
    }
  }
  Statement del(m_db, m_statements, "DELETE FROM sessions WHERE id = ?");
  del.Bind(1, id).Step();
  return sqlite3_changes(m_db) > 0;
}

}  // namespace oai::server
