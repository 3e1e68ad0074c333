// One behaviour for every session store: the same tests run against the in-memory store, a real SQLite file, a real
// Redis and a real PostgreSQL (a throwaway cluster started for the test program). Plus SQLite's own promises: durability across reopen, a clear error for a file
// it cannot use, and every acknowledged answer kept when the server is killed with SIGKILL.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "../common/samples.h"
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <map>
#include <cmath>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>
#include <fstream>
#include <regex>
#include <thread>

#include "model/ids.h"
#include "server_process.h"
#include "test_server.h"
#include "postgres_server.h"
#include "redis_server.h"
#include "server/postgres_store.h"
#include "server/redis_store.h"
#include "server/sqlite_store.h"
#include "service/insights.h"
#include "service/session_store.h"

namespace oai::server {
namespace {

namespace fs = std::filesystem;

fs::path TempPath(const std::string& name) {
  return fs::temp_directory_path() / ("oai-" + std::to_string(::getpid()) + "-" + name);
}

Message Msg(MessageRole role, const std::string& content, std::int64_t tokens = 0) {
  Message m;
  m.id = NewUuidV4();
  m.role = role;
  m.content = content;
  m.timestamp = NowIso8601();
  if (role == MessageRole::Assistant) {
    m.agent = AgentId::Billing;
    m.confidence = 0.9;
    m.metrics = ChatMetrics{tokens, 0.002, 12.5, CacheStatus::Miss};
  }
  return m;
}

RetrievalLog Log(const std::string& title) {
  RetrievalLog l;
  l.id = NewUuidV4();
  l.title = title;
  l.data = testing_samples::Routing("billing");
  l.timestamp = NowIso8601();
  return l;
}

struct MemoryFactory {
  static std::unique_ptr<service::SessionStore> Make(const fs::path&) {
    return std::make_unique<service::MemorySessionStore>();
  }
};
struct SqliteFactory {
  static std::unique_ptr<service::SessionStore> Make(const fs::path& file) {
    return std::make_unique<SqliteSessionStore>(file.string());
  }
};

// One redis-server for the whole test program, emptied before each test.
testing::RedisServer& SharedRedis() {
  static testing::RedisServer redis;  // stopped when the program exits (and killed with it if it does not exit cleanly)
  return redis;
}
struct RedisFactory {
  static std::unique_ptr<service::SessionStore> Make(const fs::path&) {
    SharedRedis().FlushAll();
    return std::make_unique<RedisSessionStore>(std::make_shared<RedisConnection>(SharedRedis().Url()));
  }
};

// One PostgreSQL cluster for the whole test program; each store starts from an empty schema (and migrates it).
testing::PostgresServer& SharedPostgres() {
  static testing::PostgresServer postgres;  // stopped and removed at exit (and killed with the program otherwise)
  return postgres;
}
PostgresSessionStore::Options PostgresOptions() {
  PostgresSessionStore::Options o;
  o.poolSize = 8;
  o.retentionEvery = std::chrono::milliseconds(0);  // the tests call DeleteIdleBefore themselves
  return o;
}
struct PostgresFactory {
  static std::unique_ptr<service::SessionStore> Make(const fs::path&) {
    SharedPostgres().Reset();
    return std::make_unique<PostgresSessionStore>(SharedPostgres().Url(), PostgresOptions());
  }
};

template <class Factory>
class SessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_file = TempPath(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".db");
    store = Factory::Make(m_file);
  }
  void TearDown() override {
    store.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(m_file.string() + suffix);
  }
  std::unique_ptr<service::SessionStore> store;
  fs::path m_file;
};

using Stores = ::testing::Types<MemoryFactory, SqliteFactory, RedisFactory, PostgresFactory>;
TYPED_TEST_SUITE(SessionStoreTest, Stores);

TYPED_TEST(SessionStoreTest, EnsureCreatesOnceAndKeepsTheStartTime) {
  const std::string id = NewUuidV4();
  EXPECT_FALSE(this->store->Get(id));
  const ChatSession a = this->store->Ensure(id, "2026-11-25T10:00:00.000Z");
  const ChatSession b = this->store->Ensure(id, "2026-11-25T11:00:00.000Z");
  EXPECT_EQ(a.start_time, "2026-11-25T10:00:00.000Z");
  EXPECT_EQ(b, a);
  EXPECT_EQ(this->store->History(id)->messages.size(), 0u);
  EXPECT_TRUE(this->store->Healthy());
}

TYPED_TEST(SessionStoreTest, TurnsKeepOrderTotalsAndExactContent) {
  const std::string id = NewUuidV4();
  this->store->Ensure(id, NowIso8601());
  const Message q1 = Msg(MessageRole::User, "How much is Pro? Zoë asks, 价格 €");
  const Message a1 = Msg(MessageRole::Assistant, "The Pro plan costs $49 [1].", 120);
  const Message q2 = Msg(MessageRole::User, "and annual?");
  const Message a2 = Msg(MessageRole::Assistant, "$490 per seat per year [1].", 80);
  this->store->AppendTurn(id, q1, a1, {Log("one"), Log("two")});
  this->store->AppendTurn(id, q2, a2, {Log("three")});
  const auto h = this->store->History(id);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->messages, (std::vector<Message>{q1, a1, q2, a2}));
  ASSERT_EQ(h->logs.size(), 3u);
  EXPECT_EQ(h->logs[2].title, "three");
  EXPECT_EQ(h->session.message_count, 4);
  EXPECT_EQ(h->session.total_tokens, 200);
  EXPECT_DOUBLE_EQ(h->session.total_cost, 0.004);
  EXPECT_EQ(h->session.last_activity, a2.timestamp);
}

