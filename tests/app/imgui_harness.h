// A headless Dear ImGui for UI tests: no window, no renderer. Frames run App::Update, NewFrame, App::Draw and Render;
// the test-engine hooks (compiled into imgui_testable) record every item's rectangle and label, and ImGui's text
// logging captures what was drawn, so tests can click by label and look for text on screen.
#pragma once

#include <string>
#include <vector>

#include "app/app.h"
#include "imgui.h"

namespace oai::app::testing {

struct RecordedItem {
  unsigned id = 0;
  std::string label;  // as submitted, e.g. "Send" or "<##hide_agents"
  ImVec2 min, max;
  bool disabled = false;
};

class HeadlessUi {
 public:
  explicit HeadlessUi(App& app, ImVec2 displaySize = ImVec2(1600, 1000));
  ~HeadlessUi();
  HeadlessUi(const HeadlessUi&) = delete;
  HeadlessUi& operator=(const HeadlessUi&) = delete;

  void Frame(int count = 1);
  void SetDisplaySize(ImVec2 size);

  // Items of the last frame whose visible label (the part before "##") or full label equals `label`.
  const RecordedItem* FindItem(const std::string& label) const;
  bool HasItem(const std::string& label) const { return FindItem(label) != nullptr; }
  std::vector<RecordedItem> FindItems(const std::string& label) const;
  // Text drawn in the last frame, as ImGui logs it: an input widget's contents appear as "{ text }".
  bool HasText(const std::string& text) const { return m_text.find(text) != std::string::npos; }
  const std::string& ScreenText() const { return m_text; }

  // Input, each over a few frames so ImGui sees press and release separately.
  void Click(const std::string& label);
  void Type(const std::string& utf8);
  void PressKey(ImGuiKey key, bool shift = false);
  // Ctrl (Cmd on macOS keyboards arrives as Super; the app accepts both) held with `key`.
  void PressCtrl(ImGuiKey key);
  void PressAlt(ImGuiKey key);
  // `mod` (ImGuiMod_*) and its key `side` held while `key` is pressed.
  void PressChord(ImGuiKey mod, ImGuiKey side, ImGuiKey key);
  // Left button down at `from`, moved to `to` in a few steps, released there.
  void Drag(ImVec2 from, ImVec2 to);
  // The mouse moved to `at` (off an item, a tooltip closes: ImGui's log stops at a tooltip's window).
  void Hover(ImVec2 at);
  // Mouse wheel over `at` (positive `notches` scroll up), one notch per frame.
  void Wheel(ImVec2 at, int notches);

 private:
  App& m_app;
  ImGuiContext* m_context = nullptr;
  std::string m_text;
};

}  // namespace oai::app::testing
