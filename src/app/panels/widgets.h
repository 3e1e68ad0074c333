// Small drawing helpers shared by the panels (badges, card backgrounds, number formatting). Stateless.
#pragma once

#include <string>

#include "imgui.h"

namespace oai::app::widgets {

// A rounded, tinted label ("ROUTING", "PURE CAG"). Drawn as real text so it is logged and selectable like any text.
void Badge(const char* text, const ImVec4& color);

// Draws the contents emitted between BeginCard and EndCard over a rounded panel with an optional left accent bar.
// Uses draw-list channels; cards must not be nested.
void BeginCard(const char* id, float width);
void EndCard(const ImVec4& background, const ImVec4& border, const ImVec4* accent = nullptr);

// Variable-height virtualization for long lists in the current (scrolling) child window: only items near the
// visible part are drawn; the others are skipped with the height they had when last drawn at this width, or an
// estimate until then. Heights live in the window's ImGui state storage, keyed by the item's id, so panels stay
// stateless. Use:  VirtualList list;  for (...) { if (list.Begin(id, estimateFn)) { draw; list.End(); } }  list.Finish();
class VirtualList {
 public:
  VirtualList();
  // True when the item is near the view: draw it, then call End(). `estimate` runs only when no height is known.
  template <class Estimate>
  bool Begin(ImGuiID id, Estimate&& estimate) {
    float h = Known(id);
    if (h < 0.0f) {
      h = estimate();
      Remember(id, h);
    }
    return Place(id, h);
  }
  void End();
  void Finish();
  int DrawnCount() const { return m_drawn; }

 private:
  float Known(ImGuiID id) const;
  void Remember(ImGuiID id, float height);
  bool Place(ImGuiID id, float height);
  ImGuiStorage* m_storage;
  float m_width;
  float m_top;
  float m_bottom;
  float m_y;
  float m_itemStart = 0.0f;
  ImGuiID m_item = 0;
  int m_drawn = 0;
};

std::string FormatCost(double dollars);       // "$0.0012"
std::string FormatTokens(long long tokens);   // "1,234"
std::string FormatLatency(double ms);         // "45 ms", "1.20 s"
// At most `maxBytes` bytes of UTF-8 text, cut on a character boundary, with "..." when something was cut.
std::string Truncate(const std::string& text, std::size_t maxBytes);
std::string TimeOfDay(const std::string& iso);  // "2026-11-24T10:00:00.123Z" → "10:00"

}  // namespace oai::app::widgets