TYPED_TEST(SessionStoreTest, SessionsDoNotSeeEachOther) {
  const std::string a = NewUuidV4(), b = NewUuidV4();
  this->store->AppendTurn(a, Msg(MessageRole::User, "a"), Msg(MessageRole::Assistant, "A"), {});
  this->store->AppendTurn(b, Msg(MessageRole::User, "b"), Msg(MessageRole::Assistant, "B"), {});
  EXPECT_EQ(this->store->History(a)->messages[0].content, "a");
  EXPECT_EQ(this->store->History(b)->messages[0].content, "b");
  EXPECT_EQ(this->store->History(b)->messages.size(), 2u);
}

TYPED_TEST(SessionStoreTest, DeleteRemovesTheHistory) {
  const std::string id = NewUuidV4();
  this->store->AppendTurn(id, Msg(MessageRole::User, "q"), Msg(MessageRole::Assistant, "a"), {Log("l")});
  EXPECT_TRUE(this->store->Delete(id));
  EXPECT_FALSE(this->store->History(id));
  EXPECT_FALSE(this->store->Delete(id));
}

TYPED_TEST(SessionStoreTest, FeedbackIsKeptOnTheAnswerAndASecondVoteReplacesTheFirst) {
  const std::string id = NewUuidV4();
  const Message q = Msg(MessageRole::User, "How much is Pro?");
  const Message a = Msg(MessageRole::Assistant, "The Pro plan costs $49 [1].", 10);
  const Message q2 = Msg(MessageRole::User, "and annual?");
  const Message a2 = Msg(MessageRole::Assistant, "$490 [1].", 10);
  this->store->AppendTurn(id, q, a, {Log("routing")});
  this->store->AppendTurn(id, q2, a2, {});
  const Feedback down{"down", "not_what_i_asked", "I asked about the annual price, Zoë 价", "2026-12-02T10:00:00.000Z"};
  EXPECT_EQ(this->store->SetFeedback(id, a.id, down), service::FeedbackOutcome::Stored);
  auto h = this->store->History(id);
  ASSERT_TRUE(h);
  ASSERT_TRUE(h->messages[1].feedback);
  EXPECT_EQ(*h->messages[1].feedback, down);
  EXPECT_FALSE(h->messages[3].feedback);
  // Everything else of the message is as it was written.
  Message without = h->messages[1];
  without.feedback.reset();
  EXPECT_EQ(without, a);

  const Feedback up{"up", std::nullopt, std::nullopt, "2026-12-02T10:05:00.000Z"};
  EXPECT_EQ(this->store->SetFeedback(id, a.id, up), service::FeedbackOutcome::Stored);
  EXPECT_EQ(this->store->SetFeedback(id, a2.id, down), service::FeedbackOutcome::Stored);
  h = this->store->History(id);
  EXPECT_EQ(*h->messages[1].feedback, up);
  EXPECT_EQ(*h->messages[3].feedback, down);

  // What cannot take a vote is refused, and nothing is written.
  EXPECT_EQ(this->store->SetFeedback(id, q.id, up), service::FeedbackOutcome::NotAnAnswer);
  EXPECT_EQ(this->store->SetFeedback(id, NewUuidV4(), up), service::FeedbackOutcome::NoMessage);
  const std::string other = NewUuidV4();
  EXPECT_EQ(this->store->SetFeedback(other, a.id, up), service::FeedbackOutcome::NoSession);
  this->store->AppendTurn(other, Msg(MessageRole::User, "x"), Msg(MessageRole::Assistant, "y"), {});
  EXPECT_EQ(this->store->SetFeedback(other, a.id, down), service::FeedbackOutcome::NoMessage);  // not this session's
  EXPECT_FALSE(this->store->History(id)->messages[0].feedback);
  EXPECT_EQ(*this->store->History(id)->messages[1].feedback, up);
  EXPECT_FALSE(this->store->History(other)->messages[1].feedback);

  // Gone with the session.
  EXPECT_TRUE(this->store->Delete(id));
  EXPECT_EQ(this->store->SetFeedback(id, a.id, up), service::FeedbackOutcome::NoSession);
}

