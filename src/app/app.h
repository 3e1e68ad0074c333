// The app as the hosts see it: Start once, Dispatch from anywhere (network callbacks, host events), and per frame
// Update (apply queued actions, run effects) then Draw (ImGui windows). The host owns the loop, the transport and storage.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "app/actions.h"
#include "app/ports/api_client.h"
#include "app/ports/backend.h"
#include "app/ports/text_field.h"
#include "app/state.h"
#include "app/ports/transport.h"

namespace oai::app {

namespace panels {
struct DrawContext;
struct PanelMemory;
}  // namespace panels

struct AppServices {
  Transport* transport = nullptr;
  KeyValueStore* storage = nullptr;
  std::function<void()> wake;  // called (from any thread) when an action was queued: the host should run a frame
  std::string apiBase;         // "" = same origin
  HostKind host = HostKind::Headless;
  // Who answers the API (the page asks its fallback transport); read when a health check arrives. Empty = the server.
  std::function<BackendKind()> backendKind;
  // The page's DOM text field that owns the chat input's text (null: Dear ImGui's own input, as on the desktop).
  TextField* textField = nullptr;
  // An ISO 8601 time as the user's clock reads it ("10:27" in their zone and locale). Empty: the UTC time of day.
  std::function<std::string(const std::string& iso)> localTime;
  // Answers arrive as server-sent events (POST /api/chat/stream, the transport's Stream) and grow on screen; false:
  // one plain POST /api/chat per question.
  bool streamAnswers = false;
  // Saves a download (an exported conversation): the browser's download, a file on the desktop. Empty: no downloads.
  std::function<void(const std::string& filename, const std::string& mime, const std::string& content)> saveFile;
  // The user asked for less motion (prefers-reduced-motion): no animation is drawn.
  bool reducedMotion = false;
};

inline constexpr const char* kSessionStorageKey = "orchestratai.session_id";
inline constexpr const char* kConversationsStorageKey = "orchestratai.conversations";  // JSON [{id, title, updated}]

class App {
 public:
  explicit App(AppServices services);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Session id from storage ("orchestratai.session_id") or a new one; health check; history of a restored session.
  void Start();
  // Thread-safe: queues the action and wakes the host. Applied by the next Update().
  void Dispatch(Action action);
  // Main thread: applies the queued actions through Reduce and runs their effects. True when anything changed.
  bool Update();
  // ImGui windows for one frame (the host calls NewFrame/Render around it). Reads state; emits actions only.
  void Draw();

  const State& GetState() const { return m_state; }
  // {session_id, sending, messages:[{role, content, agent, pending}], logs: n, error, connection} for e2e tests.
  std::string DebugJson() const;
  // Bumped whenever the conversation, the agents, the log or the connection change (not for typing or focus): hosts
  // rebuild what mirrors the content (the page's screen-reader DOM) only when it moves.
  int ContentRevision() const { return m_contentRevision; }
  // What a screen reader needs, as JSON: {messages:[{id, role, who, time, text, pending, sources:[…]}], status,
  // agents:[{name, status, model, detail}], logs:[{turn, question, entries:[…]}], error, connection, backend}.
  std::string AccessibleJson() const;
  // True while something moves on screen (the typing indicator while a reply is in progress).
  bool IsAnimating() const;
  // The backend has answered (server or in-page engine) and a restored conversation is on screen: the user can type
  // and send. The web host reports the first frame drawn in this state as "interactive".
  bool IsReady() const;
  // Device pixels per CSS pixel (devicePixelRatio); panel sizes and the narrow-layout breakpoint use it. Default 1.
  void SetDisplayScale(float scale) { m_scale = scale > 0.0f ? scale : 1.0f; }
  float DisplayScale() const { return m_scale; }

 private:
  struct Inbox;
  struct EffectRunner;
  void RunEffect(const Effect& effect);
  void DrawWide(const panels::DrawContext& ctx, float bodyHeight);
  void DrawOverlays(const panels::DrawContext& ctx);
  void HandleShortcuts(const panels::DrawContext& ctx);
  void DrawNarrow(const panels::DrawContext& ctx, float bodyHeight);

  AppServices m_services;
  ApiClient m_client;
  State m_state;
  std::shared_ptr<Inbox> m_inbox;  // shared with in-flight callbacks, so a late answer after ~App is harmless
  float m_scale = 1.0f;
  int m_fieldGeneration = 0;
  int m_contentRevision = 0;  // counts the actions that changed more than the view (drafts, focus, overlays)
  std::unique_ptr<panels::PanelMemory> m_panelMemory;  // measured heights of the long lists, between frames
};

}  // namespace oai::app
