// The app's state: domain state (session, messages, logs, agents, connection) kept apart from view state (draft,
// selection, filters, panels). Changed only by Reduce() (reducer.h); read by the panels.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/api_error.h"
#include "app/ports/backend.h"
#include "model/model.h"

namespace oai::app {

// [SECTION] Domain

struct ChatMessage {
  std::string id;  // local id for messages of this page ("local-3-user"), the server's id for restored history
  MessageRole role = MessageRole::User;
  std::string content;
  std::string timestamp;  // ISO 8601
  bool pending = false;   // optimistic user message not yet confirmed by the server
  bool streaming = false;  // an answer still arriving (its text grows with each piece; metrics come at the end)
  int turn = 0;           // 1-based; a question and its answer share the turn
  std::optional<AgentId> agent;
  std::optional<double> confidence;
  std::optional<ChatMetrics> metrics;
  std::vector<std::string> logIds;
  // Answers: the id the server stored it under (what a vote names; the same as `id` for restored history) and the
  // customer's vote on it.
  std::string serverId;
  std::optional<Feedback> feedback;
  bool feedbackSaving = false;     // sent, not yet confirmed (the buttons show the new vote meanwhile)
  std::string feedbackError;       // why the last vote was not saved (the buttons show the one the server has)
  std::optional<Feedback> feedbackConfirmed;  // the last vote the server confirmed
  int feedbackSeq = 0;                        // votes sent on this answer: a reply names the one it answers
};

// One retrieval log with the turn and the answer it belongs to.
struct LogEntry {
  RetrievalLog log;
  int turn = 0;
  std::string messageId;  // the assistant message of the turn
};

struct LogTurn {
  int turn = 0;
  std::string messageId;  // the assistant message of the turn
  std::string question;   // the user's text, shown as the group's heading
  std::vector<LogEntry> entries;
};

// An agent of the registry (as the server reports it) with this session's running totals.
struct AgentCard {
  Agent agent;  // status, name, model, colour; agent.tokensUsed/cost are the server's totals over all sessions
  std::int64_t sessionTokens = 0;
  double sessionCost = 0.0;
  std::optional<double> lastLatencyMs;
  CacheStatus lastCache = CacheStatus::None;
};

struct ErrorBanner {
  std::string message;
  bool retryable = false;
  std::string failedText;  // the message that could not be sent; Retry sends it again
  ApiErrorKind kind = ApiErrorKind::Network;
  bool healthCheck = false;  // the server's health check failed; Retry checks again
};

// Failing: the server answers, but with an error (its health check said HTTP 500 or 503).
enum class ConnectionState { Unknown, Online, Offline, Failing };
const char* ToString(ConnectionState s);

struct SessionTotals {
  std::int64_t tokens = 0;
  double cost = 0.0;
  int turns = 0;
};

// A conversation kept on this browser (or desktop): the list the header's Conversations menu switches between.
struct ConversationEntry {
  std::string id;       // the session id
  std::string title;    // the first question, shortened
  std::string updated;  // ISO 8601, the last answer's time
  bool operator==(const ConversationEntry&) const = default;
};
inline constexpr std::size_t kMaxConversations = 50;

struct DomainState {
  std::string sessionId;
  std::vector<ChatMessage> messages;
  std::vector<LogTurn> logTurns;  // oldest first; the panel draws them newest first
  std::array<AgentCard, 4> agents;  // indexed by AgentId
  bool sending = false;
  std::string pendingRequestId;  // the request an answer must match (answers to abandoned requests are dropped)
  int requestSeq = 0;            // source of local request and message ids (keeps the reducer deterministic)
  std::optional<ErrorBanner> error;
  ConnectionState connection = ConnectionState::Unknown;
  std::optional<ChatMetrics> lastMetrics;
  SessionTotals totals;
  std::optional<HealthStatus> backend;
  BackendKind backendKind = BackendKind::Unknown;  // who answered the last health check
  bool historyLoading = false;
  std::map<std::string, DocumentDetail> documents;
  // The insights view (GET /api/insights): the last report, whether one is on its way, why the last one failed.
  std::optional<InsightsReport> insights;
  bool insightsLoading = false;
  std::string insightsError;
  std::vector<ConversationEntry> conversations;  // newest first, at most kMaxConversations  // opened in the viewer, by id (kept for the page's lifetime)

  AgentCard& Card(AgentId id) { return agents[static_cast<std::size_t>(id)]; }
  const AgentCard& Card(AgentId id) const { return agents[static_cast<std::size_t>(id)]; }
  std::size_t LogCount() const;
};

// [SECTION] View

enum class Panel { Agents, Logs };
enum class Tab { Chat, Agents, Logs, Insights };  // narrow layout (Insights replaces the chat column when wide)

// The input's caret, selection and input-method composition as byte offsets into the draft (UTF-8). A collapsed
// selection is the caret; composition is [compositionStart, compositionEnd) or -1 when nothing is being composed.
struct InputCaret {
  int selectionStart = 0;
  int selectionEnd = 0;
  int compositionStart = -1;
  int compositionEnd = -1;
  bool operator==(const InputCaret&) const = default;
};

// Text selected by dragging across a message (byte offsets into its content; anchor where the drag began).
struct TextSelection {
  std::string messageId;
  int anchor = -1;
  int focus = -1;
  bool Empty() const { return messageId.empty() || anchor == focus; }
  bool operator==(const TextSelection&) const = default;
};

// The document viewer: which document, the section to show, and how loading it went.
struct DocumentView {
  std::string id;
  std::int64_t chunkId = 0;
  std::optional<double> similarity;
  bool loading = false;
  std::string error;
  int generation = 0;  // bumped on each open: the viewer scrolls to the section once per open
};

struct ViewState {
  std::string draft;
  InputCaret caret;           // reported by a host-owned text field (ports/text_field.h); ImGui's input keeps its own
  bool inputFocused = false;  // the host-owned field has the keyboard focus
  float inputScrollY = 0.0f;  // the host-owned field's scroll offset, CSS pixels
  int draftGeneration = 0;  // bumped whenever the draft is replaced from outside the input widget
  // The answer whose thumbs down the input is commenting on ("" when it holds a question), and the question that was
  // being typed, put back when the comment is sent or left.
  std::string commentOn;
  std::string questionAside;
  bool focusInputRequested = true;  // focus the input when the page opens
  std::string selectedMessageId;
  // Each selection's number and where it was made: the other panel scrolls to it once (PanelMemory keeps which).
  int selectionGeneration = 0;
  bool selectionFromLog = false;
  TextSelection textSelection;
  std::vector<std::string> detailsOpen;  // answers whose metrics (tokens, cost, latency) are shown
  std::optional<LogType> logTypeFilter;  // nullopt = all types
  std::string logTextFilter;
  bool agentsCollapsed = false;
  bool logsCollapsed = false;
  Tab activeTab = Tab::Chat;
  enum class Overlay { None, Shortcuts, ConfirmClear, Document };
  Overlay overlay = Overlay::None;  // a dialog over the page (Ctrl+/ help, Ctrl+L confirmation, a document)
  DocumentView documentView;
};

struct State {
  DomainState domain;
  ViewState view;
};

// The registry (model/agents.h) as the UI shows it before the server says otherwise.
std::array<AgentCard, 4> DefaultAgents();
State InitialState();

}  // namespace oai::app
