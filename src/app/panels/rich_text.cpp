// Light markdown for answers: parsed into pieces of source bytes, laid out with word wrap (hanging indents for list
// items, aligned columns for tables that fit, "·"-separated cells for those that do not) and drawn selectable.
#include "app/panels/rich_text.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <functional>

#include "app/theme.h"
#include "imgui_internal.h"  // LogRenderedText

namespace oai::app::widgets {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void Push(std::vector<Piece>& out, int begin, int end, PieceStyle style) {
  if (begin < end) out.push_back({begin, end, style});
}

// "**strong**", "__strong__", "*em*", "`code`", "[3]" (a citation, brackets kept), "[text](url)" (the text only).
void Inline(const std::string& s, int from, int to, std::vector<Piece>& out) {
  int plain = from;
  int i = from;
  const auto find = [&](const char* what, int at) {
    const std::size_t n = std::strlen(what);
    for (int j = at; j + static_cast<int>(n) <= to; ++j)
      if (s.compare(static_cast<std::size_t>(j), n, what) == 0) return j;
    return -1;
  };
  while (i < to) {
    const char c = s[static_cast<std::size_t>(i)];
    if ((c == '*' || c == '_') && i + 1 < to && s[static_cast<std::size_t>(i) + 1] == c) {
      const char close[3] = {c, c, 0};
      const int j = find(close, i + 2);
      if (j > i + 2) {
        Push(out, plain, i, PieceStyle::Plain);
        Push(out, i + 2, j, PieceStyle::Strong);
        i = plain = j + 2;
        continue;
      }
    } else if (c == '*' && i + 1 < to && !IsSpace(s[static_cast<std::size_t>(i) + 1])) {
      const int j = find("*", i + 1);
      if (j > i + 1 && !IsSpace(s[static_cast<std::size_t>(j) - 1])) {
        Push(out, plain, i, PieceStyle::Plain);
        Push(out, i + 1, j, PieceStyle::Plain);
        i = plain = j + 1;
        continue;
      }
    } else if (c == '`') {
      const int j = find("`", i + 1);
      if (j > i + 1) {
        Push(out, plain, i, PieceStyle::Plain);
        Push(out, i + 1, j, PieceStyle::Code);
        i = plain = j + 1;
        continue;
      }
    } else if (c == '[') {
      int j = i + 1;
      while (j < to && s[static_cast<std::size_t>(j)] >= '0' && s[static_cast<std::size_t>(j)] <= '9') ++j;
      if (j > i + 1 && j < to && s[static_cast<std::size_t>(j)] == ']') {
        Push(out, plain, i, PieceStyle::Plain);
        Push(out, i, j + 1, PieceStyle::Cite);
        i = plain = j + 1;
        continue;
      }
      const int close = find("](", i + 1);
      const int paren = close < 0 ? -1 : find(")", close + 2);
      if (close > i + 1 && paren > 0) {
        Push(out, plain, i, PieceStyle::Plain);
        Push(out, i + 1, close, PieceStyle::Link);
        i = plain = paren + 1;
        continue;
      }
    }
    ++i;
  }
  Push(out, plain, to, PieceStyle::Plain);
}

int SkipSpaces(const std::string& s, int i, int end) {
  while (i < end && (s[static_cast<std::size_t>(i)] == ' ' || s[static_cast<std::size_t>(i)] == '\t')) ++i;
  return i;
}

int TrimEnd(const std::string& s, int begin, int end) {
  while (end > begin && IsSpace(s[static_cast<std::size_t>(end) - 1])) --end;
  return end;
}

}  // namespace

