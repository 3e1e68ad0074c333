// Small drawing helpers shared by the panels (badges, card backgrounds, virtual lists, number formatting).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "app/theme.h"
#include "imgui.h"

namespace oai::app::widgets {

// Text drawn in one style of the type scale while the scope lives:  { FontScope s(Type::Strong); ImGui::Text(..); }
class FontScope {
 public:
  explicit FontScope(Type type) { ImGui::PushFont(FontOf(type)); }
  ~FontScope() { ImGui::PopFont(); }
  FontScope(const FontScope&) = delete;
  FontScope& operator=(const FontScope&) = delete;
};

// A rounded, tinted label ("ROUTING", "PURE CAG"). Drawn as real text so it is logged and selectable like any text.
void Badge(const char* text, const ImVec4& color);
// A thin rounded bar, `fraction` (0..1) of `width` filled with `color`, centred on the text line.
void MeterBar(float fraction, float width, const ImVec4& color);
// A match's colour, on one scale everywhere (log bars, the viewer's badge): green from 0.8, amber from 0.6, red below.
ImVec4 ScoreColor(double score);

// Draws the contents emitted between BeginCard and EndCard over a rounded panel with an optional left accent bar.
// Uses draw-list channels; cards must not be nested.
void BeginCard(const char* id, float width);
void EndCard(const ImVec4& background, const ImVec4& border, const ImVec4* accent = nullptr);

// What a virtual list keeps between frames: the height each item had when last drawn (or its estimate until then), in
// list order and by id, at one content width (another width starts over), and the running sum of those heights.
// Owned by the App and handed to the panels (DrawContext::memory): looking thousands of items up in ImGui's sorted
// state storage was half of a frame.
struct ListMemory {
  float width = -1.0f;
  std::vector<ImGuiID> ids;  // by position in the list as last drawn
  std::vector<float> heights;
  std::unordered_map<ImGuiID, float> byId;  // for items that moved (a newer turn inserted above them, a filter)
  std::vector<float> tops;  // tops[i]: the sum of heights[0..i); tops[n] the list's height (see `topsValid`)
  bool topsValid = false;
  ImGuiID key = 0;  // the caller's key for the list's items when last drawn
};

// Variable-height virtualization for long lists in the current (scrolling) child window: only items near the
// visible part are drawn; the others are skipped with the height they had when last drawn, or an estimate until
// then. The caller gives the item count and a key that changes whenever items may have changed other than by being
// drawn (added, removed, reordered, filtered). While the key, the count and the width stay the same, the list jumps
// straight to the visible items through the running sum of heights (a binary search, no walk over 2,000 items);
// otherwise it walks every item once, matching each id to its remembered height.
// Use:  VirtualList list(memory, count, key);
//       for (size_t i = list.First(); i < list.Last(); ++i) { if (list.Begin(i, id(i), estimateFn)) { draw; list.End(); } }
//       list.Finish();
class VirtualList {
 public:
  // `walk`: visit every item this frame even when a jump is possible (to learn where a given item is, NextTop()).
  VirtualList(ListMemory& memory, std::size_t count, ImGuiID key, bool walk = false);
  std::size_t First() const { return m_first; }
  std::size_t Last() const { return m_last; }  // one past the last item to visit
  // True when item `index` (visited in order, from First() to Last()) is near the view: draw it, then call End().
  // `estimate` runs only when no height is known.
  template <class Estimate>
  bool Begin(std::size_t index, ImGuiID id, Estimate&& estimate) {
    float h;
    if (index < m_memory.ids.size() && m_memory.ids[index] == id) {
      h = m_memory.heights[index];
    } else {
      const auto known = m_memory.byId.find(id);
      h = known != m_memory.byId.end() ? known->second : estimate();
      Remember(index, id, h);
    }
    return Place(index, h);
  }
  void End();
  void Finish();
  float NextTop() const { return m_y; }  // where the next item begins (its scroll position), drawn or not

 private:
  void Remember(std::size_t index, ImGuiID id, float height);
  bool Place(std::size_t index, float height);
  ListMemory& m_memory;
  std::size_t m_count;
  bool m_jump = false;
  std::size_t m_first = 0;
  std::size_t m_last = 0;
  float m_top;
  float m_bottom;
  float m_start;  // the list's top in the window
  float m_y;
  float m_itemStart = 0.0f;
  std::size_t m_item = 0;  // the item being drawn
};

// [SECTION] Wrapped text with byte offsets (the chat input's drawn text)

// One laid-out line: the bytes [begin, end) of the text.
struct TextLine {
  int begin = 0;
  int end = 0;
};

// Word-wraps `text` the way a browser's <textarea> does with the same font, size and width: at spaces (which stay at
// the end of the line they wrap), a word longer than the line broken where it overflows, and a new line at each '\n'.
std::vector<TextLine> WrapText(const ImFont* font, float size, const std::string& text, float width);

std::string FormatCost(double dollars);       // "$0.0012"
// A cost as a customer reads it: "free (extractive)" when the model that produced it has no price, else FormatCost.
std::string FormatCostOf(double dollars, const std::string& model);
std::string FormatTokens(long long tokens);   // "1,234"
std::string FormatLatency(double ms);         // "45 ms", "1.20 s"
// At most `maxBytes` bytes of UTF-8 text, cut at the end of a word (or, in a long word, on a character boundary),
// with "..." when something was cut.
std::string Truncate(const std::string& text, std::size_t maxBytes);
std::string TimeOfDay(const std::string& iso);  // "2026-11-24T10:00:00.123Z" → "10:00"

}  // namespace oai::app::widgets
