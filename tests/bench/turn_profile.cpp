// One chat turn as the server runs it (parse the request JSON, route, retrieve, compose, store in SQLite, serialize
// the answer), for `valgrind --tool=callgrind`: instruction counts are repeatable on a noisy machine. Warm-up turns
// run first (engine built, SQLite schema created, caches as in steady state); then each measured question runs once
// between CALLGRIND_START_INSTRUMENTATION and CALLGRIND_STOP_INSTRUMENTATION, inside a function of its own so
// callgrind_annotate can attribute it. Without valgrind the macros do nothing and the program just runs the turns.
//
// Usage: oai_turn_profile --db FILE [--kind rag|cached|greeting]
#include <valgrind/callgrind.h>

#include <cstring>
#include <iostream>
#include <string>

#include "model/ids.h"
#include "model/json_text.h"
#include "model/validation.h"
#include "server/config.h"
#include "server/routes.h"
#include "server/sqlite_store.h"
#include "service/chat_service.h"

using namespace oai;

namespace {

std::string Body(const std::string& question, const std::string& session) {
  return Json{{"message", question}, {"session_id", session}}.dump();
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
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
      db = argv[++i];
    } else if (std::strcmp(argv[i], "--kind") == 0 && i + 1 < argc) {
      kind = argv[++i];
    } else {
      std::cerr << "usage: oai_turn_profile --db FILE [--kind rag|cached|greeting]\n";
      return 2;
    }
  }
  if (db.empty() || (kind != "rag" && kind != "cached" && kind != "greeting")) {
    std::cerr << "usage: oai_turn_profile --db FILE [--kind rag|cached|greeting]\n";
    return 2;
  }
  try {
    server::Config config;
    config.docsDir = std::string(OAI_DEFAULT_DATA_DIR) + "/knowledge";
    config.routerExamples = std::string(OAI_DEFAULT_DATA_DIR) + "/router_examples.tsv";
    std::vector<std::string> warnings;
    auto engine = server::CreateEngine(config, &warnings);
    server::SqliteSessionStore store(db);

    // A conversation already under way: the measured turn is the ninth of its session.
    const std::string session = NewUuidV4();
    const char* warmup[] = {"Hello!", "How much does the Pro plan cost per month?", "How do I rotate my API key?",
                            "Can I get a refund on my annual plan?", "Is my data encrypted at rest?",
                            "Which Go version does the Go SDK require?", "When is an invoice issued?",
                            "How much does the Pro plan cost per month?"};
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
