// The document viewer: a cited (or found) document, whole, as light markdown (headings, paragraphs, lists, tables as
// aligned rows, code; read by rich_text.h like the answers), the section that was cited highlighted and scrolled
// into view once per opening. Esc, Close or a click outside closes it.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "app/actions.h"
#include "app/panels/panels.h"
#include "app/panels/rich_text.h"
#include "app/panels/widgets.h"
#include "app/theme.h"

namespace oai::app::panels {

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
    // The whole document through the app's one markdown reader (rich_text.h), laid out once per width.
    ImFont* body = FontOf(Type::Body);
    ImFont* strong = FontOf(Type::Strong);
    const float size = ImGui::GetFontSize();
    const widgets::RichLayout& layout =
        ctx.memory.documents.Get(doc->id, doc->content, ImGui::GetContentRegionAvail().x, body, strong, size);
    // The cited section: the lines of the runs inside its byte range, highlighted behind the text.
    float top = FLT_MAX, bottom = -FLT_MAX;
    if (section) {
      for (const widgets::PlacedRun& r : layout.runs) {
        if (r.begin < section->end && r.end > section->start) {
          top = std::min(top, r.y);
          bottom = std::max(bottom, r.y + size);
        }
      }
    }
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    if (top <= bottom) {
      ImDrawList* draw = ImGui::GetWindowDrawList();
      const ImVec4 c = colors::kCyan;
      const float pad = 4.0f * ctx.scale;
      const ImVec2 a(origin.x - 6.0f * ctx.scale, origin.y + top - pad);
      const ImVec2 b(origin.x + ImGui::GetContentRegionAvail().x, origin.y + bottom + pad);
      draw->AddRectFilled(a, b, ImGui::ColorConvertFloat4ToU32(ImVec4(c.x, c.y, c.z, 0.14f)), 4.0f * ctx.scale);
      draw->AddRectFilled(a, ImVec2(a.x + 3.0f * ctx.scale, b.y), ImGui::ColorConvertFloat4ToU32(c));
      if (ctx.memory.documentScrolled != v.generation) {  // once per opening: the reader may scroll away
        ImGui::SetScrollY(std::max(0.0f, ImGui::GetCursorPosY() + top - ImGui::GetWindowHeight() * 0.15f));
        ctx.memory.documentScrolled = v.generation;
      }
    }
    widgets::DrawRichText(doc->content, layout, body, strong, size);
  }
  ImGui::EndChild();
  ImGui::EndPopup();
}

}  // namespace oai::app::panels
