// A real redis-server for tests: started on a free loopback port with no persistence, stopped and restarted on the
// same port to simulate an outage.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include <hiredis/hiredis.h>

#include "free_port.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace oai::server::testing {

class RedisServer {
 public:
  RedisServer() {
    m_port = FreeLoopbackPort();
    Start();
  }
  ~RedisServer() { Stop(); }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  void Start() {
    const pid_t parent = getpid();
    m_pid = fork();
    if (m_pid == 0) {
      // The server dies with the test process, however that ends (a crash, a kill, an exit without destructors).
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(1);
      const int devnull = ::open("/dev/null", O_WRONLY);
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
      const std::string port = std::to_string(m_port);
      execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && !Ping(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  void Stop() {
    if (m_pid <= 0) return;
    kill(m_pid, SIGTERM);
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_pid = -1;
  }
  bool Ping() const {
    const timeval tv{0, 200000};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", m_port, tv);
    bool ok = false;
    if (c && !c->err) {
      redisSetTimeout(c, tv);
      auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
      ok = r && r->type == REDIS_REPLY_STATUS;
      if (r) freeReplyObject(r);
    }
    if (c) redisFree(c);
    return ok;
  }
  void FlushAll() const {
    const timeval tv{1, 0};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", m_port, tv);
    if (c && !c->err) {
      auto* r = static_cast<redisReply*>(redisCommand(c, "FLUSHALL"));
      if (r) freeReplyObject(r);
    }
    if (c) redisFree(c);
  }
  std::string Url() const { return "redis://127.0.0.1:" + std::to_string(m_port); }
  int Port() const { return m_port; }

 private:
  int m_port = 0;
  pid_t m_pid = -1;
};

}  // namespace oai::server::testing
