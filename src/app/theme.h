// The dark theme and the product's colours (PRODUCT.md §5): backgrounds, agent colours, status colours.
#pragma once

#include <string>

#include "imgui.h"
#include "model/model.h"

namespace oai::app {

// Colours and style sizes for one display scale. The host renders in device pixels and passes devicePixelRatio; fonts
// are loaded by the host at kBodySize*scale px (see AddTypeScale).
void ApplyTheme(float scale);

// [SECTION] Type scale
// Four styles of text, each a font of the atlas in this order (Dear ImGui has one size per font): body text (the
// host adds it first, with any glyphs it merges into it), its semibold cut (names, headings, bold), small print
// (times, labels, hints) and titles. A host without the UI fonts (tests, the built-in font) has only the first: every
// style then draws with it.
enum class Type { Body = 0, Strong = 1, Small = 2, Title = 3 };
inline constexpr float kBodySize = 15.0f;   // CSS pixels
inline constexpr float kSmallSize = 13.0f;
inline constexpr float kTitleSize = 19.0f;
// Latin-1, general punctuation, currency and the arrows the UI draws: what the smaller styles need.
extern const ImWchar kLatinRanges[];
// Adds Strong, Small and Title after the body font: the semibold cut (or, without it, the regular one) at the body
// and title sizes, the regular one at the small size. The bytes stay the caller's and must outlive the atlas.
void AddTypeScale(ImFontAtlas* atlas, const unsigned char* regular, int regularSize, const unsigned char* semibold,
                  int semiboldSize, float scale);
ImFont* FontOf(Type type);  // in the current ImGui context; the body font when the host did not add that style

ImVec4 HexColor(const std::string& hex, float alpha = 1.0f);  // "#06B6D4"; unparseable → gray
ImVec4 AgentColor(AgentId id);
ImVec4 StatusColor(AgentStatus status);
const char* StatusLabel(AgentStatus status);  // "IDLE", "ROUTING", ...
ImVec4 StrategyColor(Strategy strategy);       // the strategy badge

// [SECTION] Contrast (WCAG 2.x)

// `top` drawn over an opaque `bottom` (top's alpha blends them); the result is opaque.
ImVec4 Over(const ImVec4& top, const ImVec4& bottom);
double RelativeLuminance(const ImVec4& color);  // of an opaque sRGB colour, 0 (black) .. 1 (white)
double ContrastRatio(const ImVec4& a, const ImVec4& b);  // 1 .. 21, order does not matter
inline constexpr double kMinTextContrast = 4.5;  // WCAG AA for normal text
// `color` lightened towards white just enough to read at kMinTextContrast on `background` (unchanged when it already
// does): agent and status colours as text keep their hue.
ImVec4 ReadableOn(const ImVec4& color, const ImVec4& background);
// What the panels draw coloured text with: a badge's label (on its tint over a card) and a hue as plain text on a
// card (agent names, log statuses).
ImVec4 BadgeTextColor(const ImVec4& hue);
ImVec4 CardTextColor(const ImVec4& hue);
// A user message's bubble: the user colour over the chat's background (lighter while it is still being sent).
ImVec4 UserBubbleBackground(bool pending);
// A badge's background: its colour at 18% over the card it sits on.
ImVec4 BadgeBackground(const ImVec4& color, const ImVec4& card);

namespace colors {
inline const ImVec4 kBackground = ImVec4(0x0F / 255.f, 0x17 / 255.f, 0x2A / 255.f, 1.f);  // #0F172A
inline const ImVec4 kPanel = ImVec4(0x1E / 255.f, 0x29 / 255.f, 0x3B / 255.f, 1.f);       // #1E293B
inline const ImVec4 kDeep = ImVec4(0x0A / 255.f, 0x0F / 255.f, 0x1E / 255.f, 1.f);        // #0A0F1E
inline const ImVec4 kText = ImVec4(0.89f, 0.91f, 0.94f, 1.f);
inline const ImVec4 kTextMuted = ImVec4(0.58f, 0.64f, 0.72f, 1.f);
inline const ImVec4 kBorder = ImVec4(0.20f, 0.25f, 0.33f, 1.f);
inline const ImVec4 kUserBubble = ImVec4(0x1D / 255.f, 0x4E / 255.f, 0xD8 / 255.f, 1.f);  // #1D4ED8
inline const ImVec4 kError = ImVec4(0xEF / 255.f, 0x44 / 255.f, 0x44 / 255.f, 1.f);       // #EF4444
inline const ImVec4 kWarning = ImVec4(0xF5 / 255.f, 0x9E / 255.f, 0x0B / 255.f, 1.f);     // #F59E0B
inline const ImVec4 kSuccess = ImVec4(0x10 / 255.f, 0xB9 / 255.f, 0x81 / 255.f, 1.f);     // #10B981
inline const ImVec4 kIdle = ImVec4(0x6B / 255.f, 0x72 / 255.f, 0x80 / 255.f, 1.f);        // #6B7280
inline const ImVec4 kCyan = ImVec4(0x06 / 255.f, 0xB6 / 255.f, 0xD4 / 255.f, 1.f);        // #06B6D4
inline const ImVec4 kBlue = ImVec4(0x3B / 255.f, 0x82 / 255.f, 0xF6 / 255.f, 1.f);        // #3B82F6
inline const ImVec4 kPurple = ImVec4(0xA8 / 255.f, 0x55 / 255.f, 0xF7 / 255.f, 1.f);      // #A855F7
inline const ImVec4 kCode = ImVec4(0xFC / 255.f, 0xD4 / 255.f, 0x8C / 255.f, 1.f);        // #FCD48C, `code` in answers
}  // namespace colors

}  // namespace oai::app
