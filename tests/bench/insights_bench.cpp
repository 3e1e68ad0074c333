// What GET /api/insights costs as the store grows: a SQLite file holding N messages (N/2 turns over the last 90 days,
// ten turns per session, 8% of them declined, votes on 5% of the answers) and the report for the last 30 days read
// from it, as the server reads and builds it. The measured part runs between CALLGRIND_START_INSTRUMENTATION and
// CALLGRIND_STOP_INSTRUMENTATION (scripts/bench.sh counts its instructions); the wall time of five runs is printed too.
//
// Usage: oai_insights_bench --db FILE [--messages N] [--prepare]
//   --prepare fills the file (when it holds fewer turns) and stops: the measured run then reads it under callgrind.
#include <sqlite3.h>
#include <valgrind/callgrind.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "model/ids.h"
#include "server/sqlite_store.h"
#include "service/insights.h"

namespace {

using namespace oai;

void Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", error ? error : "?");
    std::exit(1);
  }
}

std::int64_t Count(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  std::int64_t n = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

// The turns are written straight into the store's tables (what AppendTurn and SetFeedback write), in one transaction:
// a million messages through the chat API would take the bench longer than the rest of it.
void Prepare(const std::string& path, std::int64_t messages) {
  { server::SqliteSessionStore schema(path); }  // creates the schema
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  const std::int64_t have = Count(db, "SELECT COUNT(*) FROM messages");
  if (have >= messages) {
    sqlite3_close(db);
    return;
  }
  Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN");
  const char* agents[] = {"billing", "technical", "policy", "orchestrator"};
  const char* strategies[] = {"pure_cag", "pure_rag", "pure_cag", "orchestration"};
  const char* offTopic[] = {"Can I pay with bitcoin number %d?", "Do you have an office in city %d?",
                            "Will it rain in Paris on day %d?", "Can you book me flight %d to Berlin?",
                            "Is there a discount code %d?"};
  const auto prepare = [db](const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "oai_insights_bench: %s\n", sqlite3_errmsg(db));
      std::exit(1);
    }
    return st;
  };
  sqlite3_stmt* session = prepare("INSERT OR IGNORE INTO sessions(id, start_time, last_activity, message_count) VALUES (?, ?, ?, 20)");
  sqlite3_stmt* message = prepare("INSERT INTO messages(session_id, id, json) VALUES (?, ?, ?)");
  sqlite3_stmt* facts = prepare("INSERT INTO turn_facts(message_id, session_id, day, agent, strategy, outcome, question, source, heading, chunk_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_stmt* feedback = prepare("INSERT INTO feedback(message_id, session_id, day, rating, json) VALUES (?, ?, ?, ?, ?)");
  sqlite3_stmt* votes = prepare("INSERT INTO insights_votes(day, outcome, rating, votes) VALUES (?, ?, ?, 1) "
                                "ON CONFLICT(day, outcome, rating) DO UPDATE SET votes = votes + 1");
  const auto text = [](sqlite3_stmt* st, int i, const std::string& v) { sqlite3_bind_text(st, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT); };
  const auto step = [db](sqlite3_stmt* st) {
    if (sqlite3_step(st) != SQLITE_DONE) {  // the store's schema changed under the bench: say so, measure nothing
      std::fprintf(stderr, "oai_insights_bench: %s\n", sqlite3_errmsg(db));
      std::exit(1);
    }
    sqlite3_reset(st);
  };
  std::map<service::RollupKey, service::RollupRow> rollups;
  const auto now = std::chrono::system_clock::now();
  std::string sessionId;
  for (std::int64_t t = have / 2; t < messages / 2; ++t) {
    const int dayBack = static_cast<int>(t % 90);
    const std::string stamp = FormatIso8601(now - std::chrono::hours(24 * dayBack));
    const std::string day = stamp.substr(0, 10);
    if (t % 10 == 0) {
      sessionId = NewUuidV4();
      text(session, 1, sessionId), text(session, 2, stamp), text(session, 3, stamp);
      step(session);
    }
    const int a = static_cast<int>(t % 4);
    const bool declined = t % 25 < 2;  // 8%
    char question[96];
    if (declined) std::snprintf(question, sizeof question, offTopic[t % 5], static_cast<int>(t % 40));
    else std::snprintf(question, sizeof question, "How do I do task %d with the %s API?", static_cast<int>(t % 300), agents[a]);
    const std::string userId = NewUuidV4(), answerId = NewUuidV4();
    text(message, 1, sessionId), text(message, 2, userId);
    text(message, 3, std::string(R"({"content":")") + question + R"(","id":")" + userId + R"(","role":"user","timestamp":")" + stamp + "\"}");
    step(message);
    text(message, 1, sessionId), text(message, 2, answerId);
    text(message, 3, R"({"agent":")" + std::string(agents[a]) + R"(","confidence":0.9,"content":"An answer of about this length, with a citation [1].","id":")" + answerId +
                         R"(","metrics":{"cache_status":"miss","cost":0.0,"latency":0.8,"tokensUsed":300},"role":"assistant","timestamp":")" + stamp + "\"}");
    step(message);
    const std::string source = declined ? "general/help-center.md" : std::string(agents[a]) + "/doc-" + std::to_string(t % 12) + ".md";
    text(facts, 1, answerId), text(facts, 2, sessionId), text(facts, 3, day), text(facts, 4, declined ? "orchestrator" : agents[a]);
    text(facts, 5, declined ? "orchestration" : strategies[a]), text(facts, 6, declined ? "declined" : a == 3 ? "small_talk" : "answered");
    text(facts, 7, question), text(facts, 8, source), text(facts, 9, "Section " + std::to_string(t % 7));
    sqlite3_bind_int64(facts, 10, t % 300);
    step(facts);
    if (t % 20 == 7 || t % 20 == 13) {  // a thumbs down on 5% of the answers, a thumbs up on 5%
      const std::string rating = t % 20 == 7 ? "down" : "up";
      text(feedback, 1, answerId), text(feedback, 2, sessionId), text(feedback, 3, day), text(feedback, 4, rating);
      text(feedback, 5, R"({"rating":")" + rating + R"(","updated_at":")" + stamp + "\"}");
      step(feedback);
      text(votes, 1, day), text(votes, 2, declined ? "declined" : a == 3 ? "small_talk" : "answered"), text(votes, 3, rating);
      step(votes);
    }
    service::TurnFacts f;
    f.day = day, f.agent = declined ? "orchestrator" : agents[a], f.strategy = declined ? "orchestration" : strategies[a];
    f.outcome = declined ? "declined" : a == 3 ? "small_talk" : "answered";
    f.latencyBucket = service::LatencyBucket(0.3 + static_cast<double>(t % 50) * 0.1);
    f.tokens = 300;
    service::RollupRow& row = rollups[service::RollupKeyOf(f)];
    row.key = service::RollupKeyOf(f);
    row.count += 1;
    row.tokens += 300;
  }
  sqlite3_stmt* daily = prepare(
      "INSERT INTO insights_daily(day, agent, strategy, outcome, cached, bucket, turns, tokens, cost) VALUES (?, ?, ?, ?, 0, ?, ?, ?, 0) "
      "ON CONFLICT(day, agent, strategy, outcome, cached, bucket) DO UPDATE SET turns = turns + excluded.turns, tokens = tokens + excluded.tokens");
  for (const auto& [k, r] : rollups) {
    text(daily, 1, k.day), text(daily, 2, k.agent), text(daily, 3, k.strategy), text(daily, 4, k.outcome);
    sqlite3_bind_int(daily, 5, k.bucket);
    sqlite3_bind_int64(daily, 6, r.count);
    sqlite3_bind_int64(daily, 7, r.tokens);
    step(daily);
  }
  for (sqlite3_stmt* st : {session, message, facts, feedback, votes, daily}) sqlite3_finalize(st);
  Exec(db, "COMMIT");
  sqlite3_close(db);
}