// The insights report against a seeded store: 120 turns over five days in ten sessions (four agents, answered,
// declined and small talk, cache hits, four latencies) and votes on some answers. The test counts the true figures
// itself from what it wrote; the report, read through the store, must match them.
TYPED_TEST(SessionStoreTest, InsightsMatchTheFiguresOfASeededStore) {
  using testing_samples::Routing;
  const char* intents[] = {"billing", "technical", "policy", "greeting"};
  const double latencies[] = {0.3, 1.5, 12.0, 240.0};
  std::vector<std::string> sessions;
  for (int s = 0; s < 10; ++s) sessions.push_back(NewUuidV4());
  struct Truth {
    std::int64_t questions = 0, answered = 0, declined = 0, smallTalk = 0, up = 0, down = 0, tokens = 0, cached = 0;
    std::int64_t downOnDeclined = 0;
    double cost = 0.0;
  };
  std::map<std::string, Truth> days;
  std::map<std::string, std::int64_t> byAgent;
  std::vector<double> allLatencies;
  std::vector<std::pair<std::string, std::string>> declinedQuestions;  // session, question
  for (int i = 0; i < 120; ++i) {
    const std::string day = "2026-11-2" + std::to_string(i % 5);
    const std::string intent = intents[i % 4];
    const bool smallTalk = intent == "greeting";
    const bool declined = !smallTalk && i % 7 == 0;
    static const char* asked[] = {"How do I rotate an API key?", "What does the Pro plan cost?",
                                  "Can I export my invoices as PDF?", "Is my data encrypted at rest?"};
    static const char* offTopic[] = {"Who walked on the moon first?", "When was the moon landing?",
                                     "How far away is the moon?"};
    Message q = Msg(MessageRole::User, declined ? offTopic[i % 3] : asked[(i / 4) % 4]);
    Message a = Msg(MessageRole::Assistant, "answer " + std::to_string(i));
    q.timestamp = a.timestamp = day + "T10:00:00.000Z";
    RoutingData routing = Routing(intent);
    a.agent = declined ? AgentId::Orchestrator : routing.agent;
    a.metrics = ChatMetrics{100 + i, 0.0001 * i, latencies[i % 4], i % 5 == 0 ? CacheStatus::Hit : CacheStatus::Miss};
    std::vector<RetrievalLog> logs = {Log("routing")};
    logs[0].data = routing;
    if (!smallTalk) {
      RetrievalLog search = Log("search");
      search.data = testing_samples::Search(routing.agent);
      DocumentChunk hit{40 + i % 3, "text", 0.3, "policy/moon.md", ChunkMetadata{"Moon > Landing", "Moon", 0, 10, 1.0}};
      search.chunks = std::vector<DocumentChunk>{hit};
      logs.push_back(search);
      RetrievalLog docs = Log("documents");
      DocumentsData d = testing_samples::Documents();
      if (declined) {
        d.citations.clear();
        d.composer = "declined";
      }
      docs.data = d;
      logs.push_back(docs);
    }
    for (const RetrievalLog& log : logs) a.log_ids.push_back(log.id);  // as the chat service links them
    const std::string& session = sessions[static_cast<std::size_t>(i % 10)];
    this->store->AppendTurn(session, q, a, logs);
    Truth& t = days[day];
    ++t.questions;
    (smallTalk ? t.smallTalk : declined ? t.declined : t.answered) += 1;
    t.tokens += 100 + i;
    t.cost += 0.0001 * i;
    t.cached += i % 5 == 0;
    byAgent[ToString(*a.agent)] += 1;
    allLatencies.push_back(latencies[i % 4]);
    if (declined) declinedQuestions.emplace_back(session, q.content);
    // Votes: a thumbs down on every sixth answered turn (first a thumbs up, replaced), a thumbs up on every ninth, and
    // a thumbs down on some declined answers (counted per day and in the gaps, not in the resolution rate).
    if (declined && i % 2 == 0) {
      ASSERT_EQ(this->store->SetFeedback(session, a.id, Feedback{"down", {}, {}, "x"}), service::FeedbackOutcome::Stored);
      ++t.down;
      ++t.downOnDeclined;
    } else if (!smallTalk && !declined && i % 6 == 0) {
      ASSERT_EQ(this->store->SetFeedback(session, a.id, Feedback{"up", {}, {}, "x"}), service::FeedbackOutcome::Stored);
      ASSERT_EQ(this->store->SetFeedback(session, a.id, Feedback{"down", "wrong", {}, "x"}), service::FeedbackOutcome::Stored);
      ++t.down;
    } else if (!smallTalk && !declined && i % 9 == 0) {
      ASSERT_EQ(this->store->SetFeedback(session, a.id, Feedback{"up", {}, {}, "x"}), service::FeedbackOutcome::Stored);
      ++t.up;
    }
  }
  const service::InsightsRange range{"2026-11-19", "2026-11-25"};
  const Json report = service::BuildInsights(this->store->Insights(range), range);
  Truth all;
  for (const Json& d : report.at("days")) {
    const std::string day = d.at("day");
    const Truth t = days.count(day) ? days[day] : Truth{};
    EXPECT_EQ(d.at("questions"), t.questions) << day;
    EXPECT_EQ(d.at("answered"), t.answered) << day;
    EXPECT_EQ(d.at("declined"), t.declined) << day;
    EXPECT_EQ(d.at("small_talk"), t.smallTalk) << day;
    EXPECT_EQ(d.at("thumbs_up"), t.up) << day;
    EXPECT_EQ(d.at("thumbs_down"), t.down) << day;
    EXPECT_EQ(d.at("tokens"), t.tokens) << day;
    EXPECT_NEAR(d.at("cost").get<double>(), t.cost, 1e-6) << day;
    all.questions += t.questions, all.answered += t.answered, all.declined += t.declined, all.down += t.down;
    all.cached += t.cached, all.downOnDeclined += t.downOnDeclined;
  }
  EXPECT_EQ(report.at("days").size(), 7u);  // every day of the range, the empty ones too
  const Json& totals = report.at("totals");
  EXPECT_EQ(totals.at("questions"), 120);
  EXPECT_EQ(all.questions, 120);
  ASSERT_GT(all.downOnDeclined, 0);
  const std::int64_t downOnAnswers = all.down - all.downOnDeclined;
  EXPECT_NEAR(totals.at("resolution_rate").get<double>(),
              static_cast<double>(all.answered - downOnAnswers) / static_cast<double>(all.answered + all.declined), 1e-4);
  EXPECT_NEAR(totals.at("thumbs_down_rate").get<double>(), static_cast<double>(downOnAnswers) / all.answered, 1e-4);
  EXPECT_NEAR(totals.at("cache_hit_rate").get<double>(), static_cast<double>(all.cached) / 120.0, 1e-4);
  // p95 by nearest rank over the true latencies; the report's figure is its histogram bucket's upper edge.
  std::sort(allLatencies.begin(), allLatencies.end());
  const double p95 = allLatencies[static_cast<std::size_t>(std::ceil(0.95 * 120)) - 1];
  EXPECT_GE(totals.at("latency_p95_ms").get<double>(), p95);
  EXPECT_LE(totals.at("latency_p95_ms").get<double>(), p95 * 1.26);
  for (const Json& a : report.at("agents"))
    EXPECT_EQ(a.at("questions"), byAgent[a.at("agent").get<std::string>()]) << a.dump();
  // The declined questions are one gap (same words, same nearest section), with every thumbs-down answer elsewhere.
  const Json* found = nullptr;
  for (const Json& g : report.at("gaps"))
    if (!g.at("nearest").is_null() && g.at("nearest").at("document") == "policy/moon.md") found = &g;
  ASSERT_NE(found, nullptr) << report.at("gaps").dump();
  const Json& moon = *found;
  EXPECT_EQ(moon.at("declined"), static_cast<std::int64_t>(declinedQuestions.size()));
  EXPECT_EQ(moon.at("nearest").at("document"), "policy/moon.md");
  EXPECT_EQ(moon.at("examples").size(), 3u);
  std::int64_t down = 0;
  for (const Json& g : report.at("gaps")) down += g.at("thumbs_down").get<std::int64_t>();
  EXPECT_EQ(down, all.down);
  // A group of answers voted down only still names its questions and their nearest section, as the turn found them.
  int votedOnly = 0;
  for (const Json& g : report.at("gaps")) {
    if (g.at("declined") != 0) continue;
    ++votedOnly;
    ASSERT_FALSE(g.at("nearest").is_null()) << g.dump();
    EXPECT_EQ(g.at("nearest").at("document"), testing_samples::Documents().citations.front().source) << g.dump();
    ASSERT_FALSE(g.at("examples").empty()) << g.dump();
    const std::string example = g.at("examples")[0].is_string() ? g.at("examples")[0].get<std::string>()
                                                                 : g.at("examples")[0].at("question").get<std::string>();
    EXPECT_NE(std::string("How do I rotate an API key? What does the Pro plan cost? Can I export my invoices as PDF? "
                          "Is my data encrypted at rest?").find(example), std::string::npos) << g.dump();
  }
  EXPECT_GT(votedOnly, 0);

  // A narrower range counts only its days.
  const service::InsightsRange one{"2026-11-21", "2026-11-21"};
  EXPECT_EQ(service::BuildInsights(this->store->Insights(one), one).at("totals").at("questions"), days["2026-11-21"].questions);
  // A deleted session's questions leave the gaps; the counters stay.
  for (const std::string& s : sessions) this->store->Delete(s);
  const Json after = service::BuildInsights(this->store->Insights(range), range);
  EXPECT_TRUE(after.at("gaps").empty()) << after.at("gaps").dump();
  EXPECT_EQ(after.at("totals").at("questions"), 120);
  EXPECT_EQ(after.at("totals").at("thumbs_down"), all.down) << "votes stay counted, like the turns";
  EXPECT_EQ(after.at("totals").at("resolution_rate"), totals.at("resolution_rate"));
}