std::vector<RichBlock> ParseRichText(const std::string& md) {
  std::vector<RichBlock> blocks;
  int open = -1;  // the paragraph or list item a plain line continues
  int tables = 0;
  bool code = false;  // inside a ``` fence: lines as they are
  const int size = static_cast<int>(md.size());
  for (int pos = 0; pos <= size;) {
    int nl = static_cast<int>(md.find('\n', static_cast<std::size_t>(pos)));
    if (nl < 0) nl = size;
    const int begin = SkipSpaces(md, pos, nl);
    const int end = TrimEnd(md, begin, nl);
    const int lineStart = pos;
    pos = nl + 1;
    if (end - begin >= 3 && md.compare(static_cast<std::size_t>(begin), 3, "```") == 0) {
      code = !code;  // the fence itself is not shown
      open = -1;
      if (nl >= size) break;
      continue;
    }
    if (code) {
      RichBlock line;
      line.kind = RichBlock::Kind::Code;
      line.level = begin - lineStart;
      Push(line.pieces, begin, end, PieceStyle::CodeBlock);
      blocks.push_back(std::move(line));
      if (nl >= size) break;
      continue;
    }
    if (begin >= end) {
      open = -1;
      if (nl >= size) break;
      continue;
    }
    const char first = md[static_cast<std::size_t>(begin)];
    if (first == '|') {
      RichBlock row;
      row.kind = RichBlock::Kind::TableRow;
      bool separator = true;
      for (int c = begin + 1; c < end;) {
        int bar = c;
        while (bar < end && md[static_cast<std::size_t>(bar)] != '|') ++bar;
        const int cb = SkipSpaces(md, c, bar);
        const int ce = TrimEnd(md, cb, bar);
        for (int k = cb; k < ce; ++k)
          if (std::strchr("-: ", md[static_cast<std::size_t>(k)]) == nullptr) separator = false;
        std::vector<Piece> cell;
        Inline(md, cb, ce, cell);
        row.cells.push_back(std::move(cell));
        c = bar + 1;
      }
      const bool continues = !blocks.empty() && blocks.back().kind == RichBlock::Kind::TableRow && open == -2;
      if (separator) {
        // The rule under a table's first row: that row is the header.
        if (continues) blocks.back().header = true;
        continue;
      }
      row.table = continues ? blocks.back().table : tables++;
      blocks.push_back(std::move(row));
      open = -2;  // a table continues with the next '|' line
      if (nl >= size) break;
      continue;
    }
    RichBlock b;
    int text = begin;
    if (first == '#') {
      while (text < end && md[static_cast<std::size_t>(text)] == '#') ++text;
      b.kind = RichBlock::Kind::Heading;
      b.level = text - begin;
      text = SkipSpaces(md, text, end);
    } else if (first == '>') {  // a quotation: its text, as a paragraph
      text = SkipSpaces(md, begin + 1, end);
    } else if ((first == '-' || first == '*' || first == '+') && begin + 1 < end &&
               md[static_cast<std::size_t>(begin) + 1] == ' ') {
      b.kind = RichBlock::Kind::Bullet;
      text = SkipSpaces(md, begin + 1, end);
    } else {
      int digits = begin;
      while (digits < end && md[static_cast<std::size_t>(digits)] >= '0' && md[static_cast<std::size_t>(digits)] <= '9')
        ++digits;
      if (digits > begin && digits - begin <= 3 && digits + 1 < end &&
          (md[static_cast<std::size_t>(digits)] == '.' || md[static_cast<std::size_t>(digits)] == ')') &&
          md[static_cast<std::size_t>(digits) + 1] == ' ') {
        b.kind = RichBlock::Kind::Numbered;
        b.pieces.push_back({begin, digits + 1, PieceStyle::Marker});
        text = SkipSpaces(md, digits + 1, end);
      } else if (open >= 0) {
        Inline(md, begin, end, blocks[static_cast<std::size_t>(open)].pieces);  // a wrapped line of the same block
        if (nl >= size) break;
        continue;
      }
    }
    Inline(md, text, end, b.pieces);
    blocks.push_back(std::move(b));
    open = blocks.back().kind == RichBlock::Kind::Heading ? -1 : static_cast<int>(blocks.size()) - 1;
    if (nl >= size) break;
  }
  return blocks;
}

namespace {

struct Flow {
  const std::string& text;
  ImFont* body;
  ImFont* strong;
  float size;
  float width;
  RichLayout& out;
  float x = 0.0f;
  float y = 0.0f;
  float indent = 0.0f;
  bool lineEmpty = true;
  bool title = false;  // placing a top-level heading
  ImFont* FontFor(PieceStyle style, bool strongText) const {
    return strongText || style == PieceStyle::Strong ? strong : body;
  }
  float Measure(ImFont* font, int b, int e) const {
    return font->CalcTextSizeA(size, FLT_MAX, 0.0f, text.c_str() + b, text.c_str() + e).x;
  }
  void NewLine() {
    y += size;
    x = indent;
    lineEmpty = true;
  }
  float pending = 0.0f;  // the white space after the last word placed, drawn only if another word follows on its line

