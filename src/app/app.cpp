// App: the action queue shared with network callbacks, the effect runner (API calls, storage), the frame layout
// (header, three columns or tabs, footer) and the debug JSON the end-to-end tests read.
#include "app/app.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <mutex>
#include <utility>

#include "app/panels/panels.h"
#include "app/pipeline.h"
#include "app/reducer.h"
#include "app/transcript.h"
#include "app/theme.h"
#include "imgui.h"
#include "model/ids.h"
#include "model/validation.h"

namespace oai::app {

namespace {

constexpr float kNarrowBreakpoint = 1024.0f;  // CSS pixels
constexpr int kMaxDrainRounds = 64;           // effects answered synchronously queue more actions; bound the loop

// Used when a host gives no transport: every request fails like a network error instead of crashing.
class NullTransport final : public Transport {
 public:
  void Send(const HttpRequest&, std::function<void(HttpResponse)> onDone) override {
    HttpResponse r;
    r.error = "no transport configured";
    onDone(std::move(r));
  }
};

NullTransport g_nullTransport;  // stateless, so sharing one is safe

}  // namespace

// The queue between any thread and the main thread. Callbacks hold it by shared_ptr, so it outlives the App.
struct App::Inbox {
  std::mutex mutex;
  std::deque<Action> queue;
  std::function<void()> wake;

  void Push(Action action) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      queue.push_back(std::move(action));
    }
    if (wake) wake();
  }
  std::deque<Action> Take() {
    std::lock_guard<std::mutex> lock(mutex);
    std::deque<Action> out;
    out.swap(queue);
    return out;
  }
};

App::App(AppServices services)
    : m_services(std::move(services)),
      m_client(m_services.transport ? m_services.transport : &g_nullTransport, m_services.apiBase),
      m_state(InitialState()),
      m_inbox(std::make_shared<Inbox>()),
      m_panelMemory(std::make_unique<panels::PanelMemory>()) {
  m_inbox->wake = m_services.wake;
}

App::~App() = default;

void App::Start() {
  std::string sessionId;
  bool restored = false;
  if (m_services.storage) {
    if (auto stored = m_services.storage->Get(kSessionStorageKey); stored && IsUuid(*stored)) {
      sessionId = NormalizeUuid(*stored);
      restored = true;
    }
  }
  if (sessionId.empty()) sessionId = NewUuidV4();
  if (m_services.storage) {
    if (auto stored = m_services.storage->Get(kConversationsStorageKey)) {
      const Json list = ParseJsonOrDiscarded(*stored);
      ConversationsLoaded loaded;
      if (list.is_array()) {
        for (const Json& c : list) {
          if (c.is_object() && c.contains("id") && c["id"].is_string() && c.contains("title") && c["title"].is_string())
            loaded.conversations.push_back({c["id"].get<std::string>(), c["title"].get<std::string>(),
                                            c.contains("updated") && c["updated"].is_string() ? c["updated"].get<std::string>() : ""});
        }
      }
      Dispatch(std::move(loaded));
    }
  }
  Dispatch(SessionStarted{sessionId, restored});
  Update();
}

void App::Dispatch(Action action) { m_inbox->Push(std::move(action)); }

