// Prints what the in-page engine answers (the API through LocalBackend over the shipped knowledge base) as JSON lines
// {"source","request","schema","status","body"}, for tests/e2e/contract.test.mjs to validate against the wire
// contract's JSON Schema (src/model/contract.schema.json) next to the server's own answers.
#include <iostream>

#include "fake_file_host.h"
#include "local/local_backend.h"
#include "model/validation.h"

namespace {

using namespace oai;

void Print(const std::string& request, const char* schema, const app::HttpResponse& r) {
  const Json body = ParseJsonOrDiscarded(r.body);
  std::cout << Json{{"source", "in-page"}, {"request", request}, {"schema", schema}, {"status", r.status},
                    {"body", body.is_discarded() ? Json(r.body) : body}}
                   .dump()
            << "\n";
}

}  // namespace

int main() {
  local::MemoryKeyValueStore storage;
  local::FakeFileHost files;
  local::LocalBackend backend(&files, &storage);
  const std::string session = "3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12";
  auto call = [&](const char* schema, const std::string& method, const std::string& url, const std::string& body = "") {
    Print(method + " " + url + (body.empty() ? "" : " " + body), schema, local::Call(backend, &files, method, url, body));
  };
  call("HealthStatus", "GET", "/api/health");
  call("AgentList", "GET", "/api/agents");
  call("DocumentList", "GET", "/api/documents");
  call("DocumentDetail", "GET", "/api/documents/policy/refunds-and-cancellation.md");
  call("SessionCreated", "POST", "/api/session");
  for (const char* q : {"How much does the Pro plan cost?", "How much does the Pro plan cost?", "hi",
                        "How do I verify a webhook signature?", "What is your refund policy?",
                        "Can I get a refund on my annual plan if the API keeps failing?", "and for Enterprise?",
                        "what's the weather in Paris"}) {
    call("ChatResponse", "POST", "/api/chat", Json{{"message", q}, {"session_id", session}}.dump());
  }
  // A vote on the first answer: the stored vote, then the history that carries it.
  const Json before = ParseJsonOrDiscarded(local::Call(backend, &files, "GET", "/api/session/" + session, "").body);
  const std::string answer = before.at("messages").at(1).at("id").get<std::string>();
  call("FeedbackRecord", "POST", "/api/feedback",
       Json{{"session_id", session}, {"message_id", answer}, {"rating", "down"}, {"reason", "incomplete"},
            {"comment", "Which plan does this apply to?"}}
           .dump());
  call("SessionHistory", "GET", "/api/session/" + session);
  call("InsightsReport", "GET", "/api/insights");
  call("ErrorResponse", "GET", "/api/insights?from=yesterday");
  call("ErrorResponse", "POST", "/api/feedback", Json{{"session_id", session}, {"message_id", answer}, {"rating", "meh"}}.dump());
  call("ErrorResponse", "POST", "/api/chat", R"({"message":"","session_id":"nope"})");
  call("ErrorResponse", "GET", "/api/session/not-a-uuid");
  call("ErrorResponse", "GET", "/api/session/00000000-0000-4000-8000-000000000000");
  call("ErrorResponse", "GET", "/api/chat");
  call("ErrorResponse", "GET", "/api/unknown");
  return 0;
}
