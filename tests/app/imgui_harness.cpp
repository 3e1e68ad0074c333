// HeadlessUi and the ImGui test-engine hooks that record item rectangles and labels.
#include "imgui_harness.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <map>

#include <gtest/gtest.h>

#include "app/theme.h"
#include "imgui_internal.h"

namespace {

// Items submitted in the current frame, per context. The hooks are free functions ImGui calls, hence a global.
std::map<ImGuiContext*, std::map<ImGuiID, oai::app::testing::RecordedItem>> g_items;

}  // namespace

// [SECTION] Hooks called by Dear ImGui when built with IMGUI_ENABLE_TEST_ENGINE

void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, ImGuiID id, const ImRect& bb, const ImGuiLastItemData* itemData) {
  auto& item = g_items[ctx][id];
  item.id = id;
  item.min = bb.Min;
  item.max = bb.Max;
  item.disabled = itemData && (itemData->InFlags & ImGuiItemFlags_Disabled) != 0;
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, ImGuiItemStatusFlags) {
  // Tab items report their label before their ItemAdd, so the entry is created here when needed.
  if (!label) return;
  auto& item = g_items[ctx][id];
  item.id = id;
  item.label = label;
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}

const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext* ctx, ImGuiID id) {
  auto& items = g_items[ctx];
  auto it = items.find(id);
  return it == items.end() ? nullptr : it->second.label.c_str();
}

namespace oai::app::testing {

HeadlessUi::HeadlessUi(App& app, ImVec2 displaySize) : m_app(app) {
  m_context = ImGui::CreateContext();
  ImGui::SetCurrentContext(m_context);
  m_context->TestEngineHookItems = true;
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  io.DisplaySize = displaySize;
  io.DeltaTime = 1.0f / 60.0f;
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // builds the atlas; there is no renderer to upload it to
  ApplyTheme(1.0f);  // the product theme, as the hosts apply it
}

HeadlessUi::~HeadlessUi() {
  g_items.erase(m_context);
  ImGui::DestroyContext(m_context);
}

void HeadlessUi::SetDisplaySize(ImVec2 size) {
  ImGui::SetCurrentContext(m_context);
  ImGui::GetIO().DisplaySize = size;
}

void HeadlessUi::Frame(int count) {
  for (int i = 0; i < count; ++i) {
    ImGui::SetCurrentContext(m_context);
    m_app.Update();
    g_items[m_context].clear();
    ImGui::NewFrame();
    // ImGui stops logging (and clears its buffer) at the End() of the first top-level window, so the text goes to a
    // memory stream that LogFinish closes, which keeps what was written.
    char* captured = nullptr;
    std::size_t capturedSize = 0;
    FILE* stream = open_memstream(&captured, &capturedSize);
    ImGui::LogBegin(ImGuiLogType_File, -1);
    m_context->LogFile = stream;
    m_app.Draw();
    if (m_context->LogEnabled) ImGui::LogFinish();
    m_text.assign(captured ? captured : "", capturedSize);
    std::free(captured);
    ImGui::Render();
  }
}

const RecordedItem* HeadlessUi::FindItem(const std::string& label) const {
  auto it = g_items.find(m_context);
  if (it == g_items.end()) return nullptr;
  for (const auto& [id, item] : it->second) {
    const std::string visible = item.label.substr(0, item.label.find("##"));
    if (item.label == label || (!visible.empty() && visible == label)) return &item;
  }
  return nullptr;
}

std::vector<RecordedItem> HeadlessUi::FindItems(const std::string& label) const {
  std::vector<RecordedItem> out;
  auto it = g_items.find(m_context);
  if (it == g_items.end()) return out;
  for (const auto& [id, item] : it->second) {
    const std::string visible = item.label.substr(0, item.label.find("##"));
    if (item.label == label || (!visible.empty() && visible == label)) out.push_back(item);
  }
  return out;
}

void HeadlessUi::Click(const std::string& label) {
  const RecordedItem* item = FindItem(label);
  ASSERT_NE(item, nullptr) << "no item labelled " << label;
  ImGui::SetCurrentContext(m_context);
  ImGuiIO& io = ImGui::GetIO();
  io.AddMousePosEvent((item->min.x + item->max.x) * 0.5f, (item->min.y + item->max.y) * 0.5f);
  Frame();
  io.AddMouseButtonEvent(0, true);
  Frame();
  io.AddMouseButtonEvent(0, false);
  Frame(2);
}

void HeadlessUi::Hover(ImVec2 at) {
  ImGui::SetCurrentContext(m_context);
  ImGui::GetIO().AddMousePosEvent(at.x, at.y);
  Frame(2);
}

void HeadlessUi::PressChord(ImGuiKey mod, ImGuiKey side, ImGuiKey key) {
  ImGui::SetCurrentContext(m_context);
  ImGuiIO& io = ImGui::GetIO();
  io.AddKeyEvent(mod, true);
  io.AddKeyEvent(side, true);
  io.AddKeyEvent(key, true);
  Frame();
  io.AddKeyEvent(key, false);
  io.AddKeyEvent(mod, false);
  io.AddKeyEvent(side, false);
  Frame(2);
}

void HeadlessUi::PressCtrl(ImGuiKey key) { PressChord(ImGuiMod_Ctrl, ImGuiKey_LeftCtrl, key); }
void HeadlessUi::PressAlt(ImGuiKey key) { PressChord(ImGuiMod_Alt, ImGuiKey_LeftAlt, key); }

void HeadlessUi::Drag(ImVec2 from, ImVec2 to) {
  ImGui::SetCurrentContext(m_context);
  ImGuiIO& io = ImGui::GetIO();
  io.AddMousePosEvent(from.x, from.y);
  Frame();
  io.AddMouseButtonEvent(0, true);
  Frame();
  for (int i = 1; i <= 4; ++i) {
    io.AddMousePosEvent(from.x + (to.x - from.x) * i / 4.0f, from.y + (to.y - from.y) * i / 4.0f);
    Frame();
  }
  io.AddMouseButtonEvent(0, false);
  Frame(2);
}

void HeadlessUi::Wheel(ImVec2 at, int notches) {
  ImGui::SetCurrentContext(m_context);
  ImGuiIO& io = ImGui::GetIO();
  io.AddMousePosEvent(at.x, at.y);
  Frame();
  for (int i = 0; i < std::abs(notches); ++i) {
    io.AddMouseWheelEvent(0.0f, notches > 0 ? 1.0f : -1.0f);
    Frame();
  }
  Frame();
}

void HeadlessUi::Type(const std::string& utf8) {
  ImGui::SetCurrentContext(m_context);
  ImGui::GetIO().AddInputCharactersUTF8(utf8.c_str());
  Frame(2);
}

void HeadlessUi::PressKey(ImGuiKey key, bool shift) {
  if (shift) return PressChord(ImGuiMod_Shift, ImGuiKey_LeftShift, key);
  ImGui::SetCurrentContext(m_context);
  ImGuiIO& io = ImGui::GetIO();
  io.AddKeyEvent(key, true);
  Frame();
  io.AddKeyEvent(key, false);
  Frame(2);
}

}  // namespace oai::app::testing
