// Everything that can happen to the app, as small value types: user intents from the panels and results from the
// network. The reducer (reducer.h) is the only code that turns them into state changes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/ports/api_error.h"
#include "app/state.h"
#include "model/model.h"

namespace oai::app {

// [SECTION] Chat

struct SendRequested {
  std::string text;
  std::string timestamp;  // stamped by App::Update when empty (keeps the reducer free of clocks)
};
struct ChatSucceeded {
  std::string requestId;
  ChatResponse response;
  std::string timestamp;  // when the answer arrived
  std::string messageId;  // the server's id of the answer (X-Message-Id / the stream's done event); votes name it
};
struct ChatFailed {
  std::string requestId;
  ApiError error;
};
// A streamed turn's progress (ApiClient::StreamChat), before ChatSucceeded or ChatFailed ends it.
struct StreamStatus {
  std::string requestId;
  AgentStatusEvent event;
};
struct StreamLog {
  std::string requestId;
  RetrievalLog log;
};
struct StreamChunk {
  std::string requestId;
  std::string text;
};
struct RetryRequested {
  std::string timestamp;  // stamped by App::Update when empty
};
struct DismissError {};
struct RetryHealthCheck {};  // the banner's Retry after a failed health check

// [SECTION] Session and backend

struct SessionStarted {
  std::string sessionId;
  bool restored = false;  // true when the id came from storage: its history is loaded from the server
};
struct SessionLoaded {
  std::string sessionId;
  SessionHistory history;
};
struct SessionLoadFailed {
  std::string sessionId;
  ApiError error;
};
struct NewChat {
  std::string sessionId;  // a fresh UUID; App::Update makes one when empty, so the reducer stays deterministic
};
struct HealthReceived {
  std::optional<HealthStatus> health;  // nullopt when the check failed
  std::optional<ApiError> error;
  BackendKind backend = BackendKind::Unknown;  // who answered; stamped by App::Update
};
struct AgentsReceived {
  std::vector<Agent> agents;
};

// [SECTION] View

struct DraftChanged {
  std::string text;
  std::optional<InputCaret> caret;  // from a host-owned text field; nullopt from ImGui's input
};
struct InputFocusChanged {
  bool focused = false;
};
struct InputScrolled {
  float y = 0.0f;  // CSS pixels
};
// Enter in the host-owned field: sends the draft when it can be sent (not while a reply is pending).
struct SubmitDraft {
  std::string timestamp;  // stamped by App::Update when empty
};
struct FocusInputHandled {};
struct RequestInputFocus {};  // e.g. Enter pressed on a draft that cannot be sent: ImGui dropped the focus
struct SelectMessage {
  std::string messageId;  // "" clears the selection
  bool fromLog = false;   // a log card was clicked (the chat scrolls to its answer); else an answer (the log scrolls)
};
// [SECTION] Keyboard (Esc, Ctrl/Cmd+K, Ctrl/Cmd+L, Ctrl+1/2/3, Ctrl+/)

struct ToggleShortcutHelp {};
struct CloseOverlay {};      // Esc: closes the dialog that is open, if any
struct ClearInput {};        // Esc with no dialog open
struct ClearRequested {};    // Ctrl/Cmd+L: asks for confirmation
struct ClearConfirmed {
  std::string sessionId;  // the fresh conversation's id; App::Update makes one when empty
};
struct ShowPanel {
  Tab tab;  // Agents, Chat or Logs: shown (expanded in the wide layout, the tab in the narrow one)
};

// [SECTION] Conversations and export

struct ConversationsLoaded {
  std::vector<ConversationEntry> conversations;  // from storage, at start
};
struct SwitchConversation {
  std::string sessionId;  // one of the kept conversations: its history comes from the server (or the in-page store)
};
enum class ExportFormat { Markdown, Json };
struct ExportRequested {
  ExportFormat format = ExportFormat::Markdown;
};
struct ExportReady {
  std::string filename;
  std::string mime;
  std::string content;
};
struct ExportFailed {
  ApiError error;
};

// [SECTION] Documents (the viewer a citation chip or a search hit opens)

struct OpenDocument {
  std::string id;  // the document's path, "policy/refunds-and-cancellation.md"
  std::int64_t chunkId = 0;  // the cited or found section, highlighted and scrolled to (0: none)
  std::optional<double> similarity;
};
struct DocumentLoaded {
  DocumentDetail document;
};
struct DocumentLoadFailed {
  std::string id;
  ApiError error;
};

// A vote on an answer: "up" or "down", with a reason for a thumbs down when the customer picks one.
struct RateAnswer {
  std::string messageId;  // the answer's id in this page (ChatMessage::id)
  std::string rating;
  std::optional<std::string> reason;
};
// A comment on a thumbs down: the chat input holds it until Enter sends it with the vote ("" leaves, keeping the
// question that was being typed).
struct CommentOnAnswer {
  std::string messageId;
};
// The server's reply to a vote: the stored vote, or why not.
struct FeedbackReceived {
  std::string messageId;
  int seq = 0;  // the vote it answers (ChatMessage::feedbackSeq when it was sent)
  std::optional<FeedbackRecord> record;
  ApiError error;  // when there is no record
};
// The insights view: its report arrived or did not; the view asks for a fresh one; the content gaps as a CSV file.
struct InsightsReceived {
  std::optional<InsightsReport> report;
  ApiError error;  // when there is no report
};
struct RefreshInsights {};
struct ExportGapsRequested {};
struct ToggleDetails {
  std::string messageId;  // shows or hides the answer's metrics
};
struct SelectText {
  TextSelection selection;  // an empty messageId clears it
};
struct SetLogFilter {
  std::optional<LogType> type;
  std::string text;
};
struct TogglePanel {
  Panel panel;
};
struct SelectTab {
  Tab tab;
};

using Action = std::variant<SendRequested, ChatSucceeded, ChatFailed, StreamStatus, StreamLog, StreamChunk, RetryRequested, DismissError, RetryHealthCheck,
                            SessionStarted,
                            SessionLoaded, SessionLoadFailed, NewChat, HealthReceived, AgentsReceived, DraftChanged,
                            InputFocusChanged, InputScrolled, SubmitDraft, FocusInputHandled, RequestInputFocus, SelectMessage, SelectText, ToggleDetails, ToggleShortcutHelp, CloseOverlay,
                            ClearInput, ClearRequested, ClearConfirmed, ShowPanel, SetLogFilter, TogglePanel, SelectTab,
                            OpenDocument, DocumentLoaded, DocumentLoadFailed, ConversationsLoaded, SwitchConversation,
                            ExportRequested, ExportReady, ExportFailed, RateAnswer, CommentOnAnswer, FeedbackReceived,
                            InsightsReceived, RefreshInsights, ExportGapsRequested>;

// [SECTION] Effects: commands the App executes after reducing (network, storage)

struct PostChat {
  std::string text;
  std::string sessionId;
  std::string requestId;
};
struct PostFeedback {
  std::string messageId;  // the page's id of the answer, for the reply
  int seq = 0;
  FeedbackRequest request;
};
struct LoadInsights {
  bool csv = false;  // the content gaps as a file to save, instead of the report
};
struct LoadSession {
  std::string sessionId;
};
struct CheckHealth {};
struct SaveSessionId {
  std::string sessionId;
};
struct LoadAgents {};
struct DeleteSession {
  std::string sessionId;
};

struct LoadDocument {
  std::string id;
};
struct SaveConversations {
  std::vector<ConversationEntry> conversations;
};
struct FetchExport {
  std::string sessionId;
  ExportFormat format = ExportFormat::Markdown;
};
struct SaveDownload {
  std::string filename;
  std::string mime;
  std::string content;
};

using Effect = std::variant<PostChat, LoadSession, CheckHealth, SaveSessionId, LoadAgents, DeleteSession, LoadDocument,
                            SaveConversations, FetchExport, SaveDownload, PostFeedback, LoadInsights>;

}  // namespace oai::app
