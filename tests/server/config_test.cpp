// Configuration: flags, environment variables, defaults, --help and one-line errors.
#include "server/config.h"

#include <gtest/gtest.h>

#include <map>

namespace oai::server {
namespace {

ParseOutcome Parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return ParseConfig(args, [env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

TEST(Config, DefaultsServeTheShippedKnowledgeBaseOnLoopback8080) {
  const auto o = Parse({});
  ASSERT_TRUE(o.config);
  EXPECT_EQ(o.config->host, "127.0.0.1");
  EXPECT_EQ(o.config->port, 8080);
  EXPECT_NE(o.config->docsDir.find("server/data/knowledge"), std::string::npos);
  EXPECT_EQ(o.config->db, "orchestratai.db");
  EXPECT_TRUE(Parse({"--db", ":memory:"}).config->db.empty());
}

TEST(Config, FlagsOverrideEnvironment) {
  const auto o = Parse({"--port", "9000", "--threads=4"}, {{"ORCHESTRATAI_PORT", "7000"}, {"RATE_LIMIT", "120"},
                                                           {"CORS_ORIGINS", "https://a.example, https://b.example"}});
  ASSERT_TRUE(o.config) << o.output;
  EXPECT_EQ(o.config->port, 9000);
  EXPECT_EQ(o.config->threads, 4);
  EXPECT_EQ(o.config->rateLimit, 120);
  EXPECT_EQ(o.config->corsOrigins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(Parse({}, {{"ORCHESTRATAI_PORT", "7000"}}).config->port, 7000);
}

TEST(Config, InsightsCanBeTurnedOffOrGivenAToken) {
  EXPECT_TRUE(Parse({}).config->insights);
  EXPECT_FALSE(Parse({"--no-insights"}).config->insights);
  EXPECT_FALSE(Parse({}, {{"ORCHESTRATAI_NO_INSIGHTS", "1"}}).config->insights);
  EXPECT_TRUE(Parse({}, {{"ORCHESTRATAI_NO_INSIGHTS", "false"}}).config->insights);
  const auto bad = Parse({}, {{"ORCHESTRATAI_NO_INSIGHTS", "maybe"}});
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.output.find("ORCHESTRATAI_NO_INSIGHTS"), std::string::npos) << bad.output;
  EXPECT_EQ(Parse({}, {{"INSIGHTS_TOKEN", "abc"}}).config->insightsToken, "abc");
  EXPECT_EQ(Parse({"--insights-token", "xyz"}, {{"INSIGHTS_TOKEN", "abc"}}).config->insightsToken, "xyz");
}

TEST(Config, HelpListsEveryFlagAndVariable) {
  const auto o = Parse({"--help"});
  EXPECT_FALSE(o.config);
  EXPECT_EQ(o.exitCode, 0);
  for (const char* name : {"--host", "ORCHESTRATAI_HOST", "--port", "ORCHESTRATAI_PORT", "--web-root", "--db",
                           "REDIS_URL", "--docs", "CORS_ORIGINS", "RATE_LIMIT", "LLM_BASE_URL", "LLM_MODEL",
                           "LLM_API_KEY", "--threads", "--database-url", "DATABASE_URL", "--session-ttl",
                           "SESSION_TTL_DAYS", "--no-insights", "ORCHESTRATAI_NO_INSIGHTS", "--insights-token",
                           "INSIGHTS_TOKEN"}) {
    EXPECT_NE(o.output.find(name), std::string::npos) << name;
  }
}

TEST(Config, BadConfigurationIsOneClearLineAndExitCode2) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--port", "http"}, "--port must be a whole number"},
      {{"--port", "70000"}, "--port must be between 0 and 65535"},
      {{"--port"}, "--port needs a value"},
      {{"--frobnicate"}, "unknown option --frobnicate"},
      {{"--docs", "/definitely/not/here"}, "--docs: not a folder"},
      {{"--web-root", "/definitely/not/here"}, "--web-root: not a folder"},
      {{"--threads", "0"}, "--threads must be between 1 and 1024"},
      {{"--database-url", "mysql://db/x"}, "--database-url must start with postgresql:// or postgres://"},
      {{"--session-ttl", "0"}, "--session-ttl must be between 1 and 36500"},
  };
  for (const auto& [args, expected] : cases) {
    const auto o = Parse(args);
    EXPECT_FALSE(o.config) << expected;
    EXPECT_EQ(o.exitCode, 2) << expected;
    EXPECT_EQ(o.output.find('\n'), std::string::npos) << o.output;
    EXPECT_EQ(o.output.rfind("orchestratai-server: ", 0), 0u) << o.output;
    EXPECT_NE(o.output.find(expected), std::string::npos) << o.output;
  }
  const auto pg = Parse({}, {{"DATABASE_URL", "postgresql://orchestratai@db:5432/orchestratai"}, {"SESSION_TTL_DAYS", "7"}});
  ASSERT_TRUE(pg.config) << pg.output;
  EXPECT_EQ(pg.config->databaseUrl, "postgresql://orchestratai@db:5432/orchestratai");
  EXPECT_EQ(pg.config->sessionTtlDays, 7);
  const auto env = Parse({}, {{"REDIS_URL", "localhost:6379"}});
  EXPECT_FALSE(env.config);
  EXPECT_NE(env.output.find("(from REDIS_URL)"), std::string::npos) << env.output;
}

}  // namespace
}  // namespace oai::server