bool App::Update() {
  bool changed = false;
  for (int round = 0; round < kMaxDrainRounds; ++round) {
    std::deque<Action> batch = m_inbox->Take();
    if (batch.empty()) break;
    for (Action& action : batch) {
      // Clocks and random ids enter here, so the reducer itself stays deterministic.
      if (auto* send = std::get_if<SendRequested>(&action); send && send->timestamp.empty())
        send->timestamp = NowIso8601();
      if (auto* submit = std::get_if<SubmitDraft>(&action); submit && submit->timestamp.empty())
        submit->timestamp = NowIso8601();
      if (auto* retry = std::get_if<RetryRequested>(&action); retry && retry->timestamp.empty())
        retry->timestamp = NowIso8601();
      if (auto* fresh = std::get_if<NewChat>(&action); fresh && fresh->sessionId.empty())
        fresh->sessionId = NewUuidV4();
      if (auto* cleared = std::get_if<ClearConfirmed>(&action); cleared && cleared->sessionId.empty())
        cleared->sessionId = NewUuidV4();
      if (auto* health = std::get_if<HealthReceived>(&action); health && (health->health || health->error))
        health->backend = m_services.backendKind ? m_services.backendKind() : BackendKind::Server;
      const bool viewOnly = std::holds_alternative<DraftChanged>(action) ||
                            std::holds_alternative<InputFocusChanged>(action) ||
                            std::holds_alternative<InputScrolled>(action) ||
                            std::holds_alternative<FocusInputHandled>(action) ||
                            std::holds_alternative<RequestInputFocus>(action) ||
                            std::holds_alternative<SelectText>(action) || std::holds_alternative<ToggleDetails>(action) ||
                            std::holds_alternative<ToggleShortcutHelp>(action) ||
                            std::holds_alternative<CloseOverlay>(action) || std::holds_alternative<ClearInput>(action) ||
                            std::holds_alternative<ClearRequested>(action) || std::holds_alternative<ShowPanel>(action);
      // What the screen-reader mirror shows of the view: the insights or the chat, and whether the input holds a comment.
      const Tab tab = m_state.view.activeTab;
      const bool commenting = !m_state.view.commentOn.empty();
      for (const Effect& effect : Reduce(m_state, action)) RunEffect(effect);
      if (!viewOnly || tab != m_state.view.activeTab || commenting != !m_state.view.commentOn.empty())
        ++m_contentRevision;
      changed = true;
    }
  }
  // The draft was replaced from outside the field (sent, restored after a failure, new chat): the field shows it too.
  if (m_services.textField && m_state.view.draftGeneration != m_fieldGeneration) {
    m_fieldGeneration = m_state.view.draftGeneration;
    m_services.textField->SetText(m_state.view.draft);
  }
  return changed;
}

// One overload per effect: std::visit does not compile when an effect has none, so none is silently ignored.
struct App::EffectRunner {
  App& app;
  std::shared_ptr<Inbox> inbox;

  void operator()(const PostChat& post) const {
    auto onDone = [inbox = inbox, requestId = post.requestId](ApiResult<ChatAnswer> r) {
      if (r.ok()) inbox->Push(ChatSucceeded{requestId, std::move(r.value->response), NowIso8601(), std::move(r.value->messageId)});
      else inbox->Push(ChatFailed{requestId, std::move(r.error)});
    };
    if (!app.m_services.streamAnswers) {
      app.m_client.PostChat(ChatRequest{post.text, post.sessionId}, std::move(onDone));
      return;
    }
    ChatStreamHandlers handlers;
    handlers.onStatus = [inbox = inbox, id = post.requestId](AgentStatusEvent e) { inbox->Push(StreamStatus{id, e}); };
    handlers.onLog = [inbox = inbox, id = post.requestId](RetrievalLog l) { inbox->Push(StreamLog{id, std::move(l)}); };
    handlers.onChunk = [inbox = inbox, id = post.requestId](std::string t) { inbox->Push(StreamChunk{id, std::move(t)}); };
    handlers.onDone = std::move(onDone);
    app.m_client.StreamChat(ChatRequest{post.text, post.sessionId}, std::move(handlers));
  }
  void operator()(const PostFeedback& post) const {
    app.m_client.PostFeedback(post.request, [inbox = inbox, id = post.messageId, seq = post.seq](ApiResult<FeedbackRecord> r) {
      inbox->Push(FeedbackReceived{id, seq, std::move(r.value), std::move(r.error)});
    });
  }
  void operator()(const LoadSession& load) const {
    app.m_client.GetSession(load.sessionId, [inbox = inbox, sessionId = load.sessionId](ApiResult<SessionHistory> r) {
      if (r.ok()) inbox->Push(SessionLoaded{sessionId, std::move(*r.value)});
      else inbox->Push(SessionLoadFailed{sessionId, std::move(r.error)});
    });
  }
  void operator()(const CheckHealth&) const {
    app.m_client.GetHealth([inbox = inbox](ApiResult<HealthStatus> r) {
      if (r.ok()) inbox->Push(HealthReceived{std::move(*r.value), std::nullopt});
      else inbox->Push(HealthReceived{std::nullopt, std::move(r.error)});
    });
  }
  void operator()(const SaveSessionId& save) const {
    if (app.m_services.storage) app.m_services.storage->Set(kSessionStorageKey, save.sessionId);
  }
  void operator()(const DeleteSession& del) const {
    app.m_client.DeleteSession(del.sessionId, [](ApiResult<bool>) {});  // best effort: the page has moved on already
  }
  void operator()(const SaveConversations& save) const {
    if (!app.m_services.storage) return;
    Json list = Json::array();
    for (const auto& c : save.conversations) list.push_back({{"id", c.id}, {"title", c.title}, {"updated", c.updated}});
    app.m_services.storage->Set(kConversationsStorageKey, list.dump());
  }
  void operator()(const FetchExport& request) const {
    const bool json = request.format == ExportFormat::Json;
    const std::string filename = "orchestratai-" + request.sessionId + (json ? ".json" : ".md");
    app.m_client.GetExport(request.sessionId, json, [inbox = inbox, filename, json](ApiResult<std::string> r) {
      if (r.ok()) inbox->Push(ExportReady{filename, json ? "application/json" : "text/markdown", std::move(*r.value)});
      else inbox->Push(ExportFailed{std::move(r.error)});
    });
  }
  void operator()(const LoadInsights& load) const {
    if (!load.csv) {
      app.m_client.GetInsights([inbox = inbox](ApiResult<InsightsReport> r) {
        inbox->Push(InsightsReceived{std::move(r.value), std::move(r.error)});
      });
      return;
    }
    app.m_client.GetInsightsCsv([inbox = inbox](ApiResult<std::string> r) {
      if (r.ok()) inbox->Push(ExportReady{"orchestratai-content-gaps.csv", "text/csv", std::move(*r.value)});
      else inbox->Push(ExportFailed{std::move(r.error)});
    });
  }
  void operator()(const SaveDownload& download) const {
    if (app.m_services.saveFile) app.m_services.saveFile(download.filename, download.mime, download.content);
  }
  void operator()(const LoadDocument& load) const {
    app.m_client.GetDocument(load.id, [inbox = inbox, id = load.id](ApiResult<DocumentDetail> r) {
      if (r.ok()) inbox->Push(DocumentLoaded{std::move(*r.value)});
      else inbox->Push(DocumentLoadFailed{id, std::move(r.error)});
    });
  }
  void operator()(const LoadAgents&) const {
    // Optional: older servers have no /api/agents; the cards then keep the built-in registry.
    app.m_client.GetAgents([inbox = inbox](ApiResult<std::vector<Agent>> r) {
      if (r.ok()) inbox->Push(AgentsReceived{std::move(*r.value)});
    });
  }
};