  void Place(int b, int e, float w, PieceStyle style, bool strongText) {
    // Words in a row of one style are one run (fewer draw calls); the spaces between them are in it.
    PlacedRun* last = out.runs.empty() ? nullptr : &out.runs.back();
    if (last && last->end == b && last->y == y && last->style == style && last->strong == strongText &&
        last->title == title)
      last->end = e;
    else
      out.runs.push_back({b, e, x, y, style, strongText, title});
    x += w;
    out.width = std::max(out.width, x);
    lineEmpty = false;
  }
  // Words of [b, e) wrapped at the width; a word longer than a line breaks where it overflows.
  // `glued`: the piece's first word continues the word before it ("[1]" then "."): no line break between them.
  // `tail`: the width of what the next piece glues onto this piece's last word, wrapped with it.
  void Words(int b, int e, PieceStyle style, bool strongText, bool glued, float tail) {
    ImFont* font = FontFor(style, strongText);
    int i = b;
    while (i < e) {
      int we = i;
      while (we < e && !IsSpace(text[static_cast<std::size_t>(we)])) ++we;
      int se = we;
      while (se < e && IsSpace(text[static_cast<std::size_t>(se)])) ++se;
      if (we == i) {  // spaces that open a piece: a gap before its first word
        pending = std::max(pending, Measure(font, i, se));
        i = se;
        continue;
      }
      const float w = Measure(font, i, we);
      const float after = we == e ? tail : 0.0f;
      if (!lineEmpty && !(glued && i == b) && x + pending + w + after > width) NewLine();
      else x += lineEmpty ? 0.0f : pending;
      if (w > width - x) {
        // Too long for any line: as many characters as fit, then the rest on the next lines.
        int at = i;
        while (at < we) {
          int fit = at;
          float used = 0.0f;
          while (fit < we) {
            int next = fit + 1;
            while (next < we && (static_cast<unsigned char>(text[static_cast<std::size_t>(next)]) & 0xC0) == 0x80) ++next;
            const float cw = Measure(font, fit, next);
            if (x + used + cw > width && fit > at) break;
            used += cw;
            fit = next;
          }
          Place(at, fit, used, style, strongText);
          at = fit;
          if (at < we) NewLine();
        }
      } else {
        Place(i, we, w, style, strongText);
      }
      pending = Measure(font, we, se);
      if (se > we) out.runs.back().end = se;  // the spaces belong to the word before them (selection, copy)
      i = se;
    }
  }
  // Pieces as one flow; a gap where the source has white space between two pieces.
  // Whether piece k's first word continues piece k-1's last one (no white space at their seam).
  bool Glued(const std::vector<Piece>& pieces, std::size_t k) const {
    if (k == 0 || k >= pieces.size()) return false;
    const Piece& a = pieces[k - 1];
    const Piece& b = pieces[k];
    if (a.end <= a.begin || b.end <= b.begin || IsSpace(text[static_cast<std::size_t>(a.end) - 1]) ||
        IsSpace(text[static_cast<std::size_t>(b.begin)]))
      return false;
    for (int j = a.end; j < b.begin; ++j)
      if (IsSpace(text[static_cast<std::size_t>(j)])) return false;
    return true;
  }
  void Pieces(const std::vector<Piece>& pieces, bool strongText) {
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      const Piece& p = pieces[k];
      if (k > 0)
        for (int j = pieces[k - 1].end; j < p.begin; ++j)
          if (IsSpace(text[static_cast<std::size_t>(j)]))
            pending = std::max(pending, body->CalcTextSizeA(size, FLT_MAX, 0.0f, " ").x);
      // What the following pieces glue onto this one's last word ("[1]" + "." + ...).
      float tail = 0.0f;
      for (std::size_t n = k + 1; Glued(pieces, n); ++n) {
        const Piece& q = pieces[n];
        int we = q.begin;
        while (we < q.end && !IsSpace(text[static_cast<std::size_t>(we)])) ++we;
        tail += Measure(FontFor(q.style, strongText), q.begin, we);
        if (we < q.end) break;
      }
      Words(p.begin, p.end, p.style, strongText, Glued(pieces, k), tail);
    }
  }
};

float PiecesWidth(const Flow& f, const std::vector<Piece>& pieces, bool strongText) {
  float w = 0.0f;
  for (const Piece& p : pieces) w += f.Measure(f.FontFor(p.style, strongText), p.begin, p.end);
  return w;
}

}  // namespace

