// The panels of the app, one file each. Every Draw function reads the state and emits actions; none mutates the
// state or keeps static state, so the same panels draw any state in any ImGui context (tests use several). The only
// thing they write is layout memory the App hands them (measured heights of long lists), never seen by the reducer.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

#include "app/actions.h"
#include "app/ports/text_field.h"
#include "app/state.h"
#include "app/panels/rich_text.h"
#include "app/panels/widgets.h"

namespace oai::app::panels {

using Emit = std::function<void(Action)>;

// Layout memory of the long lists, kept by the App between frames (see widgets::ListMemory).
struct PanelMemory {
  widgets::ListMemory chat;
  widgets::ListMemory log;
  std::unordered_map<std::string, std::string> localTimes;  // ISO timestamp → the host's local time of day
  float chatScrollY = 0.0f;  // the chat's scroll offset when last drawn, CSS pixels (read by the debug JSON)
  int documentScrolled = 0;  // the viewer's opening (DocumentView::generation) already scrolled to its section
  int chatScrolledTo = 0;    // the selection (ViewState::selectionGeneration) the chat already scrolled to
  int logScrolledTo = 0;     // the same for the log
  // Where this frame drew the controls the end-to-end tests click with a real mouse or finger (header buttons, menu
  // items): name → {x, y, width, height} in CSS pixels. Cleared at the start of every frame.
  std::map<std::string, std::array<float, 4>> targets;
  widgets::RichLayoutCache answers;   // laid-out message texts, by message id
  widgets::RichLayoutCache passages;  // laid-out passage previews in the log, by log id and chunk id
  widgets::RichLayoutCache documents; // laid-out documents in the viewer, by document id
  // The sources of each answer drawn (CitationsOf looks through every turn's log), kept while the content is the same:
  // `contentRevision` is the app's (App::ContentRevision, set before each frame), `citationsRevision` the one they
  // were gathered at.
  int contentRevision = 0;
  int citationsRevision = -1;
  std::unordered_map<std::string, std::vector<Citation>> citations;  // by message id
};

struct DrawContext {
  const State& state;
  const Emit& emit;
  float scale = 1.0f;    // device pixels per CSS pixel; sizes in the panels are multiplied by it
  HostKind host = HostKind::Headless;
  PanelMemory& memory;
  TextField* textField = nullptr;  // the host's field that owns the input's text; null: ImGui's input
  const std::function<std::string(const std::string&)>* localTime = nullptr;  // may be null or empty
  bool reducedMotion = false;  // prefers-reduced-motion: draw no animation
};

// Records the last item's rectangle as PanelMemory::targets[name].
void RememberTarget(const DrawContext& ctx, const std::string& name);

// "10:27": the time of an ISO 8601 timestamp on the user's clock when the host can tell it, else in UTC.
std::string TimeOfDay(const DrawContext& ctx, const std::string& iso);

void DrawHeaderBar(const DrawContext& ctx);      // header_bar.cpp: product name, execution graph, connection, New chat
void DrawAgentPanel(const DrawContext& ctx);     // agent_panel.cpp: the four agent cards
void DrawChatPanel(const DrawContext& ctx);      // chat_panel.cpp: bubbles, typing indicator, error banner, input
void DrawRetrievalPanel(const DrawContext& ctx); // retrieval_panel.cpp: log cards per turn, filters
void DrawStatusFooter(const DrawContext& ctx);   // status_footer.cpp: last turn, session totals, backend
void DrawDocumentViewer(const DrawContext& ctx);
void DrawInsightsPanel(const DrawContext& ctx);  // insights_panel.cpp: figures, charts and content gaps // document_viewer.cpp: a cited document, its section highlighted

}  // namespace oai::app::panels