TYPED_TEST(SessionStoreTest, ConcurrentTurnsAreAllKept) {
  const std::string id = NewUuidV4();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string n = std::to_string(t) + ":" + std::to_string(i);
        this->store->AppendTurn(id, Msg(MessageRole::User, "q" + n), Msg(MessageRole::Assistant, "a" + n, 1),
                                {Log("log" + n)});
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto h = this->store->History(id);
  ASSERT_EQ(h->messages.size(), 200u);
  EXPECT_EQ(h->session.message_count, 200);
  EXPECT_EQ(h->session.total_tokens, 100);
  EXPECT_EQ(h->logs.size(), 100u);
  // Each question is followed by its own answer, however the turns were interleaved or grouped.
  for (std::size_t k = 0; k < h->messages.size(); k += 2) {
    EXPECT_EQ(h->messages[k].role, MessageRole::User);
    EXPECT_EQ(h->messages[k].content.substr(1), h->messages[k + 1].content.substr(1));
    EXPECT_EQ(h->messages[k + 1].content[0], 'a');
  }
}

TYPED_TEST(SessionStoreTest, RecentMessagesAreTheLastOnesOldestFirst) {
  const std::string id = NewUuidV4();
  std::vector<Message> all;
  for (int i = 0; i < 5; ++i) {
    all.push_back(Msg(MessageRole::User, "q" + std::to_string(i)));
    all.push_back(Msg(MessageRole::Assistant, "a" + std::to_string(i), 1));
    this->store->AppendTurn(id, all[all.size() - 2], all.back(), {});
  }
  EXPECT_EQ(this->store->RecentMessages(id, 3), (std::vector<Message>{all[7], all[8], all[9]}));
  EXPECT_EQ(this->store->RecentMessages(id, 50).size(), 10u);
  EXPECT_TRUE(this->store->RecentMessages(NewUuidV4(), 3).empty());
}

// [SECTION] PostgreSQL's own promises: migrations, retention, and faults (a backend killed mid-turn, a restart).

std::unique_ptr<PostgresSessionStore> FreshPostgres() {
  SharedPostgres().Reset();
  return std::make_unique<PostgresSessionStore>(SharedPostgres().Url(), PostgresOptions());
}

TEST(PostgresSessionStore, MigrationsAreAppliedOnceAndRecorded) {
  auto store = FreshPostgres();
  const std::string latest = std::to_string(Migrations().back().version);
  EXPECT_EQ(store->SchemaVersion(), Migrations().back().version);
  EXPECT_EQ(SharedPostgres().Value("SELECT MAX(version) FROM schema_migrations"), latest);
  EXPECT_EQ(SharedPostgres().Value("SELECT COUNT(*) FROM schema_migrations"), std::to_string(Migrations().size()));
  PostgresSessionStore again(SharedPostgres().Url(), PostgresOptions());  // a second replica starting: nothing to do
  EXPECT_EQ(SharedPostgres().Value("SELECT COUNT(*) FROM schema_migrations"), std::to_string(Migrations().size()));
  // The indexes the reads use.
  for (const char* index : {"messages_by_session", "retrieval_logs_by_message", "sessions_by_last_activity"})
    EXPECT_EQ(SharedPostgres().Value(std::string("SELECT COUNT(*) FROM pg_indexes WHERE indexname = '") + index + "'"),
              "1")
        << index;
}

