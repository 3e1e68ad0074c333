// Command line and environment parsing for the server (see config.h), with CLI11: one table of settings, each a flag
// with its environment variable; CLI11 parses, validates and writes --help.
#include "server/config.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>

namespace oai::server {

namespace {

// "a, b ,c" → {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    const std::size_t comma = s.find(',', pos);
    std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const auto first = item.find_first_not_of(' ');
    const auto last = item.find_last_not_of(' ');
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

CLI::Validator WholeNumber(int min, int max) {
  return CLI::Validator(
      [min, max](std::string& v) -> std::string {
        if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
          return "must be a whole number, got \"" + v + "\"";
        }
        const int n = std::stoi(v);
        if (n < min || n > max) return "must be between " + std::to_string(min) + " and " + std::to_string(max);
        return "";
      },
      "");
}

CLI::Validator Folder() {
  return CLI::Validator(
      [](std::string& v) -> std::string { return std::filesystem::is_directory(v) ? "" : "not a folder: " + v; }, "");
}

CLI::Validator File() {
  return CLI::Validator(
      [](std::string& v) -> std::string { return std::filesystem::is_regular_file(v) ? "" : "no such file: " + v; }, "");
}

CLI::Validator NotEmpty() {
  return CLI::Validator([](std::string& v) -> std::string { return v.empty() ? "must not be empty" : ""; }, "");
}

CLI::Validator UrlWithScheme(std::vector<std::string> schemes) {
  std::string names;
  for (const auto& s : schemes) names += (names.empty() ? "" : " or ") + s;
  return CLI::Validator(
      [schemes, names](std::string& v) -> std::string {
        if (v.empty()) return "";
        for (const auto& s : schemes) {
          if (v.rfind(s, 0) == 0) return "";
        }
        return "must start with " + names;
      },
      "");
}

// Every setting: its flag, its environment variable, its help, where it goes and how it is checked.
std::unique_ptr<CLI::App> MakeApp(Config& c, std::string& db, std::string& cors) {
  auto app = std::make_unique<CLI::App>(
      "OrchestratAI companion server: the chat API, the session store and the built web page.\n"
      "Every option can also be set with the environment variable shown (ENV); a flag wins over its variable.",
      "orchestratai-server");
  app->set_help_flag("-h,--help", "show this help and exit");
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->get_formatter()->column_width(34);
  auto add = [&](const char* flag, auto& target, const char* env, const char* help, const char* type) {
    return app->add_option(flag, target, std::string(help) + " [ENV: " + env + "]")
        ->capture_default_str()
        ->type_name(type);
  };
  add("--host", c.host, "ORCHESTRATAI_HOST", "address to listen on", "ADDRESS")->check(NotEmpty());
  add("--port", c.port, "ORCHESTRATAI_PORT", "port to listen on (0 picks a free port)", "PORT")->check(WholeNumber(0, 65535));
  add("--web-root", c.webRoot, "ORCHESTRATAI_WEB_ROOT", "folder with the built page (build/web/dist)", "DIR")->check(Folder());
  add("--db", db, "ORCHESTRATAI_DB", "SQLite file for sessions (\":memory:\" keeps them in memory only)", "FILE")
      ->check(NotEmpty());
  add("--redis-url", c.redisUrl, "REDIS_URL", "Redis for sessions and the shared response cache (redis://host:port)", "URL")
      ->check(UrlWithScheme({"redis://"}));
  add("--database-url", c.databaseUrl, "DATABASE_URL",
      "PostgreSQL for the history, shared by replicas (postgresql://user@host:port/db); Redis then keeps the cache and "
      "the streams",
      "URL")
      ->check(UrlWithScheme({"postgresql://", "postgres://"}));
  add("--session-ttl", c.sessionTtlDays, "SESSION_TTL_DAYS",
      "PostgreSQL: days a session may stay idle before it is deleted", "DAYS")
      ->check(WholeNumber(1, 36500));
  add("--docs", c.docsDir, "ORCHESTRATAI_DOCS", "folder of markdown documents to answer from", "DIR")->check(Folder());
  add("--router-examples", c.routerExamples, "ORCHESTRATAI_ROUTER_EXAMPLES",
      "labeled examples (intent<TAB>text) for the router", "FILE")
      ->check(File());
  add("--cors-origins", cors, "CORS_ORIGINS", "comma-separated origins allowed to call the API from other sites", "ORIGINS");
  add("--rate-limit", c.rateLimit, "RATE_LIMIT", "requests per minute per client address (0 = unlimited)", "N")
      ->check(WholeNumber(0, 1000000));
  add("--llm-base-url", c.llmBaseUrl, "LLM_BASE_URL",
      "OpenAI-compatible endpoint (http://host:port/v1); extractive answers when unset", "URL")
      ->check(UrlWithScheme({"http://", "https://"}));
  add("--llm-model", c.llmModel, "LLM_MODEL", "model name sent to the LLM endpoint", "NAME");
  add("--llm-api-key", c.llmApiKey, "LLM_API_KEY", "bearer token for the LLM endpoint", "KEY");
  add("--threads", c.threads, "ORCHESTRATAI_THREADS", "worker threads (each open keep-alive connection or stream holds one)", "N")
      ->check(WholeNumber(1, 1024));
  add("--insights-token", c.insightsToken, "INSIGHTS_TOKEN",
      "GET /api/insights answers only requests with \"Authorization: Bearer <token>\"", "TOKEN")
      ->check(NotEmpty());
  app->add_flag_callback("--no-insights", [&c] { c.insights = false; },
                         "turn GET /api/insights off: it answers 404 [ENV: ORCHESTRATAI_NO_INSIGHTS=1]");
  return app;
}

// Each option's environment variable, in the order of the table above.
const std::vector<std::pair<const char*, const char*>>& EnvironmentNames() {
  static const std::vector<std::pair<const char*, const char*>> names = {
      {"--host", "ORCHESTRATAI_HOST"},       {"--port", "ORCHESTRATAI_PORT"},
      {"--web-root", "ORCHESTRATAI_WEB_ROOT"}, {"--db", "ORCHESTRATAI_DB"},
      {"--redis-url", "REDIS_URL"},          {"--database-url", "DATABASE_URL"},
      {"--session-ttl", "SESSION_TTL_DAYS"}, {"--docs", "ORCHESTRATAI_DOCS"},
      {"--router-examples", "ORCHESTRATAI_ROUTER_EXAMPLES"},
      {"--cors-origins", "CORS_ORIGINS"},    {"--rate-limit", "RATE_LIMIT"},
      {"--llm-base-url", "LLM_BASE_URL"},    {"--llm-model", "LLM_MODEL"},
      {"--llm-api-key", "LLM_API_KEY"},      {"--threads", "ORCHESTRATAI_THREADS"},
      {"--insights-token", "INSIGHTS_TOKEN"},
  };
  return names;
}

// CLI11's messages, made into one line that names what to fix.
std::string Explain(const CLI::ParseError& e) {
  std::string what = e.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    const auto colon = what.find(": ");
    return "unknown option " + (colon == std::string::npos ? what : what.substr(colon + 2)) + " (see --help)";
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    const auto colon = what.find(':');
    return (colon == std::string::npos ? what : what.substr(0, colon)) + " needs a value";
  }
  for (char& ch : what)
    if (ch == '\n') ch = ' ';
  // "--port: must be between 0 and 65535" reads better as "--port must be between 0 and 65535".
  if (const auto colon = what.find(": must "); colon != std::string::npos && what.rfind("--", 0) == 0) {
    what.erase(colon, 1);
  }
  return what;
}

}  // namespace

