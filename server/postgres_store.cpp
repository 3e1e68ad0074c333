// PostgreSQL session store (see postgres_store.h).
//
// Concurrency: turns of one session take that session's row lock (SELECT ... FOR UPDATE) inside their transaction, so
// two replicas answering in the same conversation commit one after the other and the running totals never lose an
// update; turns of different sessions do not wait for each other. That is the guarantee SERIALIZABLE would give here,
// without its retries: messages and logs are append-only, and the session row is the only thing two turns both change.
#include "server/postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_set>

#include "model/ids.h"
#include "model/json_text.h"

namespace oai::server {

using service::StoreUnavailable;

std::string RedactedUrl(const std::string& url) {
  const std::size_t scheme = url.find("://");
  const std::size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const std::size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + url.substr(at);
}

namespace {

std::string FirstLine(const char* message) {
  std::string s = message ? message : "unknown error";
  const std::size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

}  // namespace

// One connection and the statements already prepared on it.
struct PgConnection {
  PGconn* pg = nullptr;
  std::unordered_set<const char*> prepared;  // by the SQL text's address: every call site passes a literal
  ~PgConnection() {
    if (pg) PQfinish(pg);
  }
};

// At most `size` connections, opened when needed; a broken one is closed and the next lease opens a new one, so the
// store recovers by itself when the database comes back.
class PostgresPool {
 public:
  PostgresPool(std::string url, std::size_t size) : m_url(std::move(url)), m_size(std::max<std::size_t>(1, size)) {}

  // `reused`: the connection was opened earlier (it may have died since, with a restarted server).
  std::unique_ptr<PgConnection> Acquire(bool* reused) {
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      if (!m_cv.wait_for(lock, std::chrono::seconds(5), [&] { return !m_idle.empty() || m_open < m_size; }))
        throw StoreUnavailable("postgresql: every connection of the pool is busy");
      if (!m_idle.empty()) {
        std::unique_ptr<PgConnection> c = std::move(m_idle.back());
        m_idle.pop_back();
        *reused = true;
        return c;
      }
      ++m_open;
    }
    *reused = false;
    auto c = std::make_unique<PgConnection>();
    c->pg = PQconnectdb(m_url.c_str());
    if (PQstatus(c->pg) != CONNECTION_OK) {
      const std::string why = FirstLine(PQerrorMessage(c->pg));
      Closed();
      throw StoreUnavailable("postgresql: cannot connect to " + RedactedUrl(m_url) + ": " + why);
    }
    return c;
  }

  void Release(std::unique_ptr<PgConnection> c) {
    if (!c) return;
    if (PQstatus(c->pg) != CONNECTION_OK || PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
      c.reset();
      Closed();
      return;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_idle.push_back(std::move(c));
    m_cv.notify_one();
  }

  StorePool Stats() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return {static_cast<std::int64_t>(m_size), static_cast<std::int64_t>(m_open),
            static_cast<std::int64_t>(m_idle.size())};
  }
  const std::string& Url() const { return m_url; }

 private:
  void Closed() {
    std::lock_guard<std::mutex> lock(m_mutex);
    --m_open;
    m_cv.notify_one();
  }

  std::string m_url;
  std::size_t m_size;
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<std::unique_ptr<PgConnection>> m_idle;
  std::size_t m_open = 0;
};

namespace {

class Result {
 public:
  explicit Result(PGresult* r) : m_r(r) {}
  ~Result() { PQclear(m_r); }
  Result(Result&& o) noexcept : m_r(o.m_r) { o.m_r = nullptr; }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  const PGresult* Raw() const { return m_r; }
  int Rows() const { return PQntuples(m_r); }
  bool Null(int row, int col) const { return PQgetisnull(m_r, row, col) != 0; }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(m_r, row, col), static_cast<std::size_t>(PQgetlength(m_r, row, col)));
  }
  std::int64_t Int(int row, int col) const { return std::stoll(Text(row, col)); }
  double Real(int row, int col) const { return std::stod(Text(row, col)); }