TEST(PostgresSessionStore, ANewerSchemaIsAClearStartError) {
  FreshPostgres();
  SharedPostgres().Sql("INSERT INTO schema_migrations(version, name) VALUES (999, '999_future.sql')");
  try {
    PostgresSessionStore store(SharedPostgres().Url(), PostgresOptions());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("has schema version 999, newer than this server knows"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  EXPECT_THROW(PostgresSessionStore("postgresql://postgres@127.0.0.1:1/none?connect_timeout=1", PostgresOptions()),
               std::runtime_error);
}

TEST(PostgresSessionStore, IdleSessionsAreDeletedInBatches) {
  auto store = FreshPostgres();
  std::vector<std::string> old, recent;
  for (int i = 0; i < 7; ++i) {
    Message q = Msg(MessageRole::User, "old"), a = Msg(MessageRole::Assistant, "old", 1);
    q.timestamp = a.timestamp = "2020-01-0" + std::to_string(i + 1) + "T10:00:00.000Z";
    old.push_back(NewUuidV4());
    store->AppendTurn(old.back(), q, a, {Log("routing")});
  }
  for (int i = 0; i < 2; ++i) {
    recent.push_back(NewUuidV4());
    store->AppendTurn(recent.back(), Msg(MessageRole::User, "new"), Msg(MessageRole::Assistant, "new", 1), {});
  }
  EXPECT_EQ(store->DeleteIdleBefore("2025-01-01T00:00:00.000Z", 3), 7u);
  for (const auto& id : old) EXPECT_FALSE(store->History(id)) << id;
  for (const auto& id : recent) EXPECT_TRUE(store->History(id)) << id;
  EXPECT_EQ(SharedPostgres().Value("SELECT COUNT(*) FROM retrieval_logs"), "0");  // a session's logs go with it
}

TEST(PostgresSessionStore, AConnectionKilledMidTurnFailsTheTurnWhole) {
  auto store = FreshPostgres();
  // A turn held inside its transaction after its messages are written: a trigger sleeps on the first log row.
  SharedPostgres().Sql(
      "CREATE FUNCTION slow_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$;"
      "CREATE TRIGGER slow_log BEFORE INSERT ON retrieval_logs FOR EACH ROW EXECUTE FUNCTION slow_log()");
  const std::string id = NewUuidV4();
  std::atomic<bool> failedWith503{false};
  std::thread turn([&] {
    try {
      store->AppendTurn(id, Msg(MessageRole::User, "q"), Msg(MessageRole::Assistant, "a", 1), {Log("routing")});
    } catch (const service::StoreUnavailable&) {
      failedWith503 = true;
    }
  });
  std::string pid;
  for (int i = 0; i < 200 && pid.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    pid = SharedPostgres().Value("SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep'");
  }
  ASSERT_FALSE(pid.empty()) << "the turn never reached its log rows";
  EXPECT_EQ(SharedPostgres().Value("SELECT pg_terminate_backend(" + pid + ")"), "t");
  turn.join();
  EXPECT_TRUE(failedWith503) << "the turn reports a retryable failure";
  EXPECT_FALSE(store->History(id)) << "nothing of the turn was kept: not the session, not the question";
  EXPECT_EQ(SharedPostgres().Value("SELECT COUNT(*) FROM messages"), "0");
  // The store goes on with a new connection, no restart.
  SharedPostgres().Sql("DROP TRIGGER slow_log ON retrieval_logs");
  store->AppendTurn(id, Msg(MessageRole::User, "q"), Msg(MessageRole::Assistant, "a", 1), {Log("routing")});
  EXPECT_EQ(store->History(id)->messages.size(), 2u);
}

TEST(PostgresSessionStore, ARestartIsRetryableAndTheStoreRecoversByItself) {
  auto store = FreshPostgres();
  const std::string id = NewUuidV4();
  store->AppendTurn(id, Msg(MessageRole::User, "before"), Msg(MessageRole::Assistant, "kept", 1), {});
  EXPECT_TRUE(store->Healthy());
  SharedPostgres().Stop();
  EXPECT_FALSE(store->Healthy());
  EXPECT_THROW(store->AppendTurn(id, Msg(MessageRole::User, "during"), Msg(MessageRole::Assistant, "x", 1), {}),
               service::StoreUnavailable);
  SharedPostgres().Start();
  // The pooled connections died with the old server: the first use of each finds out and opens a new one.
  EXPECT_TRUE(store->Healthy());
  store->AppendTurn(id, Msg(MessageRole::User, "after"), Msg(MessageRole::Assistant, "ok", 1), {});
  const auto h = store->History(id);
  ASSERT_TRUE(h);
  ASSERT_EQ(h->messages.size(), 4u);
  EXPECT_EQ(h->messages[0].content, "before");
  EXPECT_EQ(h->messages[2].content, "after");
}

TEST(SqliteSessionStore, KeepsEverythingAcrossReopen) {
  const fs::path file = TempPath("reopen.db");
  const std::string id = NewUuidV4();
  const Message q = Msg(MessageRole::User, "persist me");
  {
    SqliteSessionStore store(file.string());
    store.AppendTurn(id, q, Msg(MessageRole::Assistant, "kept", 5), {Log("routing")});
  }
  SqliteSessionStore again(file.string());
  const auto h = again.History(id);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->messages[0], q);
  EXPECT_EQ(h->logs.size(), 1u);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
}

// Group commit: turns that arrive while a transaction is under way are written together in the next one. Another
// connection holds the file's write lock for a moment, so the first turn waits in its transaction and the others queue.
TEST(SqliteSessionStore, TurnsThatArriveTogetherShareOneTransaction) {
  const fs::path file = TempPath("group.db");
  SqliteSessionStore store(file.string());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file.string().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const std::uint64_t before = store.Transactions();
  const std::string sessions[2] = {NewUuidV4(), NewUuidV4()};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      store.AppendTurn(sessions[t % 2], Msg(MessageRole::User, std::to_string(t).insert(0, "q")),
                       Msg(MessageRole::Assistant, std::to_string(t).insert(0, "a"), 3), {Log("routing")});
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);  // releases the lock in any case, so the turns finish
  for (auto& th : threads) th.join();
  const std::uint64_t transactions = store.Transactions() - before;
  std::printf("[group commit] 8 turns in %llu transactions\n", static_cast<unsigned long long>(transactions));
  EXPECT_LT(transactions, 8u);
  for (const std::string& id : sessions) {
    const auto h = store.History(id);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->messages.size(), 8u);
    EXPECT_EQ(h->session.message_count, 8);
    EXPECT_EQ(h->session.total_tokens, 12);
    EXPECT_EQ(h->logs.size(), 4u);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
}

