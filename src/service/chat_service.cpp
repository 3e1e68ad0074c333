// One chat turn and the health report (see chat_service.h).
#include "service/chat_service.h"

#include "model/ids.h"
#include "model/json_text.h"

namespace oai::service {

TurnResult RunChatTurn(engine::Engine& engine, SessionStore& store, const ChatRequest& request, const EventSink* stream) {
  const std::string now = NowIso8601();
  // No Ensure: every store creates an unknown session with its first turn (AppendTurn), so a turn that fails leaves
  // no empty session behind, and a turn costs one store call less.
  engine::TurnInput input;
  input.question = request.message;
  input.sessionId = request.session_id;
  input.history = store.RecentMessages(request.session_id, engine.HistoryMessagesNeeded());
  TurnResult result;
  // Every log passes through here as the engine writes it: its text is made once.
  engine::TurnObserver observer;
  observer.onLog = [&result, stream](const RetrievalLog& log, const std::string* chunksText) {
    result.logTexts.push_back(ToJsonText(log, chunksText));
    if (stream) (*stream)("retrieval_log", result.logTexts.back());
  };
  if (stream) {
    observer.onAgentStatus = [stream](AgentId a, AgentStatus st) {
      (*stream)("agent_status", ToJsonText(AgentStatusEvent{a, st}));
    };
    observer.onMessageChunk = [stream](const std::string& c) { (*stream)("message_chunk", ToJsonText(MessageChunkEvent{c})); };
  }
  result.response = engine.Answer(input, &observer);
  const ChatResponse& answer = result.response;
  if (result.logTexts.size() != answer.logs.size()) result.logTexts = LogTexts(answer.logs);  // an engine that skipped the observer

  Message user;
  user.id = NewUuidV4();
  user.role = MessageRole::User;
  user.content = request.message;
  user.timestamp = now;
  Message assistant;
  assistant.id = NewUuidV4();
  assistant.role = MessageRole::Assistant;
  assistant.content = answer.message;
  assistant.timestamp = NowIso8601();
  assistant.agent = answer.agent;
  assistant.confidence = answer.confidence;
  assistant.metrics = answer.metrics;
  for (const auto& log : answer.logs) assistant.log_ids.push_back(log.id);
  store.AppendTurnWithLogText(request.session_id, user, assistant, answer.logs, result.logTexts);
  result.messageId = assistant.id;
  return result;
}

HealthStatus BuildHealth(const engine::Engine& engine, SessionStore& store) {
  HealthStatus h;
  h.store_kind = store.Kind();
  h.store_ok = store.Healthy();
  h.store_pool = store.Pool();
  h.status = h.store_ok ? "healthy" : "degraded";
  h.version = OAI_VERSION;
  h.timestamp = NowIso8601();
  const engine::EngineInfo info = engine.Info();
  h.documents = info.documents;
  h.chunks = info.chunks;
  h.llm_kind = info.llmKind;
  h.llm_model = info.llmModel;
  return h;
}

}  // namespace oai::service