RichLayout LayoutRichText(const std::string& text, const std::vector<RichBlock>& blocks, float width, ImFont* body,
                          ImFont* strong, float size) {
  RichLayout out;
  Flow f{text, body, strong ? strong : body, size, std::max(width, size * 4.0f), out};
  const float gap = std::round(size * 0.45f);
  const float cellGap = size * 1.2f;
  for (std::size_t bi = 0; bi < blocks.size(); ++bi) {
    const RichBlock& b = blocks[bi];
    if (bi > 0) {
      const RichBlock& prev = blocks[bi - 1];
      const bool sameList = (b.kind == RichBlock::Kind::Bullet || b.kind == RichBlock::Kind::Numbered) &&
                            prev.kind == b.kind;
      const bool sameTable = b.kind == RichBlock::Kind::TableRow && prev.kind == b.kind && prev.table == b.table;
      const bool sameCode = b.kind == RichBlock::Kind::Code && prev.kind == b.kind;
      f.y += size + (sameCode    ? std::round(size * 0.1f)
                     : sameTable ? std::round(size * 0.2f)
                     : sameList  ? std::round(size * 0.25f)
                     : b.kind == RichBlock::Kind::Heading ? gap * 2.0f
                                                          : gap);
    }
    f.indent = 0.0f;
    f.x = 0.0f;
    f.pending = 0.0f;
    f.lineEmpty = true;
    switch (b.kind) {
      case RichBlock::Kind::Paragraph: f.Pieces(b.pieces, false); break;
      case RichBlock::Kind::Heading:
        f.title = b.level <= 2;
        f.Pieces(b.pieces, true);
        f.title = false;
        break;
      case RichBlock::Kind::Code:
        // Indented as written; a line too long for the width wraps under its own indent.
        f.indent = f.x = std::min(f.width * 0.5f, static_cast<float>(b.level) * body->CalcTextSizeA(size, FLT_MAX, 0.0f, " ").x);
        f.Pieces(b.pieces, false);
        break;
      case RichBlock::Kind::Bullet:
        out.bullets.push_back(ImVec2(size * 0.45f, f.y + size * 0.5f));
        f.indent = f.x = size * 1.1f;
        f.Pieces(b.pieces, false);
        break;
      case RichBlock::Kind::Numbered: {
        // The number right-aligned before a hanging indent wide enough for "10.".
        const float column = std::max(body->CalcTextSizeA(size, FLT_MAX, 0.0f, "00. ").x, size);
        const Piece& marker = b.pieces.front();
        const float mw = f.Measure(body, marker.begin, marker.end);
        f.x = column - mw - body->CalcTextSizeA(size, FLT_MAX, 0.0f, " ").x;
        f.lineEmpty = true;
        f.Place(marker.begin, marker.end, mw, PieceStyle::Marker, false);
        f.indent = f.x = column;
        f.lineEmpty = true;
        f.Pieces(std::vector<Piece>(b.pieces.begin() + 1, b.pieces.end()), false);
        break;
      }
      case RichBlock::Kind::TableRow: {
        // Column widths over the whole table; aligned when they fit, else the cells flow with "·" between them.
        std::vector<float> columns;
        for (const RichBlock& r : blocks) {
          if (r.kind != RichBlock::Kind::TableRow || r.table != b.table) continue;
          if (columns.size() < r.cells.size()) columns.resize(r.cells.size(), 0.0f);
          for (std::size_t c = 0; c < r.cells.size(); ++c)
            columns[c] = std::max(columns[c], PiecesWidth(f, r.cells[c], r.header));
        }
        float total = 0.0f;
        for (float c : columns) total += c;
        total += cellGap * static_cast<float>(columns.empty() ? 0 : columns.size() - 1);
        if (total <= f.width) {
          float cx = 0.0f;
          for (std::size_t c = 0; c < b.cells.size(); ++c) {
            f.x = f.indent = cx;
            f.pending = 0.0f;
            f.lineEmpty = true;
            f.Pieces(b.cells[c], b.header);
            cx += columns[c] + cellGap;
          }
          f.indent = 0.0f;
        } else {
          const float dot = body->CalcTextSizeA(size, FLT_MAX, 0.0f, " \xC2\xB7 ").x;
          for (std::size_t c = 0; c < b.cells.size(); ++c) {
            if (c > 0 && !f.lineEmpty) {
              if (f.x + dot > f.width) f.NewLine();
              else {
                out.bullets.push_back(ImVec2(f.x + dot * 0.5f, f.y + size * 0.55f));
                f.x += dot;
              }
              f.pending = 0.0f;
            }
            f.Pieces(b.cells[c], b.header);
          }
        }
        if (b.header) out.rowLines.push_back(f.y + size + std::round(size * 0.1f));
        break;
      }
    }
  }
  out.height = blocks.empty() ? 0.0f : f.y + size;
  return out;
}

