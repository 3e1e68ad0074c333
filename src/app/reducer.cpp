// Reduce(): chat (optimistic send, answer, rollback, retry), session (start, restore, new chat), backend health and
// the view's draft, selection, filters and panels.
#include "app/reducer.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>

#include "model/validation.h"

namespace oai::app {

namespace {

using Effects = std::vector<Effect>;

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  const auto first = s.find_first_not_of(ws);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(ws);
  return s.substr(first, last - first + 1);
}

void ResetAgentActivity(DomainState& d) {
  for (auto& a : d.agents) a.agent.status = AgentStatus::Idle;
}

void ResetAgentTotals(DomainState& d) {
  for (auto& a : d.agents) {
    a.agent.status = AgentStatus::Idle;
    a.sessionTokens = 0;
    a.sessionCost = 0.0;
    a.lastLatencyMs.reset();
    a.lastCache = CacheStatus::None;
  }
}

void SetDraft(ViewState& v, std::string text) {
  v.draft = std::move(text);
  const int end = static_cast<int>(v.draft.size());
  v.caret = InputCaret{end, end, -1, -1};
  v.inputScrollY = 0.0f;
  ++v.draftGeneration;
}

void ClearDraft(ViewState& v) { SetDraft(v, {}); }

// A caret from the host's field, clamped to the text (offsets are bytes of UTF-8; a bad one collapses to the end).
InputCaret ClampCaret(const InputCaret& c, std::size_t size) {
  const int end = static_cast<int>(size);
  const auto clamp = [end](int v) { return v < 0 ? 0 : (v > end ? end : v); };
  InputCaret out{clamp(c.selectionStart), clamp(c.selectionEnd), -1, -1};
  if (out.selectionEnd < out.selectionStart) std::swap(out.selectionStart, out.selectionEnd);
  if (c.compositionStart >= 0 && c.compositionEnd > c.compositionStart && c.compositionEnd <= end) {
    out.compositionStart = c.compositionStart;
    out.compositionEnd = c.compositionEnd;
  }
  return out;
}

int LastTurn(const DomainState& d) { return d.messages.empty() ? 0 : d.messages.back().turn; }

void CreditAgent(AgentCard& card, const ChatMetrics& m) {
  card.sessionTokens += m.tokensUsed;
  card.sessionCost += m.cost;
  card.lastLatencyMs = m.latency;
  card.lastCache = m.cache_status;
}

// Shared by SendRequested and RetryRequested.
void StartSend(State& s, const std::string& rawText, const std::string& timestamp, Effects& fx) {
  auto& d = s.domain;
  const std::string text(Trim(rawText));
  if (text.empty() || d.sending || d.sessionId.empty()) return;
  if (!IsValidUtf8(text) || Utf8Length(text) > kMaxMessageChars) return;

  const std::string requestId = RequestIdFor(++d.requestSeq);
  ChatMessage user;
  user.id = UserMessageIdFor(requestId);
  user.role = MessageRole::User;
  user.content = text;
  user.timestamp = timestamp;
  user.pending = true;
  user.turn = LastTurn(d) + 1;
  d.messages.push_back(std::move(user));

  d.sending = true;
  d.pendingRequestId = requestId;
  d.error.reset();
  ResetAgentActivity(d);
  d.Card(AgentId::Orchestrator).agent.status = AgentStatus::Routing;
  // A question sent another way (a suggestion, Retry) while the input holds a comment leaves the comment there.
  if (s.view.commentOn.empty()) ClearDraft(s.view);
  fx.push_back(PostChat{text, d.sessionId, requestId});
}

// [SECTION] Chat

void Apply(State& s, const SendRequested& a, Effects& fx) { StartSend(s, a.text, a.timestamp, fx); }

// The answer of a streamed turn as it arrives: the assistant message (growing) and its log group, made on the first
// event; ChatSucceeded replaces both with the final answer, ChatFailed removes them.
ChatMessage& StreamingReply(DomainState& d, const std::string& requestId) {
  const std::string id = AssistantMessageIdFor(requestId);
  for (auto& m : d.messages)
    if (m.id == id) return m;
  const std::string userId = UserMessageIdFor(requestId);
  ChatMessage reply;
  reply.id = id;
  reply.role = MessageRole::Assistant;
  reply.streaming = true;
  reply.turn = LastTurn(d);
  LogTurn group;
  group.turn = reply.turn;
  group.messageId = id;
  for (const auto& m : d.messages)
    if (m.id == userId) group.question = m.content;
  d.logTurns.push_back(std::move(group));
  d.messages.push_back(std::move(reply));
  return d.messages.back();
}

void DropStreamingReply(DomainState& d, const std::string& requestId) {
  const std::string id = AssistantMessageIdFor(requestId);
  std::erase_if(d.messages, [&](const ChatMessage& m) { return m.id == id; });
  std::erase_if(d.logTurns, [&](const LogTurn& t) { return t.messageId == id; });
}

void Apply(State& s, const StreamStatus& a, Effects&) {
  auto& d = s.domain;
  if (!d.sending || a.requestId != d.pendingRequestId) return;
  d.Card(a.event.agent).agent.status = a.event.status;
  // The agent at work is the one the answer will come from (the typing indicator names it).
  if (a.event.status == AgentStatus::Active && a.event.agent != AgentId::Orchestrator) {
    StreamingReply(d, a.requestId).agent = a.event.agent;
  }
}

void Apply(State& s, const StreamLog& a, Effects&) {
  auto& d = s.domain;
  if (!d.sending || a.requestId != d.pendingRequestId) return;
  ChatMessage& reply = StreamingReply(d, a.requestId);
  if (std::find(reply.logIds.begin(), reply.logIds.end(), a.log.id) != reply.logIds.end()) return;  // a resumed stream
  reply.logIds.push_back(a.log.id);
  for (auto& t : d.logTurns)
    if (t.messageId == reply.id) t.entries.push_back(LogEntry{a.log, reply.turn, reply.id});
}

void Apply(State& s, const StreamChunk& a, Effects&) {
  auto& d = s.domain;
  if (!d.sending || a.requestId != d.pendingRequestId) return;
  StreamingReply(d, a.requestId).content += a.text;
}

// [SECTION] Conversations and export

void Apply(State& s, const NewChat& a, Effects& fx);  // switching starts like a new chat (defined with the session)

// The conversation that just got an answer goes to the front of the kept list (titled by its first question).
void RememberConversation(State& s, const std::string& timestamp, Effects& fx) {
  auto& d = s.domain;
  std::string title;
  for (const auto& m : d.messages) {
    if (m.role == MessageRole::User) {
      title = m.content;
      break;
    }
  }
  if (title.empty()) return;
  for (char& c : title)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (Utf8Length(title) > 60) {
    std::size_t cut = 0;
    for (std::size_t n = 0; cut < title.size() && n < 57; ++n) {
      ++cut;
      while (cut < title.size() && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) ++cut;
    }
    title = title.substr(0, cut) + "...";
  }
  std::erase_if(d.conversations, [&](const ConversationEntry& c) { return c.id == d.sessionId; });
  d.conversations.insert(d.conversations.begin(), ConversationEntry{d.sessionId, title, timestamp});
  if (d.conversations.size() > kMaxConversations) d.conversations.resize(kMaxConversations);
  fx.push_back(SaveConversations{d.conversations});
}

void Apply(State& s, const ConversationsLoaded& a, Effects&) {
  s.domain.conversations.clear();
  for (const auto& c : a.conversations) {
    if (IsUuid(c.id) && s.domain.conversations.size() < kMaxConversations) s.domain.conversations.push_back(c);
  }
}

void Apply(State& s, const SwitchConversation& a, Effects& fx) {
  if (!IsUuid(a.sessionId) || NormalizeUuid(a.sessionId) == s.domain.sessionId) return;
  Apply(s, NewChat{a.sessionId}, fx);
  s.domain.historyLoading = true;
  fx.push_back(LoadSession{s.domain.sessionId});
}

void Apply(State& s, const ExportRequested& a, Effects& fx) {
  if (s.domain.sessionId.empty() || s.domain.messages.empty()) return;
  fx.push_back(FetchExport{s.domain.sessionId, a.format});
}

void Apply(State&, const ExportReady& a, Effects& fx) { fx.push_back(SaveDownload{a.filename, a.mime, a.content}); }

void Apply(State& s, const ExportFailed& a, Effects&) {
  s.domain.error = ErrorBanner{"The conversation could not be exported. " + a.error.message, false, "", a.error.kind};
}

// [SECTION] Documents

void Apply(State& s, const OpenDocument& a, Effects& fx) {
  if (a.id.empty()) return;
  DocumentView& v = s.view.documentView;
  const int generation = v.generation + 1;
  v = DocumentView{a.id, a.chunkId, a.similarity, false, "", generation};
  s.view.overlay = ViewState::Overlay::Document;
  if (!s.domain.documents.count(a.id)) {
    v.loading = true;
    fx.push_back(LoadDocument{a.id});
  }
}

void Apply(State& s, const DocumentLoaded& a, Effects&) {
  DocumentView& v = s.view.documentView;
  if (v.id == a.document.id) v.loading = false;
  s.domain.documents[a.document.id] = a.document;
}

void Apply(State& s, const DocumentLoadFailed& a, Effects&) {
  DocumentView& v = s.view.documentView;
  if (v.id != a.id) return;
  v.loading = false;
  v.error = a.error.message;
}

void Apply(State& s, const ChatSucceeded& a, Effects& fx) {
  auto& d = s.domain;
  if (!d.sending || a.requestId != d.pendingRequestId) return;  // an answer to an abandoned request (New chat)
  DropStreamingReply(d, a.requestId);  // the final answer replaces what streamed
  const std::string userId = UserMessageIdFor(a.requestId);
  int turn = LastTurn(d) + 1;
  std::string question;
  for (auto& m : d.messages) {
    if (m.id == userId) {
      m.pending = false;
      turn = m.turn;
      question = m.content;
    }
  }
  const ChatResponse& r = a.response;
  ChatMessage reply;
  reply.id = AssistantMessageIdFor(a.requestId);
  reply.role = MessageRole::Assistant;
  reply.content = r.message;
  reply.timestamp = a.timestamp;
  reply.turn = turn;
  reply.agent = r.agent;
  reply.confidence = r.confidence;
  reply.metrics = r.metrics;
  reply.serverId = a.messageId;

  LogTurn group;
  group.turn = turn;
  group.messageId = reply.id;
  group.question = question;
  for (const auto& log : r.logs) {
    reply.logIds.push_back(log.id);
    group.entries.push_back(LogEntry{log, turn, reply.id});
  }
  d.messages.push_back(std::move(reply));
  d.logTurns.push_back(std::move(group));

  for (AgentId id : kAllAgents) d.Card(id).agent.status = r.agent_status[id];
  CreditAgent(d.Card(r.agent), r.metrics);
  d.lastMetrics = r.metrics;
  d.totals.tokens += r.metrics.tokensUsed;
  d.totals.cost += r.metrics.cost;
  d.totals.turns += 1;

  d.sending = false;
  d.pendingRequestId.clear();
  d.connection = ConnectionState::Online;
  s.view.focusInputRequested = true;
  RememberConversation(s, a.timestamp, fx);
}

void Apply(State& s, const ChatFailed& a, Effects&) {
  auto& d = s.domain;
  if (!d.sending || a.requestId != d.pendingRequestId) return;
  DropStreamingReply(d, a.requestId);
  const std::string userId = UserMessageIdFor(a.requestId);
  std::string failedText;
  for (auto it = d.messages.begin(); it != d.messages.end(); ++it) {
    if (it->id == userId) {
      failedText = it->content;
      d.messages.erase(it);  // rollback of the optimistic message: the text lives on in the banner and the draft
      break;
    }
  }
  d.error = ErrorBanner{a.error.message, a.error.retryable, failedText, a.error.kind};
  d.sending = false;
  d.pendingRequestId.clear();
  ResetAgentActivity(d);
  if (a.error.kind == ApiErrorKind::Network) d.connection = ConnectionState::Offline;
  else if (a.error.status != 0) d.connection = ConnectionState::Online;
  // The text goes back into the input, unless the user has typed the next question meanwhile (that stays; the
  // banner's Retry still has the failed one).
  // While the input holds a comment, the question waits aside with the one set aside there.
  std::string& question = s.view.commentOn.empty() ? s.view.draft : s.view.questionAside;
  if (Trim(question).empty()) {
    if (s.view.commentOn.empty()) SetDraft(s.view, failedText);
    else question = failedText;
  }
  s.view.focusInputRequested = true;
}

void Apply(State& s, const RetryRequested& a, Effects& fx) {
  auto& d = s.domain;
  // A refused message (validation) would be refused again; only failures that may pass on a second try are retried.
  if (!d.error || !d.error->retryable || d.error->failedText.empty() || d.sending) return;
  const std::string text = d.error->failedText;
  StartSend(s, text, a.timestamp, fx);
}

void Apply(State& s, const DismissError&, Effects&) { s.domain.error.reset(); }

void Apply(State& s, const RetryHealthCheck&, Effects& fx) {
  if (s.domain.error && s.domain.error->healthCheck) s.domain.error.reset();
  s.domain.connection = ConnectionState::Unknown;
  fx.push_back(CheckHealth{});
}

// [SECTION] Session and backend

void Apply(State& s, const SessionStarted& a, Effects& fx) {
  auto& d = s.domain;
  d.sessionId = NormalizeUuid(a.sessionId);
  fx.push_back(SaveSessionId{d.sessionId});
  if (a.restored) {
    d.historyLoading = true;
    fx.push_back(LoadSession{d.sessionId});
  }
  fx.push_back(CheckHealth{});
  fx.push_back(LoadAgents{});
  s.view.focusInputRequested = true;
}

void Apply(State& s, const SessionLoaded& a, Effects&) {
  auto& d = s.domain;
  if (NormalizeUuid(a.sessionId) != d.sessionId) return;
  d.historyLoading = false;
  d.connection = ConnectionState::Online;

  // Messages sent while the history was on its way stay, after the restored ones.
  std::vector<ChatMessage> pending;
  for (auto& m : d.messages)
    if (m.pending) pending.push_back(std::move(m));

  std::map<std::string, const RetrievalLog*> logsById;
  for (const auto& log : a.history.logs) logsById[log.id] = &log;

  d.messages.clear();
  d.logTurns.clear();
  ResetAgentTotals(d);
  d.totals = {};
  d.lastMetrics.reset();

  int turn = 0;
  std::string question;
  bool lastWasUser = false;
  for (const auto& m : a.history.messages) {
    ChatMessage c;
    c.id = m.id;
    c.role = m.role;
    c.content = m.content;
    c.timestamp = m.timestamp;
    c.agent = m.agent;
    c.confidence = m.confidence;
    c.metrics = m.metrics;
    c.logIds = m.log_ids;
    if (m.role == MessageRole::Assistant) c.serverId = m.id;
    c.feedback = c.feedbackConfirmed = m.feedback;
    if (m.role == MessageRole::User) {
      c.turn = ++turn;
      question = m.content;
      lastWasUser = true;
    } else {
      c.turn = lastWasUser ? turn : ++turn;
      if (!lastWasUser) question.clear();
      lastWasUser = false;
      LogTurn group{c.turn, c.id, question, {}};
      for (const auto& id : m.log_ids) {
        auto it = logsById.find(id);
        if (it == logsById.end()) continue;
        group.entries.push_back(LogEntry{*it->second, c.turn, c.id});
        logsById.erase(it);
      }
      d.logTurns.push_back(std::move(group));
      if (m.agent && m.metrics) {
        CreditAgent(d.Card(*m.agent), *m.metrics);
        d.lastMetrics = *m.metrics;
      }
      if (m.metrics) {
        d.totals.tokens += m.metrics->tokensUsed;
        d.totals.cost += m.metrics->cost;
      }
      d.totals.turns += 1;
    }
    d.messages.push_back(std::move(c));
  }
  // Logs no answer claims (a turn that failed half-way) are still shown, in their own group.
  LogTurn orphans{0, "", "", {}};
  for (const auto& log : a.history.logs)
    if (logsById.count(log.id)) orphans.entries.push_back(LogEntry{log, 0, ""});
  if (!orphans.entries.empty()) d.logTurns.insert(d.logTurns.begin(), std::move(orphans));

  // The session's own totals are authoritative (they include turns whose messages were trimmed).
  if (a.history.session.total_tokens > d.totals.tokens) d.totals.tokens = a.history.session.total_tokens;
  if (a.history.session.total_cost > d.totals.cost) d.totals.cost = a.history.session.total_cost;

  for (auto& m : pending) {
    m.turn = LastTurn(d) + 1;
    d.messages.push_back(std::move(m));
  }
}

void Apply(State& s, const SessionLoadFailed& a, Effects&) {
  auto& d = s.domain;
  if (NormalizeUuid(a.sessionId) != d.sessionId) return;
  d.historyLoading = false;
  // 404: the server no longer knows the session (expired); the same id simply starts a new conversation.
  if (a.error.kind == ApiErrorKind::NotFound) return;
  if (a.error.kind == ApiErrorKind::Network) d.connection = ConnectionState::Offline;
  if (!d.error) d.error = ErrorBanner{"Could not restore the conversation. " + a.error.message, false, "", a.error.kind};
}

void Apply(State& s, const NewChat& a, Effects& fx) {
  auto& d = s.domain;
  if (!IsUuid(a.sessionId)) return;
  d.sessionId = NormalizeUuid(a.sessionId);
  d.messages.clear();
  d.logTurns.clear();
  ResetAgentTotals(d);
  d.sending = false;
  d.pendingRequestId.clear();
  d.error.reset();
  d.lastMetrics.reset();
  d.totals = {};
  d.historyLoading = false;
  ClearDraft(s.view);
  s.view.commentOn.clear();
  s.view.questionAside.clear();
  s.view.selectedMessageId.clear();
  s.view.textSelection = {};
  s.view.detailsOpen.clear();
  s.view.focusInputRequested = true;
  fx.push_back(SaveSessionId{d.sessionId});
}

void Apply(State& s, const HealthReceived& a, Effects&) {
  auto& d = s.domain;
  if (a.health) {
    d.backend = *a.health;
    d.backendKind = a.backend;
    d.connection = ConnectionState::Online;
    if (d.error && d.error->healthCheck) d.error.reset();
    const std::string& model = !a.health->llm_model.empty() ? a.health->llm_model : a.health->llm_kind;
    if (!model.empty())
      for (auto& card : d.agents)
        if (card.agent.id != AgentId::Orchestrator) card.agent.model = model;
    return;
  }
  if (a.error && a.error->status == 0) {
    d.connection = ConnectionState::Offline;
  } else if (a.error) {
    // The server answers, with an error: that is what the user is told (with Retry), not a silent switch elsewhere.
    d.connection = ConnectionState::Failing;
    d.backendKind = a.backend;
    if (!d.error || d.error->healthCheck) {
      ErrorBanner e;
      std::string status = "HTTP ";
      status += std::to_string(a.error->status);
      e.message = a.error->message;
      if (e.message.find(status) == std::string::npos) e.message.append(" (").append(status).append(")");
      e.retryable = true;
      e.healthCheck = true;
      e.kind = a.error->kind;
      d.error = std::move(e);
    }
  }
}

void Apply(State& s, const AgentsReceived& a, Effects&) {
  for (const auto& agent : a.agents) {
    // The server's registry wins (its model names, its totals over all sessions); the activity shown is this page's.
    auto& card = s.domain.Card(agent.id);
    const AgentStatus status = card.agent.status;
    card.agent = agent;
    card.agent.status = status;
  }
}

// [SECTION] View

void Apply(State& s, const DraftChanged& a, Effects&) {
  s.view.draft = a.text;
  const int end = static_cast<int>(a.text.size());
  s.view.caret = a.caret ? ClampCaret(*a.caret, a.text.size()) : InputCaret{end, end, -1, -1};
}
void Apply(State& s, const InputFocusChanged& a, Effects&) { s.view.inputFocused = a.focused; }
void Apply(State& s, const InputScrolled& a, Effects&) { s.view.inputScrollY = a.y > 0.0f ? a.y : 0.0f; }
void SubmitComment(State& s, Effects& fx);
void Apply(State& s, const SubmitDraft& a, Effects& fx) {
  if (!s.view.commentOn.empty()) return SubmitComment(s, fx);  // a comment does not wait for a reply
  // Only sending waits for a pending reply: the draft stays (and stays editable) until it can go.
  if (s.domain.sending) return;
  StartSend(s, s.view.draft, a.timestamp, fx);
}
void Apply(State& s, const FocusInputHandled&, Effects&) { s.view.focusInputRequested = false; }
void Apply(State& s, const RequestInputFocus&, Effects&) { s.view.focusInputRequested = true; }
void Apply(State& s, const SelectMessage& a, Effects&) {
  s.view.selectedMessageId = a.messageId;
  s.view.selectionFromLog = a.fromLog;
  if (!a.messageId.empty()) ++s.view.selectionGeneration;
}
namespace {
ChatMessage* FindMessage(DomainState& d, const std::string& id) {
  for (ChatMessage& m : d.messages)
    if (!id.empty() && m.id == id) return &m;
  return nullptr;
}
// The input goes back to the question that was being typed.
void LeaveComment(ViewState& v) {
  v.commentOn.clear();
  SetDraft(v, std::move(v.questionAside));
  v.questionAside.clear();
  v.focusInputRequested = true;
}
// A vote is shown at once; the reply (FeedbackReceived) confirms it or puts back the vote the server has.
void PostVote(State& s, ChatMessage& m, Feedback vote, Effects& fx) {
  fx.push_back(PostFeedback{m.id, ++m.feedbackSeq,
                            FeedbackRequest{s.domain.sessionId, m.serverId, vote.rating, vote.reason, vote.comment}});
  m.feedback = std::move(vote);
  m.feedbackSaving = true;
  m.feedbackError.clear();
}
}  // namespace

void Apply(State& s, const RateAnswer& a, Effects& fx) {
  ChatMessage* m = FindMessage(s.domain, a.messageId);
  if (!m || m->role != MessageRole::Assistant || m->serverId.empty() || m->streaming) return;
  if (a.rating != "up" && a.rating != "down") return;
  if (m->feedback && m->feedback->rating == a.rating && m->feedback->reason == a.reason) return;  // the same vote again
  // A thumbs down keeps its comment when its reason changes; a thumbs up has none (and ends one being written).
  std::optional<std::string> comment;
  if (a.rating == "down" && m->feedback) comment = m->feedback->comment;
  if (a.rating == "up" && s.view.commentOn == m->id) LeaveComment(s.view);
  PostVote(s, *m, Feedback{a.rating, a.reason, std::move(comment), ""}, fx);
}
void Apply(State& s, const CommentOnAnswer& a, Effects&) {
  if (a.messageId == s.view.commentOn) return;
  const ChatMessage* m = FindMessage(s.domain, a.messageId);
  if (!a.messageId.empty() && !(m && m->feedback && m->feedback->rating == "down")) return;  // only a thumbs down
  if (!s.view.commentOn.empty()) LeaveComment(s.view);
  if (!m) return;
  // The question being typed waits aside; the input holds the comment (the one already given, to edit).
  s.view.questionAside = s.view.draft;
  s.view.commentOn = m->id;
  SetDraft(s.view, m->feedback->comment.value_or(""));
  s.view.focusInputRequested = true;
}
// Enter (or Send) while the input holds a comment: the vote goes again with it. A blank comment removes the one given.
void SubmitComment(State& s, Effects& fx) {
  ChatMessage* m = FindMessage(s.domain, s.view.commentOn);
  if (!m || !m->feedback || m->feedback->rating != "down") return LeaveComment(s.view);
  std::string text = s.view.draft;
  for (char& ch : text)  // what a text field can hold but a comment may not: control characters other than lines
    if ((static_cast<unsigned char>(ch) < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7F) ch = ' ';
  text = std::string(Trim(text));
  if (!IsValidUtf8(text) || Utf8Length(text) > kMaxFeedbackCommentChars) return;  // the input's counter says why
  Feedback vote = *m->feedback;
  vote.comment = text.empty() ? std::nullopt : std::optional<std::string>(std::move(text));
  LeaveComment(s.view);
  if (vote.comment == m->feedback->comment && m->feedbackError.empty()) return;  // nothing changed
  PostVote(s, *m, std::move(vote), fx);
}
void Apply(State& s, const FeedbackReceived& a, Effects&) {
  ChatMessage* m = FindMessage(s.domain, a.messageId);
  if (!m) return;  // another conversation by now
  const bool latest = a.seq == m->feedbackSeq;  // replies to earlier votes only tell what the server has
  if (a.record) {
    m->feedbackConfirmed = a.record->feedback;
    if (!latest) return;
    m->feedback = a.record->feedback;
    m->feedbackSaving = false;
    return;
  }
  if (!latest || !m->feedbackSaving) return;
  const Feedback sent = *m->feedback;
  m->feedback = m->feedbackConfirmed;
  m->feedbackSaving = false;
  m->feedbackError = a.error.message.empty() ? "Your vote was not saved. Try again." : a.error.message;
  // A comment that was not saved is not lost: the input takes it again (over the question being typed, which waits),
  // with the thumbs down it came with, so Enter sends both again.
  if (sent.comment && s.view.commentOn.empty() && sent.rating == "down") {
    m->feedback = Feedback{sent.rating, sent.reason, std::nullopt, ""};
    s.view.questionAside = s.view.draft;
    s.view.commentOn = m->id;
    SetDraft(s.view, *sent.comment);
    s.view.focusInputRequested = true;
  } else if (s.view.commentOn == m->id && !(m->feedback && m->feedback->rating == "down")) {
    // The thumbs down being commented on was not saved: the comment being written keeps it shown, to go with it.
    m->feedback = Feedback{sent.rating, sent.reason, std::nullopt, ""};
  }
}

void Apply(State& s, const ToggleDetails& a, Effects&) {
  auto& open = s.view.detailsOpen;
  const auto it = std::find(open.begin(), open.end(), a.messageId);
  if (it != open.end()) open.erase(it);
  else if (!a.messageId.empty()) open.push_back(a.messageId);
}
void Apply(State& s, const SelectText& a, Effects&) {
  const auto& messages = s.domain.messages;
  const auto it = std::find_if(messages.begin(), messages.end(),
                               [&](const ChatMessage& m) { return !m.id.empty() && m.id == a.selection.messageId; });
  if (it == messages.end()) {
    s.view.textSelection = {};
    return;
  }
  const int size = static_cast<int>(it->content.size());
  const auto clamp = [size](int v) { return v < 0 ? 0 : (v > size ? size : v); };
  s.view.textSelection = TextSelection{a.selection.messageId, clamp(a.selection.anchor), clamp(a.selection.focus)};
}
void Apply(State& s, const SetLogFilter& a, Effects&) {
  s.view.logTypeFilter = a.type;
  s.view.logTextFilter = a.text;
}
void Apply(State& s, const TogglePanel& a, Effects&) {
  bool& collapsed = a.panel == Panel::Agents ? s.view.agentsCollapsed : s.view.logsCollapsed;
  collapsed = !collapsed;
}
// The insights view asks for its report the first time it is shown (and on Refresh); one request at a time.
void AskForInsights(State& s, Effects& fx, bool fresh) {
  DomainState& d = s.domain;
  if (d.insightsLoading || (!fresh && d.insights)) return;
  d.insightsLoading = true;
  d.insightsError.clear();
  fx.push_back(LoadInsights{});
}

void Apply(State& s, const SelectTab& a, Effects& fx) {
  s.view.activeTab = a.tab;
  if (a.tab == Tab::Insights) AskForInsights(s, fx, false);
}
void Apply(State& s, const RefreshInsights&, Effects& fx) { AskForInsights(s, fx, true); }
void Apply(State& s, const InsightsReceived& a, Effects&) {
  s.domain.insightsLoading = false;
  s.domain.insightsError.clear();
  if (a.report) {
    s.domain.insights = a.report;
    return;
  }
  s.domain.insightsError = a.error.status == 404 ? "Insights are turned off on this server."
                           : a.error.status == 401 ? "Insights need a token on this server (INSIGHTS_TOKEN)."
                                                   : a.error.message;
}
void Apply(State& s, const ExportGapsRequested&, Effects& fx) {
  if (s.domain.insights) fx.push_back(LoadInsights{true});
}

void Apply(State& s, const ToggleShortcutHelp&, Effects&) {
  s.view.overlay = s.view.overlay == ViewState::Overlay::Shortcuts ? ViewState::Overlay::None
                                                                   : ViewState::Overlay::Shortcuts;
}
void Apply(State& s, const CloseOverlay&, Effects&) {
  if (s.view.overlay != ViewState::Overlay::None) {
    s.view.overlay = ViewState::Overlay::None;
    s.view.focusInputRequested = true;
  } else if (!s.view.commentOn.empty()) {
    LeaveComment(s.view);  // Esc in an empty comment: back to the question
  }
}
void Apply(State& s, const ClearInput&, Effects&) {
  if (!s.view.commentOn.empty()) LeaveComment(s.view);  // Esc leaves a comment unsent
  else if (!s.view.draft.empty()) ClearDraft(s.view);
}
void Apply(State& s, const ClearRequested&, Effects&) {
  if (!s.domain.messages.empty() && !s.domain.sending) s.view.overlay = ViewState::Overlay::ConfirmClear;
}
void Apply(State& s, const ClearConfirmed& a, Effects& fx) {
  if (s.view.overlay != ViewState::Overlay::ConfirmClear) return;
  s.view.overlay = ViewState::Overlay::None;
  const std::string old = s.domain.sessionId;
  Apply(s, NewChat{a.sessionId}, fx);
  if (!old.empty() && s.domain.sessionId != old) {
    fx.push_back(DeleteSession{old});  // the server forgets it too, and so does the list of conversations
    if (std::erase_if(s.domain.conversations, [&](const ConversationEntry& c) { return c.id == old; }) > 0)
      fx.push_back(SaveConversations{s.domain.conversations});
  }
}
void Apply(State& s, const ShowPanel& a, Effects& fx) {
  s.view.activeTab = a.tab;
  if (a.tab == Tab::Insights) AskForInsights(s, fx, false);
  if (a.tab == Tab::Agents) s.view.agentsCollapsed = false;
  if (a.tab == Tab::Logs) s.view.logsCollapsed = false;
  if (a.tab == Tab::Chat) s.view.focusInputRequested = true;
}

}  // namespace

std::string RequestIdFor(int seq) { return "req-" + std::to_string(seq); }
std::string UserMessageIdFor(const std::string& requestId) { return requestId + "-user"; }
std::string AssistantMessageIdFor(const std::string& requestId) { return requestId + "-assistant"; }

std::vector<Effect> Reduce(State& state, const Action& action) {
  Effects fx;
  std::visit([&](const auto& a) { Apply(state, a, fx); }, action);
  return fx;
}

}  // namespace oai::app
