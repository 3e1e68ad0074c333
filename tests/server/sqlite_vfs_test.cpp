// The coalescing SQLite VFS (server/sqlite_vfs.h): what a connection commits through it is on the file, whole, when
// the commit returns (another connection, with SQLite's own VFS, reads it at once), a checkpoint copies it, and a
// transaction's pages reach the operating system in a few writes instead of two per page.
#include "server/sqlite_vfs.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <sys/wait.h>

#include <csignal>
#include <filesystem>
#include <string>

namespace oai::server {
namespace {

namespace fs = std::filesystem;

class Db {
 public:
  Db(const fs::path& file, const char* vfs) {
    EXPECT_EQ(sqlite3_open_v2(file.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
  }
  ~Db() { sqlite3_close(m_db); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void Exec(const std::string& sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "") << sql;
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(m_db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(m_db);
    std::string out;
    if (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      out = text ? reinterpret_cast<const char*>(text) : "";
    }
    sqlite3_finalize(stmt);
    return out;
  }
  sqlite3* Handle() { return m_db; }

 private:
  sqlite3* m_db = nullptr;
};

class CoalescingVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(CoalescingVfs(), nullptr);
    m_file = fs::temp_directory_path() /
             ("oai-" + std::to_string(::getpid()) + "-vfs-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
  }
  void TearDown() override { Remove(); }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(m_file.string() + suffix);
  }
  fs::path m_file;
};

TEST_F(CoalescingVfsTest, EachCommitIsReadAtOnceByAnotherConnectionWithSqlitesOwnVfs) {
  Db writer(m_file, CoalescingVfs());
  writer.Exec("PRAGMA page_size=1024; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
              "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  Db reader(m_file, nullptr);
  for (int i = 1; i <= 200; ++i) {
    // Rows of a few pages each, like a turn's logs: several frames per commit.
    writer.Exec("INSERT INTO t(body) VALUES (printf('%.*c', " + std::to_string(1000 + 37 * i) + ", 'x'))");
    ASSERT_EQ(reader.Text("SELECT count(*) || ':' || sum(length(body)) FROM t"),
              std::to_string(i) + ":" + std::to_string(1000 * i + 37 * i * (i + 1) / 2))
        << "after commit " << i;
  }
  EXPECT_EQ(reader.Text("PRAGMA integrity_check"), "ok");
}

TEST_F(CoalescingVfsTest, ATransactionsPagesReachTheFileInFewWrites) {
  Db writer(m_file, CoalescingVfs());
  writer.Exec("PRAGMA page_size=1024; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
              "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  const CoalescingVfsCounts before = CoalescingVfsCounters();
  // About 40 pages: 80 writes from SQLite (a header and a page per frame).
  writer.Exec("INSERT INTO t(body) VALUES (printf('%.*c', 40000, 'y'))");
  const CoalescingVfsCounts after = CoalescingVfsCounters();
  const auto asked = after.writes - before.writes;
  const auto made = after.systemWrites - before.systemWrites;
  EXPECT_GE(asked, 80u);
  EXPECT_LE(made, 2u) << asked << " writes asked for";
}

TEST_F(CoalescingVfsTest, CheckpointsCopyEverythingAndTheFileReopensWhole) {
  {
    Db writer(m_file, CoalescingVfs());
    writer.Exec("PRAGMA page_size=1024; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    // A transaction larger than the buffer, then many small ones, then a checkpoint by a second connection of the
    // same VFS (as the store's own thread makes them) while the writer's connection stays open.
    writer.Exec("INSERT INTO t(body) VALUES (printf('%.*c', 300000, 'z'))");
    for (int i = 0; i < 300; ++i) writer.Exec("INSERT INTO t(body) VALUES ('row " + std::to_string(i) + "')");
    Db checkpointer(m_file, CoalescingVfs());
    checkpointer.Exec("PRAGMA journal_mode=WAL");  // a connection checkpoints a WAL once it has read the file
    int log = -1;
    int copied = -1;
    ASSERT_EQ(sqlite3_wal_checkpoint_v2(checkpointer.Handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied),
              SQLITE_OK);
    EXPECT_GT(log, 0);
    EXPECT_EQ(copied, log);
    writer.Exec("INSERT INTO t(body) VALUES ('after the checkpoint')");
    ASSERT_EQ(sqlite3_wal_checkpoint_v2(writer.Handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr),
              SQLITE_OK);
    EXPECT_EQ(fs::file_size(m_file.string() + "-wal"), 0u) << "the WAL was copied whole, then truncated";
    EXPECT_GT(fs::file_size(m_file), 300000u);
  }
  Db reopened(m_file, nullptr);
  EXPECT_EQ(reopened.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(reopened.Text("SELECT count(*) || ':' || max(length(body)) FROM t"), "302:300000");
  EXPECT_EQ(reopened.Text("SELECT body FROM t ORDER BY id DESC LIMIT 1"), "after the checkpoint");
}

// A transaction larger than its page cache writes pages to the WAL before it commits, and when it changes one of them
// again SQLite overwrites that frame in place and rewrites the frame headers' checksums at commit: writes that are not
// appends. The process is killed right after the commits; SQLite's own VFS then reads every committed row.
TEST_F(CoalescingVfsTest, TransactionsThatSpillAndRewriteFramesSurviveSigkill) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    sqlite3* db = nullptr;
    const auto run = [&](const char* sql) {
      if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) ::_exit(3);
    };
    if (sqlite3_open_v2(m_file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, CoalescingVfs()) != SQLITE_OK)
      ::_exit(2);
    run("PRAGMA page_size=1024; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=10;"
        "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    run("BEGIN");
    for (int i = 0; i < 300; ++i) run("INSERT INTO t(body) VALUES (printf('row %d %.*c', random(), 600, 'a'))");
    run("UPDATE t SET body = upper(body) WHERE id <= 60");
    run("COMMIT");
    run("INSERT INTO t(body) VALUES ('last')");
    std::raise(SIGKILL);
    ::_exit(4);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child failed before the kill: " << status;
  Db reader(m_file, nullptr);
  EXPECT_EQ(reader.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(reader.Text("SELECT count(*) FROM t"), "301");
  EXPECT_EQ(reader.Text("SELECT count(*) FROM t WHERE id <= 60 AND body = upper(body)"), "60");
  EXPECT_EQ(reader.Text("SELECT body FROM t ORDER BY id DESC LIMIT 1"), "last");
}

}  // namespace
}  // namespace oai::server
