// Command line and environment parsing for the server (see config.h).
#include "server/config.h"

#include <filesystem>
#include <sstream>

namespace oai::server {

namespace {

struct Option {
  const char* flag;  // "--port"; empty for environment-only settings
  const char* env;
  const char* help;
  const char* defaultText;
  bool takesValue;
  std::function<std::string(Config&, const std::string&)> apply;  // returns an error or ""
};

std::string ParsePositiveInt(const std::string& name, const std::string& value, int min, int max, int* out) {
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 9) {
    return name + " must be a whole number, got \"" + value + "\"";
  }
  const int v = std::stoi(value);
  if (v < min || v > max) return name + " must be between " + std::to_string(min) + " and " + std::to_string(max);
  *out = v;
  return "";
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

const std::vector<Option>& Options() {
  static const std::vector<Option> options = {
      {"--host", "ORCHESTRATAI_HOST", "address to listen on", "127.0.0.1", true,
       [](Config& c, const std::string& v) -> std::string {
         if (v.empty()) return "--host must not be empty";
         c.host = v;
         return "";
       }},
      {"--port", "ORCHESTRATAI_PORT", "port to listen on (0 picks a free port)", "8080", true,
       [](Config& c, const std::string& v) { return ParsePositiveInt("--port", v, 0, 65535, &c.port); }},
      {"--web-root", "ORCHESTRATAI_WEB_ROOT", "folder with the built page (build/web/dist)", "none", true,
       [](Config& c, const std::string& v) -> std::string {
         if (!std::filesystem::is_directory(v)) return "--web-root: not a folder: " + v;
         c.webRoot = v;
         return "";
       }},
      {"--db", "ORCHESTRATAI_DB", "SQLite file for sessions (\":memory:\" keeps them in memory only)", "orchestratai.db", true,
       [](Config& c, const std::string& v) -> std::string {
         if (v.empty()) return "--db must not be empty";
         c.db = v == ":memory:" ? "" : v;
         return "";
       }},
      {"", "REDIS_URL", "Redis server for sessions and the shared response cache (redis://host:port)", "none", true,
       [](Config& c, const std::string& v) -> std::string {
         if (!v.empty() && v.rfind("redis://", 0) != 0) return "REDIS_URL must start with redis://";
         c.redisUrl = v;
         return "";
       }},
      {"--docs", "ORCHESTRATAI_DOCS", "folder of markdown documents to answer from", "server/data/knowledge", true,
       [](Config& c, const std::string& v) -> std::string {
         if (!std::filesystem::is_directory(v)) return "--docs: not a folder: " + v;
         c.docsDir = v;
         return "";
       }},
      {"--router-examples", "ORCHESTRATAI_ROUTER_EXAMPLES", "labeled examples (intent<TAB>text) for the router",
       "server/data/router_examples.tsv", true,
       [](Config& c, const std::string& v) -> std::string {
         if (!std::filesystem::is_regular_file(v)) return "--router-examples: no such file: " + v;
         c.routerExamples = v;
         return "";
       }},
      {"", "CORS_ORIGINS", "comma-separated origins allowed to call the API from other sites", "none", true,
       [](Config& c, const std::string& v) -> std::string {
         c.corsOrigins = SplitList(v);
         return "";
       }},
      {"", "RATE_LIMIT", "requests per minute per client address (0 = unlimited)", "0", true,
       [](Config& c, const std::string& v) { return ParsePositiveInt("RATE_LIMIT", v, 0, 1000000, &c.rateLimit); }},
      {"", "LLM_BASE_URL", "OpenAI-compatible endpoint (http://host:port/v1); extractive answers when unset", "none",
       true,
       [](Config& c, const std::string& v) -> std::string {
         if (!v.empty() && v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
           return "LLM_BASE_URL must start with http:// or https://";
         }
         c.llmBaseUrl = v;
         return "";
       }},
      {"", "LLM_MODEL", "model name sent to the LLM endpoint", "none", true,
       [](Config& c, const std::string& v) -> std::string {
         c.llmModel = v;
         return "";
       }},
      {"", "LLM_API_KEY", "bearer token for the LLM endpoint", "none", true,
       [](Config& c, const std::string& v) -> std::string {
         c.llmApiKey = v;
         return "";
       }},
      {"--threads", "ORCHESTRATAI_THREADS", "worker threads (each open keep-alive connection or stream holds one)", "64", true,
       [](Config& c, const std::string& v) { return ParsePositiveInt("--threads", v, 1, 1024, &c.threads); }},
  };
  return options;
}

}  // namespace

std::string HelpText() {
  std::ostringstream out;
  out << "Usage: orchestratai-server [options]\n\n"
         "OrchestratAI companion server: the chat API, the session store and the built web page.\n\n"
         "Options (each also read from the environment variable shown; flags win):\n";
  for (const Option& o : Options()) {
    std::string left = o.flag[0] ? std::string(o.flag) + " VALUE" : std::string("(environment only)");
    out << "  " << left;
    for (std::size_t i = left.size(); i < 28; ++i) out << ' ';
    out << o.env << "\n      " << o.help << " [default: " << o.defaultText << "]\n";
  }
  out << "  --help                      show this help and exit\n";
  return out.str();
}

ParseOutcome ParseConfig(const std::vector<std::string>& args,
                         const std::function<const char*(const char*)>& getenv) {
  ParseOutcome outcome;
  Config config;
  auto fail = [&](const std::string& line) {
    outcome.config.reset();
    outcome.output = "orchestratai-server: " + line;
    outcome.exitCode = 2;
    return outcome;
  };
  // Environment first, then flags, so a flag overrides its variable.
  for (const Option& o : Options()) {
    const char* v = getenv(o.env);
    if (v && *v) {
      if (std::string err = o.apply(config, v); !err.empty()) return fail(err + " (from " + o.env + ")");
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--help" || arg == "-h") {
      outcome.output = HelpText();
      outcome.exitCode = 0;
      return outcome;
    }
    std::string value;
    bool inlineValue = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inlineValue = true;
    }
    const Option* match = nullptr;
    for (const Option& o : Options()) {
      if (o.flag[0] && arg == o.flag) match = &o;
    }
    if (!match) return fail("unknown option " + arg + " (see --help)");
    if (!inlineValue) {
      if (i + 1 >= args.size()) return fail(arg + " needs a value");
      value = args[++i];
    }
    if (std::string err = match->apply(config, value); !err.empty()) return fail(err);
  }
  if (config.docsDir.empty()) config.docsDir = std::string(OAI_DEFAULT_DATA_DIR) + "/knowledge";
  if (config.routerExamples.empty()) config.routerExamples = std::string(OAI_DEFAULT_DATA_DIR) + "/router_examples.tsv";
  outcome.config = config;
  return outcome;
}

}  // namespace oai::server