void App::RunEffect(const Effect& effect) { std::visit(EffectRunner{*this, m_inbox}, effect); }

// [SECTION] Drawing

void App::Draw() {
  const panels::Emit emit = [this](Action a) { Dispatch(std::move(a)); };
  m_panelMemory->targets.clear();
  m_panelMemory->contentRevision = m_contentRevision;
  const panels::DrawContext ctx{m_state,          emit, m_scale, m_services.host, *m_panelMemory, m_services.textField,
                                &m_services.localTime, m_services.reducedMotion};
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
  const ImGuiWindowFlags rootFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                     ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse;
  ImGui::Begin("OrchestratAI##root", nullptr, rootFlags);
  ImGui::PopStyleVar();

  panels::DrawHeaderBar(ctx);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float footerHeight = ImGui::GetTextLineHeightWithSpacing() + style.ItemSpacing.y * 2.0f + 1.0f;
  const float bodyHeight = std::max(80.0f, ImGui::GetContentRegionAvail().y - footerHeight);
  if (viewport->WorkSize.x / m_scale < kNarrowBreakpoint) DrawNarrow(ctx, bodyHeight);
  else DrawWide(ctx, bodyHeight);
  panels::DrawStatusFooter(ctx);
  // The dialogs open from the root window, last, so everything else is drawn (and logged, for the tests) before.
  DrawOverlays(ctx);
  HandleShortcuts(ctx);
  ImGui::End();
  if (m_services.textField && m_state.view.overlay != ViewState::Overlay::None) m_services.textField->Blur();
  if (m_services.textField) m_services.textField->FrameDone();
}

