// Stateless drawing helpers shared by the panels.
#include "app/panels/widgets.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/theme.h"

namespace oai::app::widgets {

void Badge(const char* text, const ImVec4& color) {
  const ImGuiStyle& style = ImGui::GetStyle();
  // In the small style, centred on the line of body text it sits in.
  const float line = ImGui::GetTextLineHeight();
  FontScope small(Type::Small);
  const ImVec2 pad(style.FramePadding.x * 0.7f, style.FramePadding.y * 0.35f);
  const ImVec2 textSize = ImGui::CalcTextSize(text);
  const ImVec2 size(textSize.x + pad.x * 2, textSize.y + pad.y * 2);
  const ImVec2 item = ImGui::GetCursorScreenPos();
  const ImVec2 pos(item.x, item.y + std::max(0.0f, (line - size.y) * 0.5f));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y),
                    ImGui::GetColorU32(ImVec4(color.x, color.y, color.z, 0.18f)), size.y * 0.5f);
  dl->AddRect(pos, ImVec2(pos.x + size.x, pos.y + size.y), ImGui::GetColorU32(ImVec4(color.x, color.y, color.z, 0.6f)),
              size.y * 0.5f);
  ImGui::SetCursorScreenPos(ImVec2(pos.x + pad.x, pos.y + pad.y));
  // The label in the badge's hue, light enough to read on its tint over a card (WCAG AA).
  ImGui::PushStyleColor(ImGuiCol_Text, BadgeTextColor(color));
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
  ImGui::SetCursorScreenPos(item);
  ImGui::Dummy(ImVec2(size.x, std::max(size.y, line)));
}

void MeterBar(float fraction, float width, const ImVec4& color) {
  const float line = ImGui::GetTextLineHeight();
  const float h = std::max(4.0f, std::round(line * 0.4f));
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 top(pos.x, pos.y + (line - h) * 0.5f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(top, ImVec2(top.x + width, top.y + h), ImGui::GetColorU32(colors::kDeep), h * 0.5f);
  const float f = std::clamp(fraction, 0.0f, 1.0f);
  if (f > 0.0f) dl->AddRectFilled(top, ImVec2(top.x + std::max(h, width * f), top.y + h), ImGui::GetColorU32(color), h * 0.5f);
  ImGui::Dummy(ImVec2(width, line));
}

void BeginCard(const char* id, float width) {
  ImGui::PushID(id);
  const float pad = ImGui::GetStyle().FramePadding.x;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->ChannelsSplit(2);
  dl->ChannelsSetCurrent(1);
  ImGui::BeginGroup();
  ImGui::Dummy(ImVec2(width, pad * 0.25f));  // top padding; also fixes the card's width
  ImGui::Indent(pad * 1.5f);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width - pad * 3.0f);
}

void EndCard(const ImVec4& background, const ImVec4& border, const ImVec4* accent) {
  const float pad = ImGui::GetStyle().FramePadding.x;
  ImGui::PopTextWrapPos();
  ImGui::Unindent(pad * 1.5f);
  ImGui::Dummy(ImVec2(0, pad * 0.25f));
  ImGui::EndGroup();
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->ChannelsSetCurrent(0);
  const float rounding = ImGui::GetStyle().ChildRounding;
  dl->AddRectFilled(min, max, ImGui::GetColorU32(background), rounding);
  dl->AddRect(min, max, ImGui::GetColorU32(border), rounding);
  if (accent)
    dl->AddRectFilled(min, ImVec2(min.x + pad * 0.4f, max.y), ImGui::GetColorU32(*accent), rounding,
                      ImDrawFlags_RoundCornersLeft);
  dl->ChannelsMerge();
  ImGui::PopID();
}

VirtualList::VirtualList(ListMemory& memory, std::size_t count, ImGuiID key, bool walk)
    : m_memory(memory), m_count(count) {
  const float width = ImGui::GetContentRegionAvail().x;
  if (std::fabs(width - m_memory.width) >= 0.5f) {  // wrapped text changes height with the width: measure again
    m_memory = ListMemory{};
    m_memory.width = width;
  }
  // One view height of margin above and below: wheel scrolling and keyboard navigation land on drawn items.
  const float view = ImGui::GetWindowHeight();
  m_top = ImGui::GetScrollY() - view;
  m_bottom = ImGui::GetScrollY() + 2.0f * view;
  m_start = ImGui::GetCursorPosY();
  m_y = m_start;
  m_last = count;
  m_jump = !walk && key == m_memory.key && m_memory.ids.size() == count && count > 0;
  m_memory.key = key;
  if (!m_jump) return;
  std::vector<float>& tops = m_memory.tops;
  if (!m_memory.topsValid || tops.size() != count + 1) {
    tops.resize(count + 1);
    float sum = 0.0f;
    for (std::size_t i = 0; i < count; ++i) {
      tops[i] = sum;
      sum += m_memory.heights[i];
    }
    tops[count] = sum;
    m_memory.topsValid = true;
  }
  // The first item that ends below the margin's top, the first that starts below its bottom.
  const auto firstEnd = std::upper_bound(tops.begin() + 1, tops.end(), m_top - m_start);
  m_first = static_cast<std::size_t>(firstEnd - tops.begin()) - 1;
  const auto pastBottom = std::upper_bound(tops.begin(), tops.begin() + static_cast<std::ptrdiff_t>(count), m_bottom - m_start);
  m_last = std::max(m_first, static_cast<std::size_t>(pastBottom - tops.begin()));
  m_y = m_start + tops[m_first];
}

