// Light markdown for answers and whole documents: headings, paragraphs, **bold**, `code`, [n] citation markers, links,
// bullet and numbered lists, tables as aligned rows and fenced code, laid out to a width and drawn (selectable in the
// chat). The one parser of the app: the chat, the log's previews and the document viewer all read markdown through it. Every drawn piece keeps its byte range in the
// source text, so a selection, a copy and a click on "[n]" mean the same bytes as in the message itself.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "imgui.h"

namespace oai::app::widgets {

enum class PieceStyle { Plain, Strong, Code, Cite, Link, Marker, CodeBlock };

// A run of source bytes drawn in one style (markup characters are never inside one).
struct Piece {
  int begin = 0;
  int end = 0;
  PieceStyle style = PieceStyle::Plain;
};

struct RichBlock {
  enum class Kind { Paragraph, Heading, Bullet, Numbered, TableRow, Code };
  Kind kind = Kind::Paragraph;
  int level = 0;                          // a heading's level (its number of #); a code line's leading spaces
  std::vector<Piece> pieces;              // a numbered item's first piece is its "3." marker
  std::vector<std::vector<Piece>> cells;  // a table row's cells
  int table = -1;                         // rows of one table share the number; its first row is the header
  bool header = false;
};

std::vector<RichBlock> ParseRichText(const std::string& markdown);

// A piece placed on a line: source bytes [begin, end) at (x, y) from the text's top left.
struct PlacedRun {
  int begin = 0;
  int end = 0;
  float x = 0.0f;
  float y = 0.0f;
  PieceStyle style = PieceStyle::Plain;
  bool strong = false;
  bool title = false;  // part of a top-level heading (# or ##): drawn in the accent colour
};

struct RichLayout {
  std::vector<PlacedRun> runs;   // in source order
  std::vector<ImVec2> bullets;   // where list bullets are drawn (centre)
  std::vector<float> rowLines;   // y of the rule under each table header row
  float width = 0.0f;            // the widest line
  float height = 0.0f;
};

// Lays the blocks out at `width` with the body and strong fonts at `size` (the strong font may be the body one).
RichLayout LayoutRichText(const std::string& text, const std::vector<RichBlock>& blocks, float width, ImFont* body,
                          ImFont* strong, float size);

// Layouts kept between frames (in the App's PanelMemory): parsing and laying out 2,000 answers' worth of visible text
// every frame costs more than drawing it. An entry is reused while its text, width, size and fonts are the same.
class RichLayoutCache {
 public:
  const RichLayout& Get(const std::string& key, const std::string& text, float width, ImFont* body, ImFont* strong,
                        float size);

 private:
  struct Entry {
    std::size_t hash = 0;
    float width = 0.0f;
    float size = 0.0f;
    const ImFont* body = nullptr;
    const ImFont* strong = nullptr;
    RichLayout layout;
  };
  std::unordered_map<std::string, Entry> m_entries;
};

// The layout drawn at the cursor, its text selectable by dragging the mouse across it. `anchor` and `focus` are the
// selection's byte offsets into `text` when this text holds it (-1 otherwise). Returns true while a drag selects in
// it, with the new range in *anchorOut / *focusOut; *clicked is set when the text was clicked without dragging.
bool SelectableRichText(const char* id, const std::string& text, const RichLayout& layout, int anchor, int focus,
                        int* anchorOut, int* focusOut, bool* clicked);

// The layout drawn at the cursor, not selectable (the document viewer), its visible text logged for ImGui's log; the
// cursor moves below it.
void DrawRichText(const std::string& text, const RichLayout& layout, ImFont* body, ImFont* strong, float size);

// The first `maxLines` lines of `markdown` as a reader sees it, wrapped at `width` in the current font and text colour
// (not selectable), "..." after the last when something was left out. The log's passage previews.
void RichPreview(const std::string& markdown, float width, int maxLines, RichLayoutCache& cache, const std::string& key);

}  // namespace oai::app::widgets