namespace {

// The runs (the first `count`) at `origin`, the bytes [from, to) highlighted as selected.
void DrawRuns(const std::string& text, const RichLayout& layout, ImVec2 origin, int from, int to, ImFont* body,
              ImFont* strong, float size, std::size_t count) {
  const auto fontOf = [&](const PlacedRun& r) { return r.strong || r.style == PieceStyle::Strong ? strong : body; };
  const auto measure = [&](const PlacedRun& r, int e) {
    return fontOf(r)->CalcTextSizeA(size, FLT_MAX, 0.0f, text.c_str() + r.begin, text.c_str() + e).x;
  };
  const float bottom = count == 0 ? 0.0f : layout.runs[count - 1].y + size;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 plain = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 muted = ImGui::GetColorU32(colors::kTextMuted);
  const ImU32 link = ImGui::GetColorU32(CardTextColor(colors::kCyan));
  const ImU32 code = ImGui::GetColorU32(colors::kCode);
  const ImU32 codeBg = ImGui::GetColorU32(colors::kDeep);
  const ImU32 selection = ImGui::GetColorU32(ImGuiCol_TextSelectedBg);
  for (const ImVec2& b : layout.bullets)
    if (b.y < bottom) draw->AddCircleFilled(ImVec2(origin.x + b.x, origin.y + b.y), std::max(1.5f, size * 0.14f), muted);
  for (float y : layout.rowLines)
    if (y < bottom) draw->AddLine(ImVec2(origin.x, origin.y + y), ImVec2(origin.x + layout.width, origin.y + y),
                  ImGui::GetColorU32(colors::kBorder), std::max(1.0f, size / 15.0f));
  for (std::size_t i = 0; i < count; ++i) {
    const PlacedRun& r = layout.runs[i];
    const ImVec2 at(origin.x + r.x, origin.y + r.y);
    const int a = std::max(from, r.begin);
    const int b = std::min(to, r.end);
    if (from >= 0 && a < b)
      draw->AddRectFilled(ImVec2(at.x + measure(r, a), at.y), ImVec2(at.x + measure(r, b), at.y + size), selection);
    if (r.style == PieceStyle::Code) {
      int e = r.end;
      while (e > r.begin && IsSpace(text[static_cast<std::size_t>(e) - 1])) --e;
      draw->AddRectFilled(ImVec2(at.x - 2.0f, at.y), ImVec2(at.x + measure(r, e) + 2.0f, at.y + size), codeBg,
                          size * 0.2f);
    }
    const ImU32 color = r.style == PieceStyle::Cite || r.style == PieceStyle::Link || r.title ? link
                        : r.style == PieceStyle::Code || r.style == PieceStyle::CodeBlock ? code
                        : r.style == PieceStyle::Marker                            ? muted
                                                                                   : plain;
    draw->AddText(fontOf(r), size, at, color, text.c_str() + r.begin, text.c_str() + r.end);
  }
}

}  // namespace

bool SelectableRichText(const char* id, const std::string& text, const RichLayout& layout, int anchor, int focus,
                        int* anchorOut, int* focusOut, bool* clicked) {
  ImFont* body = FontOf(Type::Body);
  ImFont* strong = FontOf(Type::Strong);
  const float size = ImGui::GetFontSize();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, ImVec2(std::max(1.0f, layout.width), std::max(1.0f, layout.height)));
  const auto fontOf = [&](const PlacedRun& r) { return r.strong || r.style == PieceStyle::Strong ? strong : body; };
  const auto measure = [&](const PlacedRun& r, int e) {
    return fontOf(r)->CalcTextSizeA(size, FLT_MAX, 0.0f, text.c_str() + r.begin, text.c_str() + e).x;
  };
  // The byte offset under a point: the nearest line, then the run and the character under x on it.
  const auto offsetAt = [&](ImVec2 mouse) {
    if (layout.runs.empty()) return 0;
    const float my = mouse.y - origin.y;
    const float mx = mouse.x - origin.x;
    float rowY = layout.runs.front().y;
    float best = FLT_MAX;
    for (const PlacedRun& r : layout.runs) {
      const float d = my < r.y ? r.y - my : (my > r.y + size ? my - r.y - size : 0.0f);
      if (d < best) best = d, rowY = r.y;
    }
    const PlacedRun* pick = nullptr;
    for (const PlacedRun& r : layout.runs) {
      if (r.y != rowY) continue;
      if (!pick || r.x <= mx) pick = &r;
    }
    if (mx <= pick->x) return pick->begin;
    int at = pick->begin;
    float x = pick->x;
    while (at < pick->end) {
      int next = at + 1;
      while (next < pick->end && (static_cast<unsigned char>(text[static_cast<std::size_t>(next)]) & 0xC0) == 0x80) ++next;
      const float w = measure(*pick, next) - (x - pick->x);
      if (mx < x + w * 0.5f) return at;
      x += w;
      at = next;
    }
    return pick->end;
  };
  bool selecting = false;
  *clicked = false;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (ImGui::IsItemActivated()) {
    *anchorOut = *focusOut = offsetAt(mouse);
    selecting = true;
  } else if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
    *anchorOut = anchor >= 0 ? anchor : offsetAt(ImGui::GetIO().MouseClickedPos[0]);
    *focusOut = offsetAt(mouse);
    selecting = true;
  } else if (ImGui::IsItemDeactivated() && anchor == focus) {
    *clicked = true;
  }
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_TextInput);

  DrawRuns(text, layout, origin, std::min(anchor, focus), std::max(anchor, focus), body, strong, size,
           layout.runs.size());
  // The text also goes to ImGui's log (copy-to-clipboard logging and the headless tests read drawn text there).
  ImGui::LogRenderedText(nullptr, text.c_str(), text.c_str() + text.size());
  return selecting;
}

