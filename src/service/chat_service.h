// The API's behaviour independent of HTTP: one chat turn (history in, both messages stored, the answer out) and the
// health report. The server's routes and the page's in-browser backend both call these, so the two agree.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "service/session_store.h"

namespace oai::service {

struct TurnResult {
  ChatResponse response;
  std::string messageId;               // the stored assistant message
  std::vector<std::string> logTexts;   // each log's JSON text, made once: write the answer with ToJsonText(response, logTexts)
};

// A turn's stream: each step as a server-sent event's name and JSON data (agent_status, retrieval_log,
// message_chunk). The server writes them as they happen, the page's backend all at once.
using EventSink = std::function<void(const char* name, std::string data)>;

// Runs one turn for a validated request: starts the session when it is new, gives the engine the session's history,
// and stores the question, the answer and the logs together; `stream`, when given, gets the turn's events as they
// happen. Each log is serialized once, for the stream, the store and the answer. Store failures throw StoreUnavailable.
TurnResult RunChatTurn(engine::Engine& engine, SessionStore& store, const ChatRequest& request,
                       const EventSink* stream = nullptr);

HealthStatus BuildHealth(const engine::Engine& engine, SessionStore& store);

}  // namespace oai::service
