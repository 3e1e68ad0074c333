// A real PostgreSQL server for tests: a throwaway cluster (initdb into a temporary folder, trust authentication on
// loopback, a free port), started as an unprivileged user (the "postgres" account when the tests run as root, since
// PostgreSQL refuses to run as root), killed with the test process however that ends, removed at the end. Stop() and
// Start() again on the same port simulate a restart.
#pragma once

#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>


#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "free_port.h"

namespace oai::server::testing {

class PostgresServer {
 public:
  // Empty when PostgreSQL's server programs are not installed (scripts/install-deps.sh --test installs them).
  static std::string BinDir() {
    namespace fs = std::filesystem;
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec))
      if (fs::exists(e.path() / "bin" / "initdb")) found.push_back((e.path() / "bin").string());
    std::sort(found.begin(), found.end());
    return found.empty() ? std::string() : found.back();
  }

  PostgresServer() : m_bin(BinDir()) {
    namespace fs = std::filesystem;
    if (m_bin.empty()) throw std::runtime_error("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)");
    m_port = FreeLoopbackPort();
    m_dir = fs::temp_directory_path() / ("oai-pg-" + std::to_string(getpid()) + "-" + std::to_string(m_port));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "data");
    fs::create_directories(m_dir / "socket");
    if (geteuid() == 0) {
      const passwd* pw = getpwnam("postgres");
      if (!pw) throw std::runtime_error("running as root and there is no postgres account to run PostgreSQL as");
      m_uid = pw->pw_uid;
      m_gid = pw->pw_gid;
      for (const auto& p : {m_dir, m_dir / "data", m_dir / "socket"}) {
        if (chown(p.c_str(), m_uid, m_gid) != 0) throw std::runtime_error("cannot hand " + p.string() + " to postgres");
      }
    }
    const std::string data = (m_dir / "data").string();
    const int rc = Run({m_bin + "/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                        "--locale=C.UTF-8", "--no-sync"});
    if (rc != 0) throw std::runtime_error("initdb failed (" + std::to_string(rc) + ")");
    Start();
  }
  ~PostgresServer() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  std::string Url(const std::string& database = "postgres") const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(m_port) + "/" + database + "?connect_timeout=3";
  }
  int Port() const { return m_port; }

  void Start() {
    const std::string port = std::to_string(m_port);
    const std::string data = (m_dir / "data").string();
    const std::string socket = (m_dir / "socket").string();
    m_pid = Spawn({m_bin + "/postgres", "-D", data, "-p", port, "-k", socket, "-c", "listen_addresses=127.0.0.1",
                   "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c",
                   "max_connections=200", "-c", "log_min_messages=fatal"},
                  /*dieWithParent=*/true);
    for (int i = 0; i < 400 && !Ping(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (!Ping()) throw std::runtime_error("PostgreSQL did not start on port " + port);
  }
  // A fast shutdown (SIGINT): sessions are cut, what was committed is kept.
  void Stop() {
    if (m_pid <= 0) return;
    kill(m_pid, SIGINT);
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_pid = -1;
  }
  bool Ping() const {
    PGconn* c = PQconnectdb((Url() + "").c_str());
    const bool ok = PQstatus(c) == CONNECTION_OK;
    PQfinish(c);
    return ok;
  }
  // Runs SQL as the superuser (setting up a test, killing a backend); throws on error.
  void Sql(const std::string& sql) const {
    PGconn* c = PQconnectdb(Url().c_str());
    PGresult* r = PQexec(c, sql.c_str());
    const ExecStatusType s = PQresultStatus(r);
    const std::string error = PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) throw std::runtime_error("SQL failed: " + sql + ": " + error);
  }
  // The first column of the first row, as text ("" when there is none).
  std::string Value(const std::string& sql) const {
    PGconn* c = PQconnectdb(Url().c_str());
    PGresult* r = PQexec(c, sql.c_str());
    std::string v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    PQfinish(c);
    return v;
  }
  // An empty public schema: the next store applies every migration again.
  void Reset() const { Sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public"); }

 private:
  pid_t Spawn(const std::vector<std::string>& argv, bool dieWithParent) const {
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
      if (m_uid != static_cast<uid_t>(-1)) {
        if (setgroups(0, nullptr) != 0 || setgid(m_gid) != 0 || setuid(m_uid) != 0) _exit(126);
      }
      // After the change of user: a new user clears the parent-death signal. An immediate shutdown (SIGQUIT) ends
      // the server and its backends with the test process.
      if (dieWithParent) prctl(PR_SET_PDEATHSIG, SIGQUIT);
      if (getppid() != parent) _exit(1);
      const int devnull = ::open("/dev/null", O_WRONLY);
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    return pid;
  }
  int Run(const std::vector<std::string>& argv) const {
    const pid_t pid = Spawn(argv, true);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string m_bin;
  std::filesystem::path m_dir;
  int m_port = 0;
  pid_t m_pid = -1;
  uid_t m_uid = static_cast<uid_t>(-1);
  gid_t m_gid = static_cast<gid_t>(-1);
};

}  // namespace oai::server::testing