// The keyboard, where ImGui has it (the desktop build; the page's canvas when the text field does not have the focus:
// the page forwards the same keys from its field, see web/loader.js): Esc, Ctrl/Cmd+K, Ctrl/Cmd+L, Ctrl/Cmd+C,
// Ctrl+1/2/3 (Alt+1/2/3 too: browsers keep Ctrl+number for their tabs), Ctrl/Cmd+/.
void App::HandleShortcuts(const panels::DrawContext& ctx) {
  const ImGuiIO& io = ImGui::GetIO();
  const bool mod = io.KeyCtrl || io.KeySuper;
  const auto pressed = [](ImGuiKey key) { return ImGui::IsKeyPressed(key, false); };
  if (pressed(ImGuiKey_Escape)) {
    if (m_state.view.overlay != ViewState::Overlay::None) ctx.emit(CloseOverlay{});
    else if (!io.WantTextInput || !m_state.view.commentOn.empty()) ctx.emit(ClearInput{});  // leaves a comment
  }
  if (!mod && !io.KeyAlt) return;
  if (mod && pressed(ImGuiKey_C) && !io.WantTextInput) {  // copies the text selected in a message
    const std::string selected = SelectedText(m_state);
    if (!selected.empty()) ImGui::SetClipboardText(selected.c_str());
  }
  if (mod && pressed(ImGuiKey_K)) ctx.emit(ShowPanel{Tab::Chat});
  if (mod && pressed(ImGuiKey_L)) ctx.emit(ClearRequested{});
  if (mod && pressed(ImGuiKey_Slash)) ctx.emit(ToggleShortcutHelp{});
  if (pressed(ImGuiKey_1)) ctx.emit(ShowPanel{Tab::Agents});
  if (pressed(ImGuiKey_2)) ctx.emit(ShowPanel{Tab::Chat});
  if (pressed(ImGuiKey_3)) ctx.emit(ShowPanel{Tab::Logs});
  if (pressed(ImGuiKey_4)) ctx.emit(ShowPanel{Tab::Insights});
}

// The dialogs: the shortcut list (Ctrl+/) and the confirmation before clearing the conversation (Ctrl+L).
void App::DrawOverlays(const panels::DrawContext& ctx) {
  const ViewState::Overlay overlay = m_state.view.overlay;
  const char* kHelp = "Keyboard shortcuts";
  const char* kClear = "Clear this conversation?";
  const char* wanted = overlay == ViewState::Overlay::Shortcuts      ? kHelp
                       : overlay == ViewState::Overlay::ConfirmClear ? kClear
                                                                     : nullptr;
  if (wanted && !ImGui::IsPopupOpen(wanted)) ImGui::OpenPopup(wanted);
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal(kHelp, nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove)) {
    if (overlay != ViewState::Overlay::Shortcuts) ImGui::CloseCurrentPopup();
    static const char* kRows[][2] = {
        {"Enter", "send"},
        {"Shift+Enter", "new line"},
        {"Esc", "close this dialog, else clear the input"},
        {"Ctrl/Cmd+K", "type a question"},
        {"Ctrl/Cmd+L", "clear the conversation (asks first)"},
        {"Ctrl+1 / 2 / 3 / 4", "agents, chat, retrieval log, insights (Alt+1..4 in a browser)"},
        {"Ctrl/Cmd+C", "copy the selected text"},
        {"Ctrl/Cmd+/", "this list"},
    };
    // Two columns by hand (ImGui's tables would add ~10 KB gzip to the page for this one list).
    float keyWidth = 0.0f;
    for (const auto& row : kRows) keyWidth = std::max(keyWidth, ImGui::CalcTextSize(row[0]).x);
    const float column = ImGui::GetCursorPosX() + keyWidth + ImGui::GetStyle().ItemSpacing.x * 2.0f;
    for (const auto& row : kRows) {
      ImGui::PushStyleColor(ImGuiCol_Text, colors::kCyan);
      ImGui::TextUnformatted(row[0]);
      ImGui::PopStyleColor();
      ImGui::SameLine(column);
      ImGui::TextUnformatted(row[1]);
    }
    ImGui::Spacing();
    if (ImGui::Button("Close")) ctx.emit(CloseOverlay{});
    ImGui::EndPopup();
  }
  ImGui::SetNextWindowPos(viewport->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal(kClear, nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove)) {
    if (overlay != ViewState::Overlay::ConfirmClear) ImGui::CloseCurrentPopup();
    ImGui::TextUnformatted("Its messages and logs are deleted, here and on the server. This cannot be undone.");
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(colors::kError.x, colors::kError.y, colors::kError.z, 0.55f));
    const bool confirm = ImGui::Button("Clear conversation") || ImGui::IsKeyPressed(ImGuiKey_Enter, false);
    ImGui::PopStyleColor();
    if (confirm) ctx.emit(ClearConfirmed{});
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ctx.emit(CloseOverlay{});
    ImGui::EndPopup();
  }
  panels::DrawDocumentViewer(ctx);
}