 private:
  PGresult* m_r;
};

// A leased connection; it goes back to the pool (or is closed when broken) at the end of the scope.
class Lease {
 public:
  explicit Lease(PostgresPool& pool) : m_pool(pool), m_c(pool.Acquire(&m_reused)) {}
  ~Lease() {
    if (m_c && PQtransactionStatus(m_c->pg) == PQTRANS_INERROR) {
      PQclear(PQexec(m_c->pg, "ROLLBACK"));
    }
    m_pool.Release(std::move(m_c));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  // Runs a statement, prepared on this connection the first time; parameters are sent as text.
  Result Run(const char* sql, const std::vector<std::string>& params = {}) {
    return Retrying([&] { return RunOnce(sql, params); });
  }
  // A command without parameters or a result (BEGIN, COMMIT, a migration's script).
  void Exec(const char* sql) {
    Retrying([&] {
      Result r(PQexec(m_c->pg, sql));
      Check(r, "command");
      return r;
    });
  }
  PGconn* Raw() const { return m_c->pg; }

 private:
  // The first command on a pooled connection that turns out dead (the server restarted since it was opened) runs
  // again on a new connection: nothing was sent on the old one, so nothing can be done twice.
  template <class F>
  Result Retrying(F&& once) {
    const bool first = !m_used;
    m_used = true;
    try {
      return once();
    } catch (const StoreUnavailable&) {
      if (!first || !m_reused || PQstatus(m_c->pg) == CONNECTION_OK) throw;
      for (;;) {
        m_pool.Release(std::move(m_c));
        m_c = m_pool.Acquire(&m_reused);
        try {
          return once();
        } catch (const StoreUnavailable&) {
          if (!m_reused || PQstatus(m_c->pg) == CONNECTION_OK) throw;
        }
      }
    }
  }
  Result RunOnce(const char* sql, const std::vector<std::string>& params) {
    PGconn* pg = m_c->pg;
    const std::string name = "s" + std::to_string(reinterpret_cast<std::uintptr_t>(sql));
    if (!m_c->prepared.count(sql)) {
      // Every parameter is text (type 25); the SQL casts where a column wants another type.
      const std::vector<Oid> types(params.size(), 25);
      Result prepared(PQprepare(pg, name.c_str(), sql, static_cast<int>(params.size()), types.data()));
      Check(prepared, "prepare");
      m_c->prepared.insert(sql);
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.c_str());
    Result r(PQexecPrepared(pg, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0));
    Check(r, "query");
    return r;
  }
  void Check(const Result& r, const char* what) {
    const ExecStatusType s = PQresultStatus(r.Raw());
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) return;
    throw StoreUnavailable(std::string("postgresql ") + what + ": " + FirstLine(PQerrorMessage(m_c->pg)));
  }
  PostgresPool& m_pool;
  bool m_reused = false;
  bool m_used = false;
  std::unique_ptr<PgConnection> m_c;
};

// BEGIN ... COMMIT; anything thrown in between rolls back (or, with the connection lost, the server already did).
class Transaction {
 public:
  explicit Transaction(Lease& lease) : m_lease(lease) { m_lease.Exec("BEGIN"); }
  ~Transaction() {
    if (!m_done && PQstatus(m_lease.Raw()) == CONNECTION_OK) PQclear(PQexec(m_lease.Raw(), "ROLLBACK"));
  }
  void Commit() {
    m_lease.Exec("COMMIT");
    m_done = true;
  }

 private:
  Lease& m_lease;
  bool m_done = false;
};

constexpr const char* kSelectSession =
    "SELECT id, start_time, last_activity, total_tokens, total_cost, message_count FROM sessions WHERE id = $1";

