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

#include "server_process.h"
#include <thread>

namespace oai::server {
namespace {

TEST(ServerBinary, PrintsItsAddressServesAndStopsCleanlyOnSigterm) {
  int port = 0;
  const pid_t pid = testing::StartServerProcess(":memory:", &port);
  ASSERT_GT(pid, 0) << "the server did not print its address";
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
}  // namespace oai::server