void App::DrawWide(const panels::DrawContext& ctx, float bodyHeight) {
  const panels::Emit& emit = ctx.emit;
  const ViewState& view = m_state.view;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float thin = ImGui::GetFrameHeight() + style.WindowPadding.x * 2.0f;
  const float left = view.agentsCollapsed ? thin : std::clamp(avail * 0.22f, 240.0f * m_scale, 340.0f * m_scale);
  const float right = view.logsCollapsed ? thin : std::clamp(avail * 0.30f, 300.0f * m_scale, 480.0f * m_scale);
  const float center = std::max(200.0f * m_scale, avail - left - right - style.ItemSpacing.x * 2.0f);

  ImGui::PushStyleColor(ImGuiCol_ChildBg, colors::kDeep);
  ImGui::BeginChild("##agents_column", ImVec2(left, bodyHeight), ImGuiChildFlags_Border);
  if (view.agentsCollapsed) {
    if (ImGui::Button(">##show_agents")) emit(TogglePanel{Panel::Agents});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show agents");
  } else {
    if (ImGui::SmallButton("<##hide_agents")) emit(TogglePanel{Panel::Agents});
    ImGui::SameLine();
    panels::DrawAgentPanel(ctx);
  }
  ImGui::EndChild();
  ImGui::PopStyleColor();

  ImGui::SameLine();
  ImGui::BeginChild("##chat_column", ImVec2(center, bodyHeight), ImGuiChildFlags_Border);
  if (view.activeTab == Tab::Insights) panels::DrawInsightsPanel(ctx);
  else panels::DrawChatPanel(ctx);
  ImGui::EndChild();

  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_ChildBg, colors::kDeep);
  ImGui::BeginChild("##logs_column", ImVec2(right, bodyHeight), ImGuiChildFlags_Border);
  if (view.logsCollapsed) {
    if (ImGui::Button("<##show_logs")) emit(TogglePanel{Panel::Logs});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the retrieval log");
  } else {
    if (ImGui::SmallButton(">##hide_logs")) emit(TogglePanel{Panel::Logs});
    ImGui::SameLine();
    panels::DrawRetrievalPanel(ctx);
  }
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