ChatSession ReadSession(const Result& r, int row = 0) {
  ChatSession c;
  c.id = r.Text(row, 0);
  c.start_time = r.Text(row, 1);
  c.last_activity = r.Text(row, 2);
  c.total_tokens = r.Int(row, 3);
  c.total_cost = r.Real(row, 4);
  c.message_count = r.Int(row, 5);
  return c;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

PostgresSessionStore::PostgresSessionStore(const std::string& url, Options options)
    : m_pool(std::make_unique<PostgresPool>(url, options.poolSize)), m_options(options) {
  try {
    Lease db(*m_pool);
    Transaction tx(db);
    // Replicas starting together: one applies the migrations, the others wait for it and find nothing to do.
    db.Exec("SELECT pg_advisory_xact_lock(8120230915)");
    db.Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
        "applied_at timestamptz NOT NULL DEFAULT now())");
    Result current = db.Run("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    int version = static_cast<int>(current.Int(0, 0));
    const int known = Migrations().empty() ? 0 : Migrations().back().version;
    if (version > known) {
      throw std::runtime_error("the database " + RedactedUrl(url) + " has schema version " + std::to_string(version) +
                               ", newer than this server knows (" + std::to_string(known) +
                               "): run a newer orchestratai-server");
    }
    for (const Migration& m : Migrations()) {
      if (m.version <= version) continue;
      db.Exec(m.sql);
      db.Run("INSERT INTO schema_migrations(version, name) VALUES ($1::integer, $2)", {std::to_string(m.version), m.name});
      version = m.version;
    }
    tx.Commit();
    m_schemaVersion = version;
  } catch (const StoreUnavailable& e) {
    throw std::runtime_error("cannot use the database " + RedactedUrl(url) + ": " + e.what());
  }
  if (m_options.retentionEvery.count() > 0) m_retention = std::thread([this] { RetentionLoop(); });
}

PostgresSessionStore::~PostgresSessionStore() {
  {
    std::lock_guard<std::mutex> lock(m_stopMutex);
    m_stopping = true;
  }
  m_stop.notify_all();
  if (m_retention.joinable()) m_retention.join();
}

void PostgresSessionStore::RetentionLoop() {
  std::unique_lock<std::mutex> lock(m_stopMutex);
  while (!m_stop.wait_for(lock, m_options.retentionEvery, [&] { return m_stopping; })) {
    lock.unlock();
    try {
      DeleteIdleBefore(FormatIso8601(std::chrono::system_clock::now() - m_options.sessionTtl));
    } catch (const StoreUnavailable&) {
      // The database is away: the next round tries again.
    }
    lock.lock();
  }
}

bool PostgresSessionStore::Healthy() {
  try {
    Lease db(*m_pool);
    return db.Run("SELECT 1").Rows() == 1;
  } catch (const StoreUnavailable&) {
    return false;
  }
}

std::optional<StorePool> PostgresSessionStore::Pool() const { return m_pool->Stats(); }

ChatSession PostgresSessionStore::Ensure(const std::string& id, const std::string& now) {
  Lease db(*m_pool);
  db.Run(
      "INSERT INTO sessions(id, start_time, last_activity, last_activity_at) VALUES ($1, $2, $2, $2::timestamptz) "
      "ON CONFLICT (id) DO NOTHING",
      {id, now});
  Result r = db.Run(kSelectSession, {id});
  if (r.Rows() == 0) throw StoreUnavailable("postgresql: the session vanished while it was created");
  return ReadSession(r);
}

std::optional<ChatSession> PostgresSessionStore::Get(const std::string& id) {
  Lease db(*m_pool);
  Result r = db.Run(kSelectSession, {id});
  if (r.Rows() == 0) return std::nullopt;
  return ReadSession(r);
}

std::optional<SessionHistory> PostgresSessionStore::History(const std::string& id) {
  Lease db(*m_pool);
  // One snapshot for the three reads: a turn committing meanwhile is seen whole or not at all.
  db.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  Result session = db.Run(kSelectSession, {id});
  if (session.Rows() == 0) {
    db.Exec("COMMIT");
    return std::nullopt;
  }
  SessionHistory h;
  h.session = ReadSession(session);
  Result messages = db.Run("SELECT data::text FROM messages WHERE session_id = $1 ORDER BY seq", {id});
  Result logs = db.Run("SELECT data::text FROM retrieval_logs WHERE session_id = $1 ORDER BY seq", {id});
  Result feedback = db.Run("SELECT message_id, data::text FROM feedback WHERE session_id = $1", {id});
  db.Exec("COMMIT");
  for (int i = 0; i < messages.Rows(); ++i) h.messages.push_back(Json::parse(messages.Text(i, 0)).get<Message>());
  for (int i = 0; i < logs.Rows(); ++i) h.logs.push_back(Json::parse(logs.Text(i, 0)).get<RetrievalLog>());
  std::map<std::string, Feedback> votes;
  for (int i = 0; i < feedback.Rows(); ++i) votes.emplace(feedback.Text(i, 0), Json::parse(feedback.Text(i, 1)).get<Feedback>());
  service::AttachFeedback(h.messages, votes);
  return h;
}

service::FeedbackOutcome PostgresSessionStore::SetFeedback(const std::string& sessionId, const std::string& messageId,
                                                           const Feedback& feedback) {
  Lease db(*m_pool);
  Transaction tx(db);
  // The session's row lock: a DELETE of the session waits for the vote, or the vote finds the session gone.
  if (db.Run("SELECT id FROM sessions WHERE id = $1 FOR UPDATE", {sessionId}).Rows() == 0)
    return service::FeedbackOutcome::NoSession;
  Result message = db.Run("SELECT role, substr(data->>'timestamp', 1, 10) FROM messages WHERE session_id = $1 AND id = $2",
                          {sessionId, messageId});
  if (message.Rows() == 0) return service::FeedbackOutcome::NoMessage;
  if (message.Text(0, 0) != "assistant") return service::FeedbackOutcome::NotAnAnswer;
  const std::string day = message.Text(0, 1);
  Result facts = db.Run("SELECT outcome FROM turn_facts WHERE message_id = $1", {messageId});
  const std::string outcome = facts.Rows() ? facts.Text(0, 0) : "answered";  // a turn stored before the insights
  Result previous = db.Run("SELECT rating FROM feedback WHERE message_id = $1 FOR UPDATE", {messageId});
  // The vote replaces an earlier one; the day's counters (kept when the session goes) move to the new rating.
  db.Run(
      "INSERT INTO feedback(message_id, session_id, day, rating, data) VALUES ($2, $1, $3, $4, $5::jsonb) "
      "ON CONFLICT (message_id) DO UPDATE SET rating = excluded.rating, data = excluded.data",
      {sessionId, messageId, day, feedback.rating, Json(feedback).dump()});
  const auto count = [&](const std::string& rating, const char* delta) {
    db.Run("INSERT INTO insights_votes(day, outcome, rating, votes) VALUES ($1, $2, $3, $4::bigint) "
           "ON CONFLICT (day, outcome, rating) DO UPDATE SET votes = insights_votes.votes + excluded.votes",
           {day, outcome, rating, delta});
  };
  if (previous.Rows() > 0) count(previous.Text(0, 0), "-1");
  count(feedback.rating, "1");
  tx.Commit();
  return service::FeedbackOutcome::Stored;
}

std::vector<Message> PostgresSessionStore::RecentMessages(const std::string& id, std::size_t count) {
  std::vector<Message> out;
  {
    Lease db(*m_pool);
    Result r = db.Run(
        "SELECT data::text FROM (SELECT seq, data FROM messages WHERE session_id = $1 ORDER BY seq DESC LIMIT $2::bigint) m "
        "ORDER BY seq",
        {id, std::to_string(count)});
    out.reserve(static_cast<std::size_t>(r.Rows()));
    for (int i = 0; i < r.Rows(); ++i) out.push_back(Json::parse(r.Text(i, 0)).get<Message>());
  }
  return out;
}

void PostgresSessionStore::AppendTurn(const std::string& id, const Message& user, const Message& assistant,
                                      const std::vector<RetrievalLog>& logs) {
  AppendTurnWithLogText(id, user, assistant, logs, service::LogTexts(logs));
}

void PostgresSessionStore::AppendTurnWithLogText(const std::string& id, const Message& user, const Message& assistant,
                                                 const std::vector<RetrievalLog>& logs,
                                                 const std::vector<std::string>& logJson) {
  // Serialized before a connection is leased: JSON is most of a write's work. (The logs' texts come made.)
  const std::string messageJson[2] = {ToJsonText(user), ToJsonText(assistant)};
  const service::TurnFacts facts = service::FactsOfTurn(id, user, assistant, logs);
  const std::string start = user.timestamp.empty() ? NowIso8601() : user.timestamp;

  Lease db(*m_pool);
  Transaction tx(db);
  db.Run(
      "INSERT INTO sessions(id, start_time, last_activity, last_activity_at) VALUES ($1, $2, $2, $2::timestamptz) "
      "ON CONFLICT (id) DO NOTHING",
      {id, start});
  // The session's row lock: this session's turns, from any replica, commit one after another.
  Result locked = db.Run(
      "SELECT id, start_time, last_activity, total_tokens, total_cost, message_count FROM sessions WHERE id = $1 "
      "FOR UPDATE",
      {id});
  if (locked.Rows() == 0) throw StoreUnavailable("postgresql: the session was deleted during the turn");
  ChatSession session = ReadSession(locked);
  service::ApplyTurnToSession(session, assistant);
  if (session.last_activity.empty()) session.last_activity = start;
  db.Run(
      "UPDATE sessions SET last_activity = $2, last_activity_at = $2::timestamptz, total_tokens = $3::bigint, "
      "total_cost = $4::double precision, message_count = $5::bigint WHERE id = $1",
      {id, session.last_activity, std::to_string(session.total_tokens), Number(session.total_cost),
       std::to_string(session.message_count)});
  const Message* messages[2] = {&user, &assistant};
  for (int i = 0; i < 2; ++i) {
    db.Run("INSERT INTO messages(session_id, id, role, data) VALUES ($1, $2, $3, $4::jsonb)",
           {id, messages[i]->id, ToString(messages[i]->role), messageJson[i]});
  }
  for (std::size_t i = 0; i < logs.size(); ++i) {
    db.Run("INSERT INTO retrieval_logs(session_id, message_id, id, type, data) VALUES ($1, $2, $3, $4, $5::jsonb)",
           {id, assistant.id, logs[i].id, ToString(logs[i].Type()), logJson[i]});
  }
  db.Run(
      "INSERT INTO insights_daily(day, agent, strategy, outcome, cached, bucket, turns, tokens, cost) "
      "VALUES ($1, $2, $3, $4, $5::boolean, $6::integer, 1, $7::bigint, $8::double precision) "
      "ON CONFLICT (day, agent, strategy, outcome, cached, bucket) DO UPDATE SET turns = insights_daily.turns + 1, "
      "tokens = insights_daily.tokens + excluded.tokens, cost = insights_daily.cost + excluded.cost",
      {facts.day, facts.agent, facts.strategy, facts.outcome, facts.cached ? "true" : "false",
       std::to_string(facts.latencyBucket), std::to_string(facts.tokens), Number(facts.cost)});
  db.Run(
      "INSERT INTO turn_facts(message_id, session_id, day, agent, strategy, outcome, question, source, heading, chunk_id) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::bigint)",
      {facts.messageId, id, facts.day, facts.agent, facts.strategy, facts.outcome, facts.question, facts.source,
       facts.heading, std::to_string(facts.chunkId)});
  tx.Commit();
}

service::InsightsData PostgresSessionStore::Insights(const service::InsightsRange& range) {
  service::InsightsData out;
  Lease db(*m_pool);
  db.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  Result daily = db.Run(
      "SELECT day, agent, strategy, outcome, cached::text, bucket, turns, tokens, cost FROM insights_daily "
      "WHERE day BETWEEN $1 AND $2",
      {range.from, range.to});
  Result votes = db.Run(
      "SELECT day, outcome, rating, votes FROM insights_votes WHERE day BETWEEN $1 AND $2 AND votes > 0",
      {range.from, range.to});
  const char* columns = "t.message_id, t.session_id, t.day, t.agent, t.strategy, t.outcome, t.question, t.source, "
                        "t.heading, t.chunk_id";
  const std::string downSql = std::string("SELECT ") + columns +
                              " FROM feedback f JOIN turn_facts t ON t.message_id = f.message_id WHERE f.rating = "
                              "'down' AND f.day BETWEEN $1 AND $2 ORDER BY f.day DESC LIMIT 5000";
  const std::string declinedSql = std::string("SELECT ") + columns +
                                  " FROM turn_facts t WHERE t.outcome = 'declined' AND t.day BETWEEN $1 AND $2 "
                                  "ORDER BY t.day DESC, t.seq DESC LIMIT 5000";
  Result down = db.Run(downSql.c_str(), {range.from, range.to});
  Result declined = db.Run(declinedSql.c_str(), {range.from, range.to});
  db.Exec("COMMIT");
  for (int i = 0; i < daily.Rows(); ++i) {
    service::RollupRow r;
    r.key = {daily.Text(i, 0), daily.Text(i, 1), daily.Text(i, 2), daily.Text(i, 3), daily.Text(i, 4) == "true",
             std::stoi(daily.Text(i, 5))};
    r.count = std::stoll(daily.Text(i, 6));
    r.tokens = std::stoll(daily.Text(i, 7));
    r.cost = daily.Real(i, 8);
    out.rollups.push_back(std::move(r));
  }
  for (int i = 0; i < votes.Rows(); ++i)
    out.votes.push_back(service::VoteRow{votes.Text(i, 0), votes.Text(i, 1), votes.Text(i, 2), std::stoll(votes.Text(i, 3))});
  std::set<std::string> seen;
  for (Result* r : {&down, &declined}) {
    for (int i = 0; i < r->Rows() && out.gaps.size() < service::kMaxGapRows; ++i) {
      service::GapRow g;
      g.facts = service::TurnFacts{r->Text(i, 1), r->Text(i, 0), r->Text(i, 2), r->Text(i, 3), r->Text(i, 4),
                                   r->Text(i, 5), false, 0, 0, 0.0, r->Text(i, 6), r->Text(i, 7), r->Text(i, 8),
                                   std::stoll(r->Text(i, 9))};
      if (r == &down) g.rating = "down";
      if (seen.insert(g.facts.messageId).second) out.gaps.push_back(std::move(g));
    }
  }
  std::stable_sort(out.gaps.begin(), out.gaps.end(),
                   [](const service::GapRow& a, const service::GapRow& b) { return a.facts.day > b.facts.day; });
  return out;
}

bool PostgresSessionStore::Delete(const std::string& id) {
  Lease db(*m_pool);
  Result r = db.Run("DELETE FROM sessions WHERE id = $1 RETURNING id", {id});
  return r.Rows() > 0;
}

std::size_t PostgresSessionStore::DeleteIdleBefore(const std::string& cutoff, std::size_t batch) {
  std::size_t total = 0;
  while (true) {
    Lease db(*m_pool);
    Result r = db.Run(
        "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE last_activity_at < $1::timestamptz "
        "ORDER BY last_activity_at LIMIT $2::bigint FOR UPDATE SKIP LOCKED) RETURNING id",
        {cutoff, std::to_string(batch)});
    total += static_cast<std::size_t>(r.Rows());
    if (static_cast<std::size_t>(r.Rows()) < batch) return total;
  }
}

}  // namespace oai::server
