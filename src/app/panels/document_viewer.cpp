// The document viewer: a cited (or found) document, whole, as light markdown (headings, paragraphs, lists, tables as
// aligned rows, code), the section that was cited highlighted and scrolled into view once per opening. Esc, Close or
// a click outside closes it.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "app/actions.h"
#include "app/panels/panels.h"
#include "app/panels/widgets.h"
#include "app/theme.h"

namespace oai::app::panels {

namespace {

struct Block {
  enum class Kind { Heading, Paragraph, Bullet, Numbered, Table, Code };
  Kind kind = Kind::Paragraph;
  int level = 0;                                // a heading's level; a numbered item's number
  std::string text;                             // inline markup removed
  std::vector<std::vector<std::string>> rows;   // a table's cells, the header row first
  std::size_t start = 0, end = 0;               // byte range in the document
};

// "**bold**", "`code`", "[text](url)" → "bold", "code", "text". Everything else (menu paths with ">", identifiers
// with underscores) stays as written.
std::string Inline(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '*' || s[i] == '`') || (s[i] == '_' && i + 1 < s.size() && s[i + 1] == '_')) {
      if (s[i] == '_') ++i;
      continue;
    }
    if (s[i] == '[') {
      const std::size_t close = s.find("](", i);
      const std::size_t paren = close == std::string_view::npos ? close : s.find(')', close);
      if (paren != std::string_view::npos) {
        out.append(s.substr(i + 1, close - i - 1));
        i = paren;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<Block> ParseBlocks(const std::string& md) {
  std::vector<Block> blocks;
  bool code = false;
  Block* open = nullptr;  // the paragraph or table being continued
  for (std::size_t pos = 0; pos < md.size();) {
    std::size_t nl = md.find('\n', pos);
    if (nl == std::string::npos) nl = md.size();
    const std::string_view raw(md.data() + pos, nl - pos);
    const std::string_view line = TrimView(raw);
    const std::size_t start = pos, end = nl;
    pos = nl + 1;
    if (line.rfind("```", 0) == 0) {
      code = !code;
      open = nullptr;
      continue;
    }
    if (code) {
      blocks.push_back({Block::Kind::Code, 0, std::string(raw), {}, start, end});
      continue;
    }
    if (line.empty()) {
      open = nullptr;
      continue;
    }
    if (line.front() == '#') {
      int level = 0;
      while (level < static_cast<int>(line.size()) && line[level] == '#') ++level;
      blocks.push_back({Block::Kind::Heading, level, Inline(TrimView(line.substr(level))), {}, start, end});
      open = nullptr;
      continue;
    }
    if (line.front() == '|') {
      std::vector<std::string> cells;
      std::string_view rest = line.substr(1);
      bool separator = true;
      while (!rest.empty()) {
        const std::size_t bar = rest.find('|');
        const std::string_view cell = TrimView(rest.substr(0, bar));
        if (bar == std::string_view::npos && cell.empty()) break;
        if (cell.find_first_not_of("-: ") != std::string_view::npos) separator = false;
        cells.push_back(Inline(cell));
        if (bar == std::string_view::npos) break;
        rest.remove_prefix(bar + 1);
      }
      if (!open || open->kind != Block::Kind::Table) {
        blocks.push_back({Block::Kind::Table, 0, "", {}, start, end});
        open = &blocks.back();
      }
      if (!separator) open->rows.push_back(std::move(cells));
      open->end = end;
      continue;
    }
    const bool bullet = line.size() > 1 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ';
    std::size_t digits = 0;
    while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
    const bool numbered = digits > 0 && digits + 1 < line.size() && line[digits] == '.' && line[digits + 1] == ' ';
    if (bullet || numbered) {
      Block b{bullet ? Block::Kind::Bullet : Block::Kind::Numbered, 0,
              Inline(TrimView(line.substr(bullet ? 2 : digits + 2))), {}, start, end};
      if (numbered) b.level = std::atoi(std::string(line.substr(0, digits)).c_str());
      blocks.push_back(std::move(b));
      open = &blocks.back();  // a continuation line belongs to the item
      continue;
    }
    if (line.front() == '>') {
      blocks.push_back({Block::Kind::Paragraph, 0, Inline(TrimView(line.substr(1))), {}, start, end});
      open = &blocks.back();
      continue;
    }
    if (open && open->kind != Block::Kind::Table) {
      open->text += " " + Inline(line);
      open->end = end;
      continue;
    }
    blocks.push_back({Block::Kind::Paragraph, 0, Inline(line), {}, start, end});
    open = &blocks.back();
  }
  return blocks;
}

void DrawTable(const Block& b, float scale) {
  if (b.rows.empty()) return;
  std::size_t columns = 0;
  for (const auto& r : b.rows) columns = std::max(columns, r.size());
  std::vector<float> width(columns, 0.0f);
  const float cap = 260.0f * scale;
  for (const auto& r : b.rows)
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::min(cap, std::max(width[c], ImGui::CalcTextSize(r[c].c_str()).x));
  const float gap = ImGui::GetStyle().ItemSpacing.x * 3.0f;
  const float x0 = ImGui::GetCursorPosX();
  for (std::size_t r = 0; r < b.rows.size(); ++r) {
    float x = x0;
    for (std::size_t c = 0; c < b.rows[r].size(); ++c) {
      if (c > 0) ImGui::SameLine(x);
      ImGui::PushTextWrapPos(x + width[c]);
      if (r == 0) ImGui::PushStyleColor(ImGuiCol_Text, colors::kCyan);
      ImGui::TextUnformatted(b.rows[r][c].c_str());
      if (r == 0) ImGui::PopStyleColor();
      ImGui::PopTextWrapPos();
      x += width[c] + gap;
    }
  }
}

}  // namespace

void DrawDocumentViewer(const DrawContext& ctx) {
  const DocumentView& v = ctx.state.view.documentView;
  const char* kName = "##document_viewer";
  const bool wanted = ctx.state.view.overlay == ViewState::Overlay::Document;
  if (wanted && !ImGui::IsPopupOpen(kName)) ImGui::OpenPopup(kName);
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const ImVec2 size(std::min(viewport->Size.x - 24.0f * ctx.scale, 880.0f * ctx.scale), viewport->Size.y * 0.86f);
  ImGui::SetNextWindowPos(viewport->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(size, ImGuiCond_Always);
  if (!ImGui::BeginPopupModal(kName, nullptr,
                              ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                  ImGuiWindowFlags_NoSavedSettings)) {
    return;
  }
  if (!wanted) {
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return;
  }
  // A click outside the viewer closes it, like Esc.
  const ImVec2 pos = ImGui::GetWindowPos();
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) &&
      !ImGui::IsMouseHoveringRect(pos, ImVec2(pos.x + size.x, pos.y + size.y), false)) {
    ctx.emit(CloseOverlay{});
  }
  const auto found = ctx.state.domain.documents.find(v.id);
  const DocumentDetail* doc = found == ctx.state.domain.documents.end() ? nullptr : &found->second;
  const DocumentSection* section = nullptr;
  if (doc)
    for (const auto& c : doc->chunks)
      if (c.chunk_id == v.chunkId) section = &c;

  // Header: title, Close; the file and the section with its match.
  ImGui::PushStyleColor(ImGuiCol_Text, colors::kCyan);
  ImGui::TextUnformatted(doc && !doc->title.empty() ? doc->title.c_str() : v.id.c_str());
  ImGui::PopStyleColor();
  const char* close = "Close";
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(close).x -
                  ImGui::GetStyle().FramePadding.x * 2.0f);
  if (ImGui::Button(close)) ctx.emit(CloseOverlay{});
  ImGui::TextDisabled("%s", v.id.c_str());
  if (section) {
    ImGui::TextWrapped("%s", section->heading.c_str());
    if (v.similarity) {
      char match[32];
      std::snprintf(match, sizeof match, "%.2f match", *v.similarity);
      ImGui::SameLine();
      widgets::Badge(match, widgets::ScoreColor(*v.similarity));
    }
  }
  ImGui::Separator();