void App::DrawNarrow(const panels::DrawContext& ctx, float bodyHeight) {
  const panels::Emit& emit = ctx.emit;
  const float top = ImGui::GetCursorPosY();
  if (!ImGui::BeginTabBar("##tabs")) return;
  struct TabDef {
    Tab tab;
    const char* label;
    void (*draw)(const panels::DrawContext&);
  };
  const TabDef tabs[] = {{Tab::Chat, "Chat", &panels::DrawChatPanel},
                         {Tab::Agents, "Agents", &panels::DrawAgentPanel},
                         {Tab::Logs, "Logs", &panels::DrawRetrievalPanel},
                         {Tab::Insights, "Insights", &panels::DrawInsightsPanel}};
  for (const TabDef& t : tabs) {
    // The state's tab wins (it may come from the URL hash); a click asks the reducer to change it.
    const ImGuiTabItemFlags flags = m_state.view.activeTab == t.tab ? ImGuiTabItemFlags_SetSelected : 0;
    const bool open = ImGui::BeginTabItem(t.label, nullptr, flags);
    panels::RememberTarget(ctx, std::string("tab:") + t.label);
    if (ImGui::IsItemClicked() && m_state.view.activeTab != t.tab) emit(SelectTab{t.tab});
    if (open) {
      const float used = ImGui::GetCursorPosY() - top;
      ImGui::BeginChild("##tab_body", ImVec2(0, std::max(60.0f, bodyHeight - used)));
      t.draw(ctx);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
  }
  ImGui::EndTabBar();
}

// [SECTION] State queries

namespace {
// The insights view's state for the end-to-end tests: the report's counts and each gap's nearest document.
// The insights as the page's tests and its screen-reader mirror (web/a11y.js, which words them) read them.
Json InsightsJson(const DomainState& d) {
  Json j = Json::object();
  j["loading"] = d.insightsLoading;
  j["error"] = d.insightsError;
  if (!d.insights) return j;
  const InsightsReport& r = *d.insights;
  const InsightsTotals& t = r.totals;
  j["from"] = r.from;
  j["to"] = r.to;
  j["definition"] = r.resolution_definition;
  j["questions"] = t.questions;
  j["answered"] = t.answered;
  j["declined"] = t.declined;
  j["small_talk"] = t.small_talk;
  j["thumbs_down"] = t.thumbs_down;
  j["resolution_rate"] = t.resolution_rate;
  j["thumbs_down_rate"] = t.thumbs_down_rate;
  j["cache_hit_rate"] = t.cache_hit_rate;
  j["p95_ms"] = t.latency_p95_ms;
  Json agents = Json::array();
  for (const InsightsAgent& a : r.agents) {
    Json& one = agents.emplace_back(Json::object());
    one["name"] = d.Card(a.agent).agent.name;
    one["share"] = a.share;
    one["p50_ms"] = a.latency_p50_ms;
    one["p95_ms"] = a.latency_p95_ms;
  }
  j["agents"] = std::move(agents);
  Json days = Json::array();
  for (const InsightsDay& day : r.days) {
    if (day.questions == 0) continue;
    Json& one = days.emplace_back(Json::object());
    one["day"] = day.day;
    one["questions"] = day.questions;
    one["declined"] = day.declined;
    one["thumbs_down"] = day.thumbs_down;
  }
  j["days"] = std::move(days);
  Json gaps = Json::array();
  for (const ContentGap& g : r.gaps) {
    Json& one = gaps.emplace_back(Json::object());
    one["count"] = g.count;
    one["last_asked"] = g.last_asked;
    one["heading"] = g.heading;
    one["examples"] = g.examples;
    one["document"] = g.document.value_or("");
    one["chunk"] = g.chunk_id;
  }
  j["gaps"] = std::move(gaps);
  return j;
}
}  // namespace

std::string App::DebugJson() const {
  const DomainState& d = m_state.domain;
  Json messages = Json::array();
  for (const auto& m : d.messages) {
    // Member by member: nlohmann's initializer lists cost the page more code than assignments.
    Json& one = messages.emplace_back(Json::object());
    one["role"] = ToString(m.role);
    one["content"] = m.content;
    one["agent"] = m.agent ? Json(ToString(*m.agent)) : Json(nullptr);
    one["pending"] = m.pending;
    one["streaming"] = m.streaming;
    one["id"] = m.id;
    one["server_id"] = m.serverId;
    one["feedback"] = m.feedback ? Json(*m.feedback) : Json(nullptr);
    one["feedback_saving"] = m.feedbackSaving;
  }
  // Member by member: nlohmann's initializer lists cost the page more code than assignments.
  Json j = Json::object();
  j["session_id"] = d.sessionId;
  j["sending"] = d.sending;
  j["draft"] = m_state.view.draft;
  j["messages"] = std::move(messages);
  j["logs"] = d.LogCount();
  j["error"] = d.error ? Json(d.error->message) : Json(nullptr);
  j["connection"] = ToString(d.connection);
  j["backend"] = d.backend ? Json(d.backend->store_kind) : Json(nullptr);
  j["backend_kind"] = ToString(d.backendKind);
  j["chat_scroll"] = std::lround(m_panelMemory->chatScrollY);
  const ViewState::Overlay overlay = m_state.view.overlay;
  j["overlay"] = overlay == ViewState::Overlay::Shortcuts      ? "shortcuts"
                 : overlay == ViewState::Overlay::ConfirmClear ? "confirm_clear"
                 : overlay == ViewState::Overlay::Document     ? "document"
                                                               : "none";
  Json conversations = Json::array();
  for (const auto& c : d.conversations) {
    Json& one = conversations.emplace_back(Json::object());
    one["id"] = c.id;
    one["title"] = c.title;
  }
  j["conversations"] = std::move(conversations);
  j["document"] = nullptr;
  if (overlay == ViewState::Overlay::Document) {
    const DocumentView& v = m_state.view.documentView;
    Json& doc = j["document"] = Json::object();
    doc["id"] = v.id;
    doc["chunk_id"] = v.chunkId;
    doc["loading"] = v.loading;
    doc["loaded"] = m_state.domain.documents.count(v.id) > 0;
    doc["error"] = v.error;
  }
  j["tab"] = m_state.view.activeTab == Tab::Agents     ? "agents"
             : m_state.view.activeTab == Tab::Logs     ? "logs"
             : m_state.view.activeTab == Tab::Insights ? "insights"
                                                       : "chat";
  j["insights"] = InsightsJson(d);
  j["agents_collapsed"] = m_state.view.agentsCollapsed;
  Json steps = Json::array();
  for (const PipelineStep& step : Pipeline(d)) steps.push_back(ToString(step.state));
  j["pipeline"] = std::move(steps);
  j["targets"] = m_panelMemory->targets;
  j["logs_collapsed"] = m_state.view.logsCollapsed;
  return j.dump();
}

std::string App::AccessibleJson() const {
  const DomainState& d = m_state.domain;
  const auto localTime = [this](const std::string& iso) {
    std::string t = m_services.localTime ? m_services.localTime(iso) : std::string();
    return t.empty() ? widgets::TimeOfDay(iso) : t;
  };
  // The sources each answer cites, from its documents log.
  std::map<std::string, Json> sources;
  Json logs = Json::array();
  for (const LogTurn& turn : d.logTurns) {
    Json entries = Json::array();
    for (const LogEntry& e : turn.entries) {
      entries.push_back(e.log.title);
      if (const auto* docs = std::get_if<DocumentsData>(&e.log.data)) {
        Json list = Json::array();
        for (const Citation& c : docs->citations)
          list.push_back("[" + std::to_string(c.n) + "] " + (c.title.empty() ? c.source : c.title) +
                         (c.heading.empty() ? "" : " — " + c.heading));
        sources[e.messageId] = std::move(list);
      }
    }
    logs.push_back({{"turn", turn.turn}, {"question", turn.question}, {"entries", std::move(entries)}});
  }
  Json messages = Json::array();
  for (const ChatMessage& m : d.messages) {
    const bool user = m.role == MessageRole::User;
    std::string who = user ? "You" : d.Card(m.agent.value_or(AgentId::Orchestrator)).agent.name;
    if (!user && m.confidence)
      who += ", " + std::to_string(static_cast<int>(std::lround(*m.confidence * 100.0))) + "% confident";
    const auto found = sources.find(m.id);
    // Member by member: nlohmann's initializer lists cost the page more code than assignments.
    Json& one = messages.emplace_back(Json::object());
    one["id"] = m.id.empty() ? m.timestamp : m.id;
    one["role"] = ToString(m.role);
    one["who"] = std::move(who);
    one["time"] = localTime(m.timestamp);
    one["text"] = m.content;
    one["pending"] = m.pending;
    one["sources"] = found != sources.end() ? found->second : Json::array();
    // What the canvas offers under an answer, as buttons: the vote (with its reason and comment), the next questions.
    one["votable"] = !user && !m.serverId.empty() && !m.streaming;
    one["vote"] = m.feedback ? m.feedback->rating : "";
    one["reason"] = m.feedback ? m.feedback->reason.value_or("") : "";
    one["comment"] = m.feedback ? m.feedback->comment.value_or("") : "";
    one["vote_error"] = m.feedbackError;
    one["next"] = !user && !d.sending && &m == &d.messages.back() ? SuggestionsOf(d, m) : std::vector<std::string>();
  }
  Json agents = Json::array();
  std::string status;
  for (const AgentCard& card : d.agents) {
    Json& one = agents.emplace_back(Json::object());
    one["name"] = card.agent.name;
    one["status"] = ToString(card.agent.status);
    one["model"] = card.agent.model;
    one["detail"] = widgets::FormatTokens(card.sessionTokens) + " tokens, " + widgets::FormatCost(card.sessionCost) +
                    " this session";
    if (card.agent.status == AgentStatus::Routing) status = card.agent.name + " is routing your question";
    if (card.agent.status == AgentStatus::Active) status = card.agent.name + " is answering";
  }
  if (!d.sending) status.clear();
  Json j = Json::object();
  j["messages"] = std::move(messages);
  j["status"] = status;
  j["agents"] = std::move(agents);
  j["logs"] = std::move(logs);
  j["error"] = d.error ? Json(d.error->message) : Json(nullptr);
  j["connection"] = ToString(d.connection);
  j["backend"] = ToString(d.backendKind);
  j["commenting"] = !m_state.view.commentOn.empty();
  const bool insightsOpen = m_state.view.activeTab == Tab::Insights;
  j["insights_open"] = insightsOpen;
  j["insights"] = insightsOpen ? InsightsJson(d) : Json::object();  // read out only while the view is open
  return j.dump();
}

bool App::IsAnimating() const { return m_state.domain.sending; }

bool App::IsReady() const {
  return m_state.domain.connection != ConnectionState::Unknown && !m_state.domain.historyLoading;
}

}  // namespace oai::app