void VirtualList::Remember(std::size_t index, ImGuiID id, float height) {
  if (index >= m_memory.ids.size()) {
    m_memory.ids.resize(index + 1, 0);
    m_memory.heights.resize(index + 1, 0.0f);
  }
  if (m_memory.ids[index] != id || m_memory.heights[index] != height) m_memory.topsValid = false;
  m_memory.ids[index] = id;
  m_memory.heights[index] = height;
  m_memory.byId[id] = height;
}

bool VirtualList::Place(std::size_t index, float height) {
  if (m_y + height < m_top || m_y > m_bottom) {
    m_y += height;
    return false;
  }
  ImGui::SetCursorPosY(m_y);
  m_item = index;
  m_itemStart = m_y;
  return true;
}

void VirtualList::End() {
  m_y = ImGui::GetCursorPosY();
  Remember(m_item, m_memory.ids[m_item], m_y - m_itemStart);
}

void VirtualList::Finish() {
  if (m_jump) {
    // The items after the last one visited keep their heights: the list ends their sum further down.
    m_y += m_memory.tops[m_count] - m_memory.tops[m_last];
    if (!m_memory.topsValid) {  // a drawn item changed height: next frame sums again
      m_memory.tops.clear();
    }
  } else {
    // Items gone since the last frame (a new chat, a filter) are forgotten by position; the skipped tail still
    // counts toward the scrollable extent.
    m_memory.ids.resize(m_count);
    m_memory.heights.resize(m_count);
    m_memory.topsValid = false;
    if (m_memory.byId.size() > 4 * m_count + 1024) {  // ids of old filter variants pile up: keep the current ones
      m_memory.byId.clear();
      for (std::size_t i = 0; i < m_count; ++i) m_memory.byId[m_memory.ids[i]] = m_memory.heights[i];
    }
  }
  ImGui::SetCursorPosY(m_y);
  ImGui::Dummy(ImVec2(1.0f, 0.0f));
}

std::string FormatCostOf(double dollars, const std::string& model) {
  if (dollars > 0.0) return FormatCost(dollars);
  if (model.rfind("extractive", 0) == 0) return "free (extractive)";
  if (model.rfind("router", 0) == 0) return "free (local router)";
  return model.empty() || model == "cache" ? "free" : FormatCost(dollars);
}

std::string FormatCost(double dollars) {
  char buf[32];
  std::snprintf(buf, sizeof buf, dollars != 0.0 && std::fabs(dollars) < 0.01 ? "$%.5f" : "$%.4f", dollars);
  return buf;
}

std::string FormatTokens(long long tokens) {
  std::string digits = std::to_string(tokens < 0 ? -tokens : tokens);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return tokens < 0 ? "-" + out : out;
}

std::string FormatLatency(double ms) {
  char buf[32];
  if (ms >= 1000.0) std::snprintf(buf, sizeof buf, "%.2f s", ms / 1000.0);
  else if (ms >= 10.0) std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  else std::snprintf(buf, sizeof buf, "%.1f ms", ms);
  return buf;
}

std::string Truncate(const std::string& text, std::size_t maxBytes) {
  if (text.size() <= maxBytes) return text;
  std::size_t cut = maxBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  // At the end of a word when one ends in the second half: "Refunds and..." rather than "Refunds and canc...".
  const std::size_t space = text.rfind(' ', cut);
  if (space != std::string::npos && space >= maxBytes / 2) cut = space;
  while (cut > 0 && (text[cut - 1] == ' ' || text[cut - 1] == ',' || text[cut - 1] == ';')) --cut;
  return text.substr(0, cut) + "...";
}

std::vector<TextLine> WrapText(const ImFont* font, float size, const std::string& text, float width) {
  std::vector<TextLine> lines;
  const char* const base = text.c_str();
  const char* const stop = base + text.size();
  const char* p = base;
  while (true) {
    const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(stop - p)));
    if (!eol) eol = stop;
    const char* s = p;
    do {
      const char* wrap = width > 0.0f ? font->CalcWordWrapPositionA(size / font->FontSize, s, eol, width) : eol;
      if (wrap <= s) wrap = s + 1 < eol ? s + 1 : eol;  // always advance
      while (wrap < eol && (*wrap & 0xC0) == 0x80) ++wrap;  // never split a character
      lines.push_back({static_cast<int>(s - base), static_cast<int>(wrap - base)});
      s = wrap;
      while (s < eol && *s == ' ') ++s;  // the spaces a line wraps at stay on the line before
      if (s > wrap) lines.back().end = static_cast<int>(s - base);
    } while (s < eol);
    if (eol == stop) break;
    p = eol + 1;
  }
  return lines;
}

std::string TimeOfDay(const std::string& iso) {
  // ISO 8601 "YYYY-MM-DDTHH:MM..." in UTC; the UI shows HH:MM.
  if (iso.size() >= 16 && iso[10] == 'T') return iso.substr(11, 5);
  return "";
}

ImVec4 ScoreColor(double score) {
  if (score >= 0.8) return colors::kSuccess;
  if (score >= 0.6) return colors::kWarning;
  return colors::kError;
}

}  // namespace oai::app::widgets
