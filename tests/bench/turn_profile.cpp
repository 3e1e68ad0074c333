// One chat turn as the server runs it (parse the request JSON, route, retrieve, compose, store in SQLite, serialize
// the answer), for `valgrind --tool=callgrind`: instruction counts are repeatable on a noisy machine. Warm-up turns
// run first (engine built, SQLite schema created, caches as in steady state); then each measured question runs once
// between CALLGRIND_START_INSTRUMENTATION and CALLGRIND_STOP_INSTRUMENTATION, inside a function of its own so
// callgrind_annotate can attribute it. Without valgrind the macros do nothing and the program just runs the turns.
//
// How a turn's cost grows (scripts/bench.sh's growth table): --kb-scale N answers from a synthetic knowledge base N
// times the shipped one (copies of each document with a third of their longer words swapped for other words of the
// corpus, so the copies are not identical); --history N measures in a session that already holds N messages;
// --sessions N with N sessions in the store. --prepare fills the store (and the synthetic base) and stops: the
// callgrind run that follows starts from it instead of filling 100,000 sessions under valgrind.
//
// Usage: oai_turn_profile --db FILE [--kind rag|cached|greeting] [--kb-scale N] [--history N] [--sessions N] [--prepare]
#include <sqlite3.h>
#include <valgrind/callgrind.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "model/ids.h"
#include "model/json_text.h"
#include "model/validation.h"
#include "server/config.h"
#include "server/knowledge.h"
#include "server/routes.h"
#include "server/sqlite_store.h"
#include "service/chat_service.h"

using namespace oai;

namespace {

std::string Body(const std::string& question, const std::string& session) {
  return Json{{"message", question}, {"session_id", session}}.dump();
}

// The shipped knowledge base `scale` times over, written under `dir` (kept between runs: the same scale writes the
// same files). Copy 0 is the document itself; copy k swaps every third word of five letters or more, chosen by k and
// its position, for another such word of the corpus.
std::string SyntheticKnowledge(const std::string& shipped, int scale, const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(dir) / ("kb-x" + std::to_string(scale));
  if (fs::exists(root / "done")) return root.string();
  const auto docs = server::LoadDocumentsFromDirectory(shipped, nullptr);
  std::vector<std::string> vocabulary;
  for (const auto& d : docs) {
    std::string word;
    for (char c : d.text + " ") {
      if (std::isalpha(static_cast<unsigned char>(c))) word += c;
      else {
        if (word.size() >= 5) vocabulary.push_back(word);
        word.clear();
      }
    }
  }
  for (int k = 0; k < scale; ++k) {
    for (const auto& d : docs) {
      std::string text;
      std::string word;
      std::size_t position = 0;
      bool heading = false;
      bool lineStart = true;
      const auto flush = [&] {
        const std::size_t h = (static_cast<std::size_t>(k) * 2654435761u) ^ (position * 40503u);
        if (k > 0 && !heading && word.size() >= 5 && h % 3 == 0) text += vocabulary[(h / 3) % vocabulary.size()];
        else text += word;
        word.clear();
        ++position;
      };
      for (char c : d.text) {
        if (std::isalpha(static_cast<unsigned char>(c))) {
          word += c;
          continue;
        }
        if (!word.empty()) flush();
        if (lineStart) heading = c == '#' || c == '|';
        lineStart = c == '\n';
        text += c;
      }
      if (!word.empty()) flush();
      // The same folder (its domain), a name of its own.
      const fs::path in(d.path);
      const fs::path out = root / in.parent_path() / ("copy" + std::to_string(k) + "-" + in.filename().string());
      fs::create_directories(out.parent_path());
      std::ofstream(out) << text;
    }
  }
  std::ofstream(root / "done") << "";
  return root.string();
}

std::int64_t CountSessions(const std::string& db) {
  sqlite3* h = nullptr;
  std::int64_t n = 0;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM sessions", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return n;
}

// A stored turn like a real one (the first warm-up turn's question, answer and logs) under new ids.
void StoreCopyOfTurn(service::SessionStore& store, const std::string& session, const SessionHistory& model) {
  Message user = model.messages.at(0);
  Message answer = model.messages.at(1);
  user.id = NewUuidV4();
  answer.id = NewUuidV4();
  std::vector<RetrievalLog> logs;
  for (const auto& l : model.logs) {
    if (std::find(answer.log_ids.begin(), answer.log_ids.end(), l.id) == answer.log_ids.end()) continue;
    logs.push_back(l);
    logs.back().id = NewUuidV4();
  }
  answer.log_ids.clear();
  for (const auto& l : logs) answer.log_ids.push_back(l.id);
  store.AppendTurn(session, user, answer, logs);
}


}  // namespace

// What POST /api/chat does between receiving the body and sending the answer, in steps that callgrind_annotate can
// name (scripts/bench.sh reads their inclusive counts): parse, the turn (store read, engine, store write), serialize.
__attribute__((noinline)) ChatRequest BenchParseRequest(const std::string& body) {
  Result<ChatRequest> parsed = ParseChatRequest(body);
  if (!parsed) throw std::runtime_error("bad request: " + parsed.error().Summary());
  return parsed.value();
}

