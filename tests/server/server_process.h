// The real orchestratai-server binary as a child process: started with --port 0 and the given --db, its address read
// from the line it prints.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <string>

namespace oai::server::testing {

// Returns the child's pid and sets *port, or -1 when the server did not print its address.
inline pid_t StartServerProcess(const std::string& db, int* port, const std::string& redisUrl = "",
                                const std::string& databaseUrl = "") {
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
    const int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    if (!redisUrl.empty()) setenv("REDIS_URL", redisUrl.c_str(), 1);
    if (!databaseUrl.empty()) setenv("DATABASE_URL", databaseUrl.c_str(), 1);
    execl(OAI_SERVER_BINARY, OAI_SERVER_BINARY, "--port", "0", "--db", db.c_str(), static_cast<char*>(nullptr));
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

}  // namespace oai::server::testing