std::string HelpText() {
  Config c;
  std::string db, cors;
  return MakeApp(c, db, cors)->help();
}

ParseOutcome ParseConfig(const std::vector<std::string>& args,
                         const std::function<const char*(const char*)>& getenv) {
  ParseOutcome outcome;
  Config config;
  std::string db = config.db;
  std::string cors;
  auto app = MakeApp(config, db, cors);
  auto fail = [&](const std::string& line) {
    outcome.config.reset();
    outcome.output = "orchestratai-server: " + line;
    outcome.exitCode = 2;
    return outcome;
  };
  // The environment first, one variable at a time (so an error names it), then the flags, which win.
  for (const auto& [flag, env] : EnvironmentNames()) {
    const char* v = getenv(env);
    if (!v || !*v) continue;
    try {
      app->clear();
      app->parse(std::vector<std::string>{std::string(v), std::string(flag)});  // CLI11 reads the vector backwards
    } catch (const CLI::ParseError& e) {
      return fail(Explain(e) + " (from " + env + ")");
    }
  }
  if (const char* v = getenv("ORCHESTRATAI_NO_INSIGHTS"); v && *v) {
    const std::string flag = v;
    if (flag == "1" || flag == "true" || flag == "yes") config.insights = false;
    else if (flag != "0" && flag != "false" && flag != "no")
      return fail("ORCHESTRATAI_NO_INSIGHTS must be 1, true, yes, 0, false or no (got \"" + flag.substr(0, 40) + "\")");
  }
  try {
    app->clear();
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    outcome.output = app->help();
    outcome.exitCode = 0;
    return outcome;
  } catch (const CLI::ParseError& e) {
    return fail(Explain(e));
  }
  config.db = db == ":memory:" ? "" : db;
  if (!cors.empty()) config.corsOrigins = SplitList(cors);
  if (config.docsDir.empty()) config.docsDir = std::string(OAI_DEFAULT_DATA_DIR) + "/knowledge";
  if (config.routerExamples.empty()) config.routerExamples = std::string(OAI_DEFAULT_DATA_DIR) + "/router_examples.tsv";
  outcome.config = config;
  return outcome;
}

}  // namespace oai::server