// The answer as the server writes it: the logs' texts made during the turn are reused.
__attribute__((noinline)) std::string BenchSerializeAnswer(const service::TurnResult& turn) {
  return ToJsonText(turn.response, turn.logTexts);
}

std::string ServeChatTurn(engine::Engine& engine, service::SessionStore& store, const std::string& body) {
  const ChatRequest request = BenchParseRequest(body);
  const service::TurnResult turn = service::RunChatTurn(engine, store, request);
  return BenchSerializeAnswer(turn);
}

__attribute__((noinline)) std::size_t MeasuredTurn(engine::Engine& engine, service::SessionStore& store,
                                                   const std::string& body) {
  CALLGRIND_START_INSTRUMENTATION;
  CALLGRIND_TOGGLE_COLLECT;
  const std::string answer = ServeChatTurn(engine, store, body);
  CALLGRIND_TOGGLE_COLLECT;
  CALLGRIND_STOP_INSTRUMENTATION;
  return answer.size();
}

int main(int argc, char** argv) {
  std::string db;
  std::string kind = "rag";
  int kbScale = 1;
  long history = 0;
  long sessions = 1;
  bool prepare = false;
  const char* usage =
      "usage: oai_turn_profile --db FILE [--kind rag|cached|greeting] [--kb-scale N] [--history N] [--sessions N] "
      "[--prepare]\n";
  for (int i = 1; i < argc; ++i) {
    const auto number = [&](long min, long max) {
      if (i + 1 >= argc) return min - 1;
      char* end = nullptr;
      const long v = std::strtol(argv[++i], &end, 10);
      return *end == '\0' && v >= min && v <= max ? v : min - 1;
    };
    if (std::strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
      db = argv[++i];
    } else if (std::strcmp(argv[i], "--kind") == 0 && i + 1 < argc) {
      kind = argv[++i];
    } else if (std::strcmp(argv[i], "--kb-scale") == 0) {
      kbScale = static_cast<int>(number(1, 1000));
    } else if (std::strcmp(argv[i], "--history") == 0) {
      history = number(0, 1000000);
    } else if (std::strcmp(argv[i], "--sessions") == 0) {
      sessions = number(1, 10000000);
    } else if (std::strcmp(argv[i], "--prepare") == 0) {
      prepare = true;
    } else {
      std::cerr << usage;
      return 2;
    }
  }
  if (db.empty() || (kind != "rag" && kind != "cached" && kind != "greeting") || kbScale < 1 || history < 0 ||
      sessions < 1) {
    std::cerr << usage;
    return 2;
  }
  try {
    server::Config config;
    config.docsDir = std::string(OAI_DEFAULT_DATA_DIR) + "/knowledge";
    config.routerExamples = std::string(OAI_DEFAULT_DATA_DIR) + "/router_examples.tsv";
    if (kbScale > 1) {
      config.docsDir = SyntheticKnowledge(config.docsDir, kbScale,
                                          std::filesystem::path(db).parent_path().empty()
                                              ? std::string(".")
                                              : std::filesystem::path(db).parent_path().string());
    }
    std::vector<std::string> warnings;
    auto engine = server::CreateEngine(config, &warnings);
    server::SqliteSessionStore store(db);

    // A conversation already under way: the measured turn follows 8 warm-up turns in its session (and, with
    // --history, as many earlier turns as make N messages). Its id is fixed, so a prepared store is found again.
    const std::string session = history > 0 ? "00000000-0000-4000-8000-" + std::to_string(100000000000 + history).substr(0, 12)
                                            : NewUuidV4();
    const char* warmup[] = {"Hello!", "How much does the Pro plan cost per month?", "How do I rotate my API key?",
                            "Can I get a refund on my annual plan?", "Is my data encrypted at rest?",
                            "Which Go version does the Go SDK require?", "When is an invoice issued?",
                            "How much does the Pro plan cost per month?"};
    // The earlier turns are copies of a real one (a question answered from the knowledge base); the other sessions
    // hold a greeting each.
    const std::string models[2] = {NewUuidV4(), NewUuidV4()};
    ServeChatTurn(*engine, store, Body(warmup[1], models[0]));
    ServeChatTurn(*engine, store, Body(warmup[0], models[1]));
    const SessionHistory turn = store.History(models[0]).value();
    const SessionHistory greeting = store.History(models[1]).value();
    for (auto have = static_cast<long>(store.History(session).value_or(SessionHistory{}).messages.size());
         have + 16 < history; have += 2) {
      StoreCopyOfTurn(store, session, turn);
    }
    for (std::int64_t have = CountSessions(db); have < sessions; ++have) StoreCopyOfTurn(store, NewUuidV4(), greeting);
    if (prepare) return 0;
    for (const char* q : warmup) ServeChatTurn(*engine, store, Body(q, session));

    const std::string question = kind == "rag"      ? "How many times are failed webhook deliveries retried?"
                                 : kind == "cached" ? "How much does the Pro plan cost per month?"
                                                    : "Hi there!";
    const std::size_t bytes = MeasuredTurn(*engine, store, Body(question, session));
    std::cout << "turn '" << question << "': " << bytes << " bytes of JSON answer\n";
  } catch (const std::exception& e) {
    std::cerr << "oai_turn_profile: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