// The measured part: what GET /api/insights does for the last 30 days.
__attribute__((noinline)) Json BenchInsights(service::SessionStore& store, const service::InsightsRange& range) {
  Json report = service::BuildInsights(store.Insights(range), range);
  report["bytes"] = report.dump().size();
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  std::int64_t messages = 1000000;
  bool prepareOnly = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--db") == 0 && i + 1 < argc) db = argv[++i];
    else if (std::strcmp(argv[i], "--messages") == 0 && i + 1 < argc) messages = std::atoll(argv[++i]);
    else if (std::strcmp(argv[i], "--prepare") == 0) prepareOnly = true;
    else {
      std::fprintf(stderr, "usage: oai_insights_bench --db FILE [--messages N] [--prepare]\n");
      return 2;
    }
  }
  if (db.empty() || messages < 2) {
    std::fprintf(stderr, "usage: oai_insights_bench --db FILE [--messages N] [--prepare]\n");
    return 2;
  }
  Prepare(db, messages);
  if (prepareOnly) return 0;
  server::SqliteSessionStore store(db);
  const auto range = std::get<service::InsightsRange>(service::ParseInsightsRange(std::nullopt, std::nullopt, NowIso8601()));
  // Warm (the file's pages in the cache, as on a server that has been running), and a check that it measures a report
  // with something in it.
  const Json warm = BenchInsights(store, range);
  if (warm.at("totals").at("questions").get<std::int64_t>() == 0 || warm.at("gaps").empty()) {
    std::fprintf(stderr, "oai_insights_bench: the report is empty: %s\n", warm.at("totals").dump().c_str());
    return 1;
  }
  std::vector<double> ms;
  std::size_t bytes = 0;
  for (int run = 0; run < 5; ++run) {
    const auto start = std::chrono::steady_clock::now();
    bytes = BenchInsights(store, range).at("bytes").get<std::size_t>();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  CALLGRIND_START_INSTRUMENTATION;
  CALLGRIND_TOGGLE_COLLECT;
  BenchInsights(store, range);
  CALLGRIND_TOGGLE_COLLECT;
  CALLGRIND_STOP_INSTRUMENTATION;
  std::printf("insights over %s..%s with %lld messages stored: %.1f ms median of 5 (%zu-byte report)\n", range.from.c_str(),
              range.to.c_str(), static_cast<long long>(messages), ms[2], bytes);
  return 0;
}