void DrawRichText(const std::string& text, const RichLayout& layout, ImFont* body, ImFont* strong, float size) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  DrawRuns(text, layout, origin, -1, -1, body, strong, size, layout.runs.size());
  ImGui::Dummy(ImVec2(std::max(1.0f, layout.width), std::max(1.0f, layout.height)));
  std::string shown;  // what a reader sees, a line break where a line ends
  for (std::size_t i = 0; i < layout.runs.size(); ++i) {
    if (i > 0 && layout.runs[i].y != layout.runs[i - 1].y) shown += '\n';
    shown.append(text, static_cast<std::size_t>(layout.runs[i].begin),
                 static_cast<std::size_t>(layout.runs[i].end - layout.runs[i].begin));
  }
  ImGui::LogRenderedText(nullptr, shown.c_str(), shown.c_str() + shown.size());
}

const RichLayout& RichLayoutCache::Get(const std::string& key, const std::string& text, float width, ImFont* body,
                                       ImFont* strong, float size) {
  const std::size_t hash = std::hash<std::string>{}(text);
  auto it = m_entries.find(key);
  if (it != m_entries.end() && it->second.hash == hash && it->second.width == width && it->second.size == size &&
      it->second.body == body && it->second.strong == strong)
    return it->second.layout;
  if (it == m_entries.end()) {
    if (m_entries.size() >= 20000) m_entries.clear();  // a bound, far above what a session shows
    it = m_entries.emplace(key, Entry{}).first;
  }
  it->second = Entry{hash, width, size, body, strong, LayoutRichText(text, ParseRichText(text), width, body, strong, size)};
  return it->second.layout;
}

void RichPreview(const std::string& markdown, float width, int maxLines, RichLayoutCache& cache, const std::string& key) {
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize();
  const RichLayout& layout = cache.Get(key, markdown, width, font, font, size);
  const float limit = size * static_cast<float>(maxLines);
  std::size_t count = 0;
  while (count < layout.runs.size() && layout.runs[count].y < limit) ++count;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float height = count == 0 ? size : layout.runs[count - 1].y + size;
  DrawRuns(markdown, layout, origin, -1, -1, font, font, size, count);
  std::string shown;
  for (std::size_t i = 0; i < count; ++i) shown.append(markdown, layout.runs[i].begin, layout.runs[i].end - layout.runs[i].begin);
  if (count < layout.runs.size() && count > 0) {
    const PlacedRun& last = layout.runs[count - 1];
    int e = last.end;
    while (e > last.begin && IsSpace(markdown[static_cast<std::size_t>(e) - 1])) --e;
    const float x = last.x + font->CalcTextSizeA(size, FLT_MAX, 0.0f, markdown.c_str() + last.begin, markdown.c_str() + e).x;
    ImGui::GetWindowDrawList()->AddText(font, size, ImVec2(origin.x + x, origin.y + last.y),
                                        ImGui::GetColorU32(ImGuiCol_Text), "...");
    shown += "...";
  }
  ImGui::Dummy(ImVec2(std::max(1.0f, std::min(width, layout.width)), height));
  ImGui::LogRenderedText(nullptr, shown.c_str(), shown.c_str() + shown.size());
}

}  // namespace oai::app::widgets