  ImGui::BeginChild("##document_body", ImVec2(0.0f, 0.0f), ImGuiChildFlags_None);
  if (v.loading) {
    ImGui::TextDisabled("Loading the document...");
  } else if (!v.error.empty() || !doc) {
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kError);
    ImGui::TextWrapped("The document could not be opened: %s", v.error.empty() ? "unknown document" : v.error.c_str());
    ImGui::PopStyleColor();
    if (ImGui::Button("Try again")) ctx.emit(OpenDocument{v.id, v.chunkId, v.similarity});
  } else {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->ChannelsSplit(2);  // 0: the highlight behind, 1: the text
    draw->ChannelsSetCurrent(1);
    const float wrap = ImGui::GetContentRegionAvail().x;
    bool scrolled = ctx.memory.documentScrolled == v.generation;
    for (const Block& b : ParseBlocks(doc->content)) {
      const bool cited = section && b.start < static_cast<std::size_t>(section->end) &&
                         b.end > static_cast<std::size_t>(section->start);
      const ImVec2 top = ImGui::GetCursorScreenPos();
      if (cited && !scrolled) {
        ImGui::SetScrollHereY(0.15f);
        ctx.memory.documentScrolled = v.generation;
        scrolled = true;
      }
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap);
      switch (b.kind) {
        case Block::Kind::Heading:
          ImGui::Spacing();
          ImGui::PushStyleColor(ImGuiCol_Text, b.level <= 2 ? colors::kCyan : colors::kText);
          ImGui::TextWrapped("%s", b.text.c_str());
          ImGui::PopStyleColor();
          break;
        case Block::Kind::Paragraph: ImGui::TextWrapped("%s", b.text.c_str()); break;
        case Block::Kind::Bullet: ImGui::Bullet(); ImGui::TextWrapped("%s", b.text.c_str()); break;
        case Block::Kind::Numbered: ImGui::TextWrapped("%d. %s", b.level, b.text.c_str()); break;
        case Block::Kind::Table: DrawTable(b, ctx.scale); break;
        case Block::Kind::Code:
          ImGui::PushStyleColor(ImGuiCol_Text, colors::kTextMuted);
          ImGui::TextUnformatted(b.text.c_str());
          ImGui::PopStyleColor();
          break;
      }
      ImGui::PopTextWrapPos();
      if (cited) {
        draw->ChannelsSetCurrent(0);
        const ImVec2 bottom = ImGui::GetItemRectMax();
        const ImVec4 c = colors::kCyan;
        draw->AddRectFilled(ImVec2(top.x - 6.0f * ctx.scale, top.y - 2.0f * ctx.scale),
                            ImVec2(top.x + wrap, bottom.y + 2.0f * ctx.scale),
                            ImGui::ColorConvertFloat4ToU32(ImVec4(c.x, c.y, c.z, 0.14f)), 4.0f * ctx.scale);
        draw->AddRectFilled(ImVec2(top.x - 6.0f * ctx.scale, top.y - 2.0f * ctx.scale),
                            ImVec2(top.x - 3.0f * ctx.scale, bottom.y + 2.0f * ctx.scale),
                            ImGui::ColorConvertFloat4ToU32(c));
        draw->ChannelsSetCurrent(1);
      }
      if (b.kind != Block::Kind::Table) ImGui::Spacing();
    }
    draw->ChannelsMerge();
  }
  ImGui::EndChild();
  ImGui::EndPopup();
}

}  // namespace oai::app::panels