// Redis: turns that arrive while others are written go out together, pipelined on one connection (each still its own
// MULTI/EXEC), with batches on at most half the pool's connections. Redis holds writes for a moment (CLIENT PAUSE), so
// 8 concurrent turns queue behind the first batches; without the grouping each would borrow a connection of its own.
TEST(RedisSessionStore, TurnsThatArriveTogetherSharePipelinedWrites) {
  SharedRedis().FlushAll();
  auto redis = std::make_shared<RedisConnection>(SharedRedis().Url());
  RedisSessionStore store(redis);
  RedisConnection admin(SharedRedis().Url());
  const auto clients = [&admin] {
    const auto r = admin.Command({"INFO", "clients"});
    const std::string info(r->str, r->len);
    const auto at = info.find("connected_clients:");
    return std::stoi(info.substr(at + 18));
  };
  const int before = clients();
  admin.Command({"CLIENT", "PAUSE", "300", "WRITE"});
  const std::string id = NewUuidV4();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      store.AppendTurn(id, Msg(MessageRole::User, std::to_string(t).insert(0, "q")),
                       Msg(MessageRole::Assistant, std::to_string(t).insert(0, "a"), 2), {Log("routing")});
    });
  }
  for (auto& th : threads) th.join();
  const int opened = clients() - before;
  std::printf("[group commit] 8 Redis turns over %d connection(s)\n", opened);
  EXPECT_LE(opened, static_cast<int>(RedisConnection::kMaxConnections / 2));
  const auto h = store.History(id);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->messages.size(), 16u);
  EXPECT_EQ(h->session.total_tokens, 16);
  EXPECT_EQ(h->logs.size(), 8u);
}

// A turn that fails inside a shared transaction is undone alone (its savepoint): the turns written with it commit, and
// the session's totals count only them. Another connection refuses one question with a trigger and holds the write
// lock, so the four turns queue into one transaction.
TEST(SqliteSessionStore, ATurnThatFailsInASharedTransactionFailsAlone) {
  const fs::path file = TempPath("savepoint.db");
  SqliteSessionStore store(file.string());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file.string().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other,
                         "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.json LIKE '%poison%' "
                         "BEGIN SELECT RAISE(ABORT, 'refused'); END; BEGIN IMMEDIATE",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  const std::uint64_t before = store.Transactions();
  const std::string id = NewUuidV4();
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string question = t == 2 ? std::string("poison") : std::to_string(t).insert(0, "q");
      try {
        store.AppendTurn(id, Msg(MessageRole::User, question), Msg(MessageRole::Assistant, "ok", 5), {Log("routing")});
      } catch (const service::StoreUnavailable&) {
        ++failed;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 1);
  EXPECT_LT(store.Transactions() - before, 4u);  // they shared transactions
  const auto h = store.History(id);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->messages.size(), 6u);
  for (const auto& m : h->messages) EXPECT_NE(m.content, "poison");
  EXPECT_EQ(h->logs.size(), 3u);
  EXPECT_EQ(h->session.message_count, 6);
  EXPECT_EQ(h->session.total_tokens, 15);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
}

// A turn written alone (no savepoint: its transaction is its own) that fails leaves nothing behind: the session's
// earlier turn and totals are as they were, the memory of recent messages too, and the next turn is written.
TEST(SqliteSessionStore, ATurnThatFailsAloneLeavesTheSessionAsItWas) {
  const fs::path file = TempPath("alone.db");
  SqliteSessionStore store(file.string());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file.string().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other,
                         "CREATE TRIGGER refuse BEFORE INSERT ON logs WHEN NEW.json LIKE '%poison%' "
                         "BEGIN SELECT RAISE(ABORT, 'refused'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);
  const std::string id = NewUuidV4();
  const Message q1 = Msg(MessageRole::User, "q1");
  const Message a1 = Msg(MessageRole::Assistant, "a1", 3);
  store.AppendTurn(id, q1, a1, {Log("routing")});
  EXPECT_THROW(store.AppendTurn(id, Msg(MessageRole::User, "q2"), Msg(MessageRole::Assistant, "a2", 5), {Log("poison")}),
               service::StoreUnavailable);
  auto h = store.History(id);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->messages, (std::vector<Message>{q1, a1}));
  EXPECT_EQ(h->logs.size(), 1u);
  EXPECT_EQ(h->session.message_count, 2);
  EXPECT_EQ(h->session.total_tokens, 3);
  EXPECT_EQ(store.RecentMessages(id, 2), (std::vector<Message>{q1, a1}));
  const Message q3 = Msg(MessageRole::User, "q3");
  const Message a3 = Msg(MessageRole::Assistant, "a3", 4);
  store.AppendTurn(id, q3, a3, {Log("routing")});
  h = store.History(id);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->messages, (std::vector<Message>{q1, a1, q3, a3}));
  EXPECT_EQ(h->session.total_tokens, 7);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
}

