// Server configuration: flags with environment equivalents (PRODUCT.md §8), parsed into one struct with one clear
// error line for anything wrong.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace oai::server {

struct Config {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port
  std::string webRoot;   // "" = no static hosting
  std::string db = "orchestratai.db";  // SQLite file; "" (--db :memory:) = sessions in memory only
  std::string redisUrl;
  std::string databaseUrl;  // PostgreSQL (postgresql://...): the history's system of record, shared by replicas
  int sessionTtlDays = 30;  // PostgreSQL: sessions idle longer are deleted by a periodic job
  std::string docsDir;         // knowledge base folder
  std::string routerExamples;  // labeled examples for the router
  std::vector<std::string> corsOrigins;
  int rateLimit = 0;  // requests per minute per client address; 0 = unlimited
  std::string llmBaseUrl;
  std::string llmModel;
  std::string llmApiKey;
  int threads = 64;  // each keep-alive connection or open stream holds one while it is open
  bool insights = true;       // GET /api/insights answers (--no-insights: 404)
  std::string insightsToken;  // when set, GET /api/insights wants "Authorization: Bearer <token>"
};

struct ParseOutcome {
  std::optional<Config> config;  // set when the server should start
  std::string output;            // --help text (exit 0) or the error line (exit 2)
  int exitCode = 0;
};

// `getenv` is injected so tests do not depend on the process environment.
ParseOutcome ParseConfig(const std::vector<std::string>& args,
                         const std::function<const char*(const char*)>& getenv);
std::string HelpText();

}  // namespace oai::server
