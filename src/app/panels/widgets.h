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

std::string FormatCost(double dollars);       // "$0.0012"
std::string FormatTokens(long long tokens);   // "1,234"
std::string FormatLatency(double ms);         // "45 ms", "1.20 s"
// At most `maxBytes` bytes of UTF-8 text, cut on a character boundary, with "..." when something was cut.
std::string Truncate(const std::string& text, std::size_t maxBytes);
std::string TimeOfDay(const std::string& iso);  // "2026-11-24T10:00:00.123Z" → "10:00"

}  // namespace oai::app::widgets