// Checkpoints run on the store's own thread: once the WAL holds kCheckpointPages pages, the thread copies them into
// the database file (which, in WAL mode, only checkpoints write) while turns go on committing, and the WAL stays
// bounded. Every turn is still there.
TEST(SqliteSessionStore, CheckpointsRunOnTheStoresOwnThread) {
  const fs::path file = TempPath("checkpoint.db");
  SqliteSessionStore store(file.string());
  const auto before = fs::file_size(file);
  const std::string text(3000, 'x');  // about three 1 KB pages a message
  std::vector<std::string> ids;
  for (int i = 0; i < 800; ++i) {  // about 8,000 pages of WAL
    ids.push_back(NewUuidV4());
    store.AppendTurn(ids.back(), Msg(MessageRole::User, text), Msg(MessageRole::Assistant, text, 1), {Log("routing")});
  }
  for (int wait = 0; wait < 600 && store.BackgroundCheckpoints() == 0; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GE(store.BackgroundCheckpoints(), 1u);
  EXPECT_GT(fs::file_size(file), before + 1024 * 1024);  // pages copied into the database file
  EXPECT_LE(fs::file_size(file.string() + "-wal"),
            static_cast<std::uintmax_t>(SqliteSessionStore::kWalPagesMax) * (1024 + 24) + 32);
  for (const std::string& id : {ids.front(), ids[400], ids.back()}) {
    const auto h = store.History(id);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->messages.size(), 2u);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
}

// The next turn's history (the last two messages) comes from memory, kept in step with every commit; what it returns
// is what the file holds, and a deleted session is forgotten.
TEST(SqliteSessionStore, RecentMessagesComeFromMemoryAndMatchTheFile) {
  const fs::path file = TempPath("recent.db");
  SqliteSessionStore store(file.string());
  const std::string id = NewUuidV4();
  EXPECT_TRUE(store.RecentMessages(id, 2).empty());  // a new session: read from the file once, then remembered
  const std::uint64_t before = store.RecentFromMemory();
  std::vector<Message> all;
  for (int i = 0; i < 3; ++i) {
    all.push_back(Msg(MessageRole::User, std::to_string(i).insert(0, "q")));
    all.push_back(Msg(MessageRole::Assistant, std::to_string(i).insert(0, "a"), 1));
    store.AppendTurn(id, all[all.size() - 2], all.back(), {Log("routing")});
    EXPECT_EQ(store.RecentMessages(id, 2), (std::vector<Message>{all[all.size() - 2], all.back()}));
  }
  EXPECT_EQ(store.RecentMessages(id, 1), (std::vector<Message>{all.back()}));
  EXPECT_EQ(store.RecentFromMemory() - before, 4u);
  EXPECT_EQ(store.RecentMessages(id, 3), (std::vector<Message>{all[3], all[4], all[5]}));  // more than kept: the file
  SqliteSessionStore reader(file.string());
  EXPECT_EQ(reader.RecentMessages(id, 2), store.RecentMessages(id, 2));
  EXPECT_TRUE(store.Delete(id));
  EXPECT_TRUE(store.RecentMessages(id, 2).empty());
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
}

TEST(SqliteSessionStore, RefusesAFileItCannotUseWithOneClearLine) {
  const fs::path notDb = TempPath("not-a-db.db");
  std::ofstream(notDb) << "this is a text file, not a database, and it is long enough to have a header page";
  try {
    SqliteSessionStore store(notDb.string());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("cannot use the database " + notDb.string(), 0), 0u) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos);
  }
  fs::remove(notDb);
  EXPECT_THROW(SqliteSessionStore("/definitely/not/a/folder/x.db"), std::runtime_error);
}

// A file written by the first schema (before votes) opens: its conversations are all there and take votes. A file
// from a newer server is refused with one clear line.
// A turn's facts row comes with its first vote. A vote taken before there was one (by a server older than schema
// version 4, which counted it as "answered") is taken back from "answered" when the vote changes, and the new vote
// is counted under the turn's real outcome: no counter drifts.
TEST(SqliteSessionStore, AVoteChangedAfterAnOlderServerCountedItMovesTheRightCounters) {
  const fs::path file = TempPath("votes.db");
  const std::string id = NewUuidV4();
  Message q = Msg(MessageRole::User, "Hello!");
  Message a = Msg(MessageRole::Assistant, "Hi! How can I help?", 3);
  std::vector<RetrievalLog> logs = {Log("routing")};
  logs[0].data = testing_samples::Routing("greeting");
  a.log_ids = {logs[0].id};
  const std::string day = a.timestamp.substr(0, 10);
  { SqliteSessionStore store(file.string()); store.AppendTurn(id, q, a, logs); }
  {  // what an older server wrote for a thumbs up: the vote, counted as "answered", and no facts row
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.string().c_str(), &db), SQLITE_OK);
    const std::string sql =
        "INSERT INTO feedback(message_id, session_id, day, rating, json) VALUES ('" + a.id + "', '" + id + "', '" + day +
        "', 'up', '" + Json(Feedback{"up", {}, {}, a.timestamp}).dump() + "');"
        "INSERT INTO insights_votes(day, outcome, rating, votes) VALUES ('" + day + "', 'answered', 'up', 1);";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  {
    SqliteSessionStore store(file.string());
    ASSERT_EQ(store.SetFeedback(id, a.id, Feedback{"down", {}, {}, a.timestamp}), service::FeedbackOutcome::Stored);
    ASSERT_EQ(store.SetFeedback(id, a.id, Feedback{"up", {}, {}, a.timestamp}), service::FeedbackOutcome::Stored);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.string().c_str(), &db), SQLITE_OK);
  std::map<std::string, std::int64_t> counters;
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT outcome || '/' || rating, votes FROM insights_votes", -1, &st, nullptr), SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW)
    counters[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
  EXPECT_EQ(counters["answered/up"], 0);
  EXPECT_EQ(counters["small_talk/down"], 0);
  EXPECT_EQ(counters["small_talk/up"], 1);
  for (const auto& [key, votes] : counters) EXPECT_GE(votes, 0) << key;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
}

