// The real orchestratai-server binary: prints its address for --port 0, answers, and exits 0 on SIGTERM.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>

namespace {

TEST(ServerBinary, PrintsItsAddressServesAndStopsCleanlyOnSigterm) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    const int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    execl(OAI_SERVER_BINARY, OAI_SERVER_BINARY, "--port", "0", "--db", ":memory:", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char ch;
  while (read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(line, m, std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"))) << line;
  const int port = std::stoi(m[1]);
  EXPECT_GT(port, 0);

  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  kill(pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(WIFEXITED(status)) << "server did not exit after SIGTERM";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  close(out[0]);
}

TEST(ServerBinary, BadConfigurationExitsWithCode2AndOneLine) {
  const std::string cmd = std::string(OAI_SERVER_BINARY) + " --port nope 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[256];
  while (fgets(buf, sizeof buf, p)) output += buf;
  const int status = pclose(p);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(output, "orchestratai-server: --port must be a whole number, got \"nope\"\n");
}

}  // namespace
