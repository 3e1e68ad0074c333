// The real orchestratai-server binary as a child process: started with --port 0 and the given --db, its address read
// from the line it prints.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <httplib.h>

#include "model/model.h"

namespace oai::server::testing {

// Returns the child's pid and sets *port, or -1 when the server did not print its address.
inline pid_t StartServerProcess(const std::string& db, int* port, const std::string& redisUrl = "",
                                const std::string& databaseUrl = "", const std::vector<std::string>& extraArgs = {}) {
  // Everything the child needs is made before fork(): between fork() and exec() the child may call only
  // async-signal-safe functions (no malloc: another thread of the test may hold the allocator's lock at the fork,
  // which hung the child under ASan).
  std::vector<std::string> args = {OAI_SERVER_BINARY, "--port", "0", "--db", db};
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string_view v(*e);
    if ((!redisUrl.empty() && v.rfind("REDIS_URL=", 0) == 0) || (!databaseUrl.empty() && v.rfind("DATABASE_URL=", 0) == 0))
      continue;
    env.emplace_back(v);
  }
  if (!redisUrl.empty()) env.push_back("REDIS_URL=" + redisUrl);
  if (!databaseUrl.empty()) env.push_back("DATABASE_URL=" + databaseUrl);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  // The server's log (stderr) is dropped, or appended to the file OAI_SERVER_STDERR names when debugging a test.
  const char* logEnv = std::getenv("OAI_SERVER_STDERR");
  const std::string log = logEnv ? logEnv : "/dev/null";
  int out[2];
  if (pipe(out) != 0) return -1;
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlives the test
    if (getppid() != parent) _exit(1);
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    const int sink = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(sink, STDERR_FILENO);
    execve(OAI_SERVER_BINARY, argv.data(), envp.data());
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char ch;
  while (read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
  close(out[0]);
  std::smatch m;
  if (!std::regex_search(line, m, std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"))) return -1;
  *port = std::stoi(m[1]);
  return pid;
}

// A load of chats, one client per session, each asking one question after another ("How much does the Pro plan
// cost? (i)"), with the server killed with SIGKILL `after` into it: per session, the questions it acknowledged (200)
// before it died. Several sessions at once make the server's turns arrive together (SQLite writes them in shared
// transactions).
inline std::vector<std::vector<std::string>> AcknowledgedBeforeSigkill(pid_t pid, int port,
                                                                       const std::vector<std::string>& sessions,
                                                                       std::chrono::milliseconds after) {
  std::vector<std::vector<std::string>> acknowledged(sessions.size());
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (std::size_t s = 0; s < sessions.size(); ++s) {
    clients.emplace_back([&, s] {
      httplib::Client c("127.0.0.1", port);
      for (int i = 0; i < 300 && !stop; ++i) {
        const std::string question = "How much does the Pro plan cost? (" + std::to_string(i) + ")";
        auto r = c.Post("/api/chat", Json{{"message", question}, {"session_id", sessions[s]}}.dump(),
                        "application/json");
        if (r && r->status == 200) acknowledged[s].push_back(question);
        else break;  // the server is gone
      }
    });
  }
  std::this_thread::sleep_for(after);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  stop = true;
  for (auto& c : clients) c.join();
  return acknowledged;
}

inline std::vector<std::string> AcknowledgedBeforeSigkill(pid_t pid, int port, const std::string& session,
                                                          std::chrono::milliseconds after) {
  return AcknowledgedBeforeSigkill(pid, port, std::vector<std::string>{session}, after).front();
}

// The user questions a session holds, asked of the server at `port`; *messages is how many messages it holds.
inline std::vector<std::string> StoredQuestions(int port, const std::string& session, std::size_t* messages) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/api/session/" + session);
  std::vector<std::string> out;
  *messages = 0;
  if (!r || r->status != 200) return out;
  const Json h = Json::parse(r->body);
  *messages = h["messages"].size();
  for (const auto& m : h["messages"])
    if (m["role"] == "user") out.push_back(m["content"].get<std::string>());
  return out;
}

// How many acknowledged questions are not among the stored ones.
inline std::size_t CountLost(const std::vector<std::string>& acknowledged, const std::vector<std::string>& stored) {
  std::size_t lost = 0;
  for (const auto& q : acknowledged) lost += std::find(stored.begin(), stored.end(), q) == stored.end();
  return lost;
}

}  // namespace oai::server::testing