TEST(SqliteSessionStore, UpgradesAVersionOneFileAndRefusesANewerOne) {
  const fs::path file = TempPath("v1.db");
  const std::string id = NewUuidV4();
  const Message q = Msg(MessageRole::User, "How much is Pro?");
  const Message a = Msg(MessageRole::Assistant, "$49 [1].", 7);
  const std::vector<RetrievalLog> oldLogs = {Log("routing"), Log("search")};
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.string().c_str(), &db), SQLITE_OK);
    const std::string sql =
        "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);"
        "CREATE TABLE sessions (id TEXT PRIMARY KEY, start_time TEXT NOT NULL, last_activity TEXT NOT NULL,"
        " total_tokens INTEGER NOT NULL DEFAULT 0, total_cost REAL NOT NULL DEFAULT 0, message_count INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id)"
        " ON DELETE CASCADE, id TEXT NOT NULL, json TEXT NOT NULL);"
        "CREATE TABLE logs (seq INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id)"
        " ON DELETE CASCADE, id TEXT NOT NULL, json TEXT NOT NULL);"
        "INSERT INTO sessions VALUES ('" + id + "', '" + q.timestamp + "', '" + a.timestamp + "', 7, 0.002, 2);"
        "INSERT INTO messages(session_id, id, json) VALUES ('" + id + "', '" + q.id + "', '" + Json(q).dump() + "');"
        "INSERT INTO messages(session_id, id, json) VALUES ('" + id + "', '" + a.id + "', '" + Json(a).dump() + "');";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    for (const RetrievalLog& l : oldLogs) {  // a row per log, as the first servers wrote them
      const std::string insert = "INSERT INTO logs(session_id, id, json) VALUES ('" + id + "', '" + l.id + "', '" +
                                 Json(l).dump() + "');";
      ASSERT_EQ(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    }
    sqlite3_close(db);
  }
  {
    SqliteSessionStore store(file.string());
    auto h = store.History(id);
    ASSERT_TRUE(h);
    ASSERT_EQ(h->messages.size(), 2u);
    EXPECT_EQ(h->messages[1], a);
    EXPECT_EQ(h->logs, oldLogs);
    EXPECT_EQ(store.SetFeedback(id, a.id, Feedback{"up", {}, {}, "2026-12-02T10:00:00.000Z"}), service::FeedbackOutcome::Stored);
    // A turn written now keeps its logs in one row; the history reads both kinds, in order.
    const std::vector<RetrievalLog> newLogs = {Log("routing"), Log("search"), Log("documents")};
    store.AppendTurn(id, Msg(MessageRole::User, "And Enterprise?"), Msg(MessageRole::Assistant, "Ask sales [1].", 5), newLogs);
    h = store.History(id);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->messages.size(), 4u);
    std::vector<RetrievalLog> all = oldLogs;
    all.insert(all.end(), newLogs.begin(), newLogs.end());
    EXPECT_EQ(h->logs, all);
  }
  {
    SqliteSessionStore reopened(file.string());
    EXPECT_EQ(reopened.History(id)->messages[1].feedback->rating, "up");
  }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.string().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  try {
    SqliteSessionStore newer(file.string());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("has schema version 99, newer than this server's 4"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
}

// The real binary with a SQLite file under load (8 clients, one session each, so turns share transactions): answers
// are acknowledged, the process is killed with SIGKILL, a new process opens the same file, and every acknowledged
// message is there.
TEST(SqliteDurability, EveryAcknowledgedAnswerSurvivesSigkill) {
  const fs::path db = TempPath("sigkill.db");
  int port = 0;
  pid_t pid = testing::StartServerProcess(db.string(), &port);
  ASSERT_GT(pid, 0);
  std::vector<std::string> sessions;
  for (int i = 0; i < 8; ++i) sessions.push_back(NewUuidV4());
  const auto acknowledged = testing::AcknowledgedBeforeSigkill(pid, port, sessions, std::chrono::milliseconds(600));

  pid = testing::StartServerProcess(db.string(), &port);
  ASSERT_GT(pid, 0);
  std::size_t total = 0;
  std::size_t lost = 0;
  for (std::size_t s = 0; s < sessions.size(); ++s) {
    std::size_t messages = 0;
    const auto stored = testing::StoredQuestions(port, sessions[s], &messages);
    total += acknowledged[s].size();
    lost += testing::CountLost(acknowledged[s], stored);
    EXPECT_EQ(messages % 2, 0u) << "a question is never stored without its answer";
  }
  std::printf("[durability] %zu answers acknowledged before SIGKILL by 8 clients, %zu lost\n", total, lost);
  EXPECT_GT(total, 8u) << "the load did not run";
  EXPECT_EQ(lost, 0u);
  int status = 0;
  kill(pid, SIGTERM);
  waitpid(pid, &status, 0);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
}

}  // namespace
}  // namespace oai::server
