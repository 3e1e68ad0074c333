// Browser host: Emscripten main loop, GLFW (Emscripten's built-in) + OpenGL ES 3 / WebGL2, emscripten_fetch transport,
// localStorage. Renders in device pixels (canvas backing store = CSS size × devicePixelRatio, re-read every frame) and
// draws only when something happened: input, a network event, or an animation in the app.
#include <emscripten.h>
#include <emscripten/html5.h>
#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "app/frame_stats.h"
#include "app/theme.h"
#include "event_stream.h"
#include "fetch_transport.h"
#include "engine_bridge.h"
#include "local/fallback_transport.h"
#include "local_storage.h"
#include "webgl_renderer.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_internal.h"  // ImTextCharFromUtf8

extern "C" {
void oai_install_wake_listeners();
int oai_take_wake();
void oai_wake();
double oai_device_pixel_ratio();
double oai_canvas_css_width();
double oai_canvas_css_height();
void oai_canvas_set_size(int width, int height);
int oai_force_local_engine();
int oai_reduced_motion();
void oai_notify_first_frame();
void oai_webgl_unavailable();
void oai_notify_frame();
void oai_notify_interactive();
unsigned char* oai_take_font(int which, int* size);
void oai_field_install();
void oai_field_place(double x, double y, double width, double height, double padX, double padY, double fontSize);
void oai_field_hide();
void oai_field_set_text(const char* text);
void oai_field_focus();
void oai_field_blur();
int oai_field_touch_primary();
char* oai_local_time(const char* iso);
void oai_save_file(const char* name, const char* mime, const char* content, int length);
void oai_clipboard_write(const char* text);
void oai_mirror_update(const char* json);
void oai_font_request_page(int page);

// Dear ImGui calls sscanf in its .ini readers (the page reads no .ini: io.IniFilename is null, nothing calls
// LoadIniSettingsFromMemory) and in widgets this app does not use (InputInt/InputFloat, typing into a Drag or Slider,
// ColorEdit's hex field, the debug log window); nothing else in the page does (tests/web/no_scanf.sh checks the
// sources). This one reads nothing (EOF, as for empty input, which those callers check), so libc's scanf family
// (about 4 KB of the gzip budget) stays out of the download.
int sscanf(const char*, const char*, ...) { return EOF; }
}

namespace {

constexpr int kFramesAfterActivity = 8;  // ImGui needs a few frames to settle hover, release and focus changes

// The page's <textarea id="chat-input"> (web/index.html): laid over the chat input the panel draws, it owns the
// text; its events come back through the orchestratai_field_* exports below.
class DomTextField final : public oai::app::TextField {
 public:
  void Place(const oai::app::TextFieldPlacement& p) override {
    m_placed = true;
    if (m_shown && p == m_last) return;
    m_last = p;
    m_shown = true;
    const double s = p.scale > 0.0f ? p.scale : 1.0f;  // the page lays out in CSS pixels
    oai_field_place(p.x / s, p.y / s, p.width / s, p.height / s, p.paddingX / s, p.paddingY / s, p.fontSize / s);
  }
  void FrameDone() override {
    if (!m_placed && m_shown) {
      oai_field_hide();
      m_shown = false;
    }
    m_placed = false;
  }
  void SetText(const std::string& text) override { oai_field_set_text(text.c_str()); }
  // Focusing makes the browser lay the page out and run the field's focus handlers (~20-70 ms on the first frame
  // here): done once the frame is on the canvas (FlushFocus), so it never holds a frame up.
  void Focus() override { m_focusPending = true; }
  void FlushFocus() {
    if (!m_focusPending) return;
    m_focusPending = false;
    oai_field_focus();
  }
  void Blur() override {
    m_focusPending = false;  // a dialog opened after a focus was asked for this frame: the dialog keeps it
    oai_field_blur();
  }
  std::string Hint() const override {
    // On a phone or tablet the keyboard's Return makes a new line; the Send button sends. (Asked of the browser once:
    // a media query from every frame's input hint cost more than the hint.)
    static const bool touch = oai_field_touch_primary() != 0;
    return touch ? "Tap Send to send; Return starts a new line" : "Enter to send, Shift+Enter for a new line";
  }

 private:
  oai::app::TextFieldPlacement m_last;
  bool m_placed = false;
  bool m_focusPending = false;
  bool m_shown = false;
};

std::string MallocedString(char* p) {
  if (!p) return {};
  std::string out(p);
  std::free(p);
  return out;
}

// Glyphs beyond the UI font's atlas: the code points seen in the conversation and the draft that the atlas lacks,
// and the fallback pages (fonts/fallback/<page>.ttf, see split_fallback_fonts.py) the page fetched for them.
struct FallbackGlyphs {
  std::set<unsigned> wanted;
  std::set<unsigned> requested;  // pages asked for (a page missing from the index is never answered)
  std::map<unsigned, std::vector<unsigned char>> pages;
  std::vector<std::vector<ImWchar>> ranges;  // per loaded page, alive while the atlas is built
  int revision = -1;       // the content revision last scanned
  std::string draft;       // the draft last scanned
  bool dirty = false;      // a loaded page has glyphs the atlas lacks
  bool scannedFullAtlas = false;  // the text was scanned against the full atlas (not only the first frame's ranges)
};

struct WebHost {
  GLFWwindow* window = nullptr;
  oai::shell::PageTransport network;
  oai::shell::LocalStorage storage;
  // Static hosting: with no server behind the page (or with ?engine=local) the API is answered in the page, by the
  // engine module the page loads for it (shell/web/engine_module.cpp).
  oai::shell::EngineModuleTransport local;
  oai::local::FallbackTransport transport{&network, &local, oai_force_local_engine() != 0};
  DomTextField field;
  std::unique_ptr<oai::app::App> app;
  oai::web::WebGlRenderer renderer;
  int mirrorRevision = -1;  // the content revision the screen-reader mirror shows
  FallbackGlyphs glyphs;
  std::vector<unsigned char> font;  // the UI font's bytes (fetched by the page before main() runs), kept for rebuilds
  std::vector<unsigned char> fontSemibold;  // its semibold cut (the type scale's strong text and titles)
  float scale = 0.0f;  // devicePixelRatio the fonts and style were built for
  bool allGlyphs = false;  // the font atlas has every range (see RebuildForScale), not just the first frame's
  int width = 0;       // canvas backing store, device pixels
  int height = 0;
  int activeFrames = kFramesAfterActivity;
  bool firstFrameDrawn = false;
  bool interactiveNotified = false;
  oai::app::FrameStats frameStats;
};

WebHost* g_host = nullptr;

// The UI font's ranges. Rasterizing every range takes ~35 ms, most of the time to the first frame after the wasm
// itself, so the first frame gets Latin-1, the dashes, quotes, bullet, ellipsis, euro and arrows the UI draws, and the
// next frame the rest (general punctuation, currency, Latin Extended, Greek, Cyrillic, arrows, box drawing, shapes:
// text the user may type or restore).
// Anything else comes from the fallback pages (FallbackGlyphs).
const ImWchar kFirstRanges[] = {0x0020, 0x00FF, 0x2013, 0x2014, 0x2018, 0x201D, 0x2022, 0x2022, 0x2026, 0x2026,
                                0x20AC, 0x20AC, 0x2190, 0x2193, 0};
const ImWchar kAllRanges[] = {0x0020, 0x00FF, 0x0100, 0x024F, 0x0370, 0x03FF, 0x0400, 0x04FF,
                              0x2000, 0x206F, 0x20A0, 0x20CF, 0x2190, 0x21FF, 0x2500, 0x25FF, 0};

bool InUiFont(unsigned cp) {
  for (const ImWchar* r = kAllRanges; r[0]; r += 2)
    if (cp >= r[0] && cp <= r[1]) return true;
  return false;
}

// Adds the code points of `text` that the UI font lacks to `glyphs`, asking for their pages; true when a page that
// is already loaded gained a glyph (the atlas must be rebuilt). `body` is the full atlas's body font once it is built:
// a character of the UI font's ranges that the font itself lacks (Inter has few arrows) comes from a page too.
bool ScanGlyphs(FallbackGlyphs& glyphs, const std::string& text, const ImFont* body) {
  bool rebuild = false;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    unsigned cp = 0;
    int extra = 0;
    if ((*p & 0xE0) == 0xC0) cp = *p & 0x1F, extra = 1;
    else if ((*p & 0xF0) == 0xE0) cp = *p & 0x0F, extra = 2;
    else if ((*p & 0xF8) == 0xF0) cp = *p & 0x07, extra = 3;
    ++p;
    for (; extra > 0 && p < end && (*p & 0xC0) == 0x80; --extra, ++p) cp = (cp << 6) | (*p & 0x3F);
    const bool inFont = InUiFont(cp) && (!body || body->FindGlyphNoFallback(static_cast<ImWchar>(cp)));
    if (extra != 0 || cp < 0x20 || inFont || !glyphs.wanted.insert(cp).second) continue;
    const unsigned page = cp >> 8;
    if (glyphs.pages.count(page)) rebuild = true;
    else if (glyphs.requested.insert(page).second) oai_font_request_page(static_cast<int>(page));
  }
  return rebuild;
}

void ScanForFallback(WebHost& host) {
  FallbackGlyphs& g = host.glyphs;
  const oai::app::State& state = host.app->GetState();
  bool rebuild = false;
  const ImFont* body = host.allGlyphs && !ImGui::GetIO().Fonts->Fonts.empty() ? ImGui::GetIO().Fonts->Fonts[0] : nullptr;
  const bool fullAtlasNew = body && !g.scannedFullAtlas;  // what the first frame's atlas let pass is looked at again
  g.scannedFullAtlas = body != nullptr;
  if (host.app->ContentRevision() != g.revision || fullAtlasNew) {
    g.revision = host.app->ContentRevision();
    for (const auto& m : state.domain.messages) rebuild |= ScanGlyphs(g, m.content, body);
  }
  if (state.view.draft != g.draft || fullAtlasNew) {
    g.draft = state.view.draft;
    rebuild |= ScanGlyphs(g, g.draft, body);
  }
  g.dirty |= rebuild;
}
std::string g_lastCopied;  // what the app last put on the clipboard

void RebuildForScale(WebHost& host, float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig cfg;
  cfg.OversampleH = host.allGlyphs ? 2 : 1;  // the first frame's atlas: half the pixels to rasterize
  cfg.OversampleV = 1;
  // Rasterizing every range takes ~35 ms, most of the time to the first frame after the wasm itself, so the first
  // frame gets Latin-1, punctuation, currency and the arrows the UI draws (~10 ms), and the next frame the rest
  // (Latin Extended, Greek, Cyrillic, arrows, box drawing, shapes: text the user may type or restore).
  if (!host.font.empty()) {
    cfg.FontDataOwnedByAtlas = false;  // the host keeps the bytes for the next rebuild
    io.Fonts->AddFontFromMemoryTTF(host.font.data(), static_cast<int>(host.font.size()), std::round(oai::app::kBodySize * scale),
                                   &cfg, host.allGlyphs ? kAllRanges : kFirstRanges);
    // The fallback pages merged into the same font, each with just the characters seen.
    FallbackGlyphs& g = host.glyphs;
    g.ranges.clear();
    g.ranges.reserve(g.pages.size());
    for (auto& [page, bytes] : g.pages) {
      std::vector<ImWchar> ranges;
      for (auto it = g.wanted.lower_bound(page << 8); it != g.wanted.end() && (*it >> 8) == page; ++it) {
        if (!ranges.empty() && ranges.back() + 1 == *it) ranges.back() = static_cast<ImWchar>(*it);
        else ranges.insert(ranges.end(), {static_cast<ImWchar>(*it), static_cast<ImWchar>(*it)});
      }
      if (ranges.empty()) continue;
      ranges.push_back(0);
      g.ranges.push_back(std::move(ranges));
      ImFontConfig merge;
      merge.MergeMode = true;
      merge.FontDataOwnedByAtlas = false;
      merge.OversampleH = 2;
      merge.OversampleV = 1;
      io.Fonts->AddFontFromMemoryTTF(bytes.data(), static_cast<int>(bytes.size()), std::round(oai::app::kBodySize * scale),
                                     &merge, g.ranges.back().data());
    }
    g.dirty = false;
    // The type scale's other styles from the second frame on, with the full atlas: the first frame (under the
    // loading screen's fade) draws every style with the body font, and costs that much less to reach.
    if (host.allGlyphs)
      oai::app::AddTypeScale(io.Fonts, host.font.data(), static_cast<int>(host.font.size()), host.fontSemibold.data(),
                             static_cast<int>(host.fontSemibold.size()), scale);
  } else {
    ImFontConfig def;
    def.SizePixels = std::round(13.0f * scale);
    io.Fonts->AddFontDefault(&def);
  }
  io.Fonts->Build();
  host.renderer.SetFontAtlas(*io.Fonts);
  oai::app::ApplyTheme(scale);
  if (host.app) host.app->SetDisplayScale(scale);
  host.scale = scale;
}

// The canvas's CSS size × devicePixelRatio: the backing store that keeps it crisp under HiDPI and browser zoom.
void CanvasPixels(double dpr, int* w, int* h) {
  *w = std::max(1, static_cast<int>(std::lround(oai_canvas_css_width() * dpr)));
  *h = std::max(1, static_cast<int>(std::lround(oai_canvas_css_height() * dpr)));
}

// Keeps the canvas backing store at CanvasPixels and the fonts at the current devicePixelRatio.
bool SyncCanvasSize(WebHost& host) {
  const double dpr = oai_device_pixel_ratio();
  int w = 0, h = 0;
  CanvasPixels(dpr, &w, &h);
  bool changed = false;
  if (w != host.width || h != host.height) {
    oai_canvas_set_size(w, h);
    host.width = w;
    host.height = h;
    changed = true;
  }
  if (std::fabs(dpr - host.scale) > 1e-3) {
    if (!host.firstFrameDrawn) EM_ASM({performance.mark('oai-atlas-start')});
    RebuildForScale(host, static_cast<float>(dpr));
    if (!host.firstFrameDrawn) EM_ASM({performance.mark('oai-atlas-end')});
    changed = true;
  }
  return changed;
}

// The offscreen DOM mirror for screen readers (transcript, announcements, agents, log), from the same state the
// panels draw; rebuilt only when the content changed, not for keystrokes.
void SyncMirror(WebHost& host) {
  if (!host.app || host.app->ContentRevision() == host.mirrorRevision) return;
  host.mirrorRevision = host.app->ContentRevision();
  oai_mirror_update(host.app->AccessibleJson().c_str());
}

void Frame(void*) {
  WebHost& host = *g_host;
  bool woke = oai_take_wake() != 0;
  woke |= host.local.Pump();  // the in-page engine's streamed events, one per frame
  bool resized = SyncCanvasSize(host);
  if (host.firstFrameDrawn && !host.allGlyphs) {
    host.allGlyphs = true;
    RebuildForScale(host, host.scale);
    resized = true;  // draw again with the full atlas
  }
  const double start = emscripten_get_now();
  if (!host.firstFrameDrawn) EM_ASM({performance.mark('oai-frame-start')});
  const bool changed = host.app->Update();
  // The screen-reader mirror and the fallback glyphs from the second frame on: the first one is drawn sooner.
  if (host.firstFrameDrawn) {
    SyncMirror(host);
    ScanForFallback(host);
  }
  if (host.allGlyphs && host.glyphs.dirty) {
    RebuildForScale(host, host.scale);
    resized = true;
  }
  if (woke || resized || changed || host.app->IsAnimating()) host.activeFrames = kFramesAfterActivity;
  if (host.activeFrames <= 0) {  // idle: nothing to draw, no CPU spent
    host.frameStats.Skipped();
    return;
  }
  --host.activeFrames;

  ImGui_ImplGlfw_NewFrame();
  // The canvas size is ours (see SyncCanvasSize), not GLFW's window size; mouse positions are already in canvas pixels.
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(host.width), static_cast<float>(host.height));
  io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
  ImGui::NewFrame();
  host.app->Draw();
  ImGui::Render();
  const double drawn = emscripten_get_now();
  if (!host.firstFrameDrawn) EM_ASM({performance.mark('oai-drawn')});

  glViewport(0, 0, host.width, host.height);
  glClearColor(0.039f, 0.059f, 0.118f, 1.0f);  // #0A0F1E
  glClear(GL_COLOR_BUFFER_BIT);
  host.renderer.Render(ImGui::GetDrawData(), host.width, host.height);
  if (host.renderer.Failed()) {  // the loading screen says so, in words, instead of an empty canvas
    oai_webgl_unavailable();
    emscripten_cancel_main_loop();
    return;
  }
  host.frameStats.Drawn(drawn - start, emscripten_get_now() - drawn);
  // ImGui takes queued input a little per frame (a press and its release in different frames, one wheel step per
  // frame): keep drawing until the queue is empty, or a glide's wheel steps would hold back a later tap.
  if (!ImGui::GetCurrentContext()->InputEventsQueue.empty()) host.activeFrames = std::max(host.activeFrames, 1);
  oai_notify_frame();
  if (host.firstFrameDrawn) host.field.FlushFocus();  // the first frame goes to the screen first
  if (!host.firstFrameDrawn) {
    host.firstFrameDrawn = true;
    EM_ASM({performance.mark('oai-frame-end')});
    oai_notify_first_frame();
    // The session (localStorage, the first requests) starts once the layout is on screen: the first frame does not
    // wait for the browser's storage.
    host.app->Start();
  }
  if (!host.interactiveNotified && host.app->IsReady()) {
    host.interactiveNotified = true;
    oai_notify_interactive();
  }
}

}  // namespace

// Read by the end-to-end tests through Module.ccall: the app's state as JSON.
extern "C" EMSCRIPTEN_KEEPALIVE const char* orchestratai_debug_state() {
  static std::string buffer;
  buffer = g_host && g_host->app ? g_host->app->DebugJson() : std::string("{}");
  return buffer.c_str();
}

// Read by the page benchmark: CPU milliseconds per drawn frame (app update + draw; renderer), frames drawn and skipped.
extern "C" EMSCRIPTEN_KEEPALIVE const char* orchestratai_frame_stats() {
  static std::string buffer;
  buffer = g_host ? g_host->frameStats.ToJson() : std::string("{}");
  return buffer.c_str();
}
extern "C" EMSCRIPTEN_KEEPALIVE void orchestratai_frame_stats_reset() {
  if (g_host) g_host->frameStats.Reset();
}

// Used by the page benchmark to load a long conversation through the same action a restored session uses: `json` is
// SessionHistory JSON in memory the caller malloc'd (megabytes: too big for ccall's stack strings). Returns 0 when it
// is not a session history.
extern "C" EMSCRIPTEN_KEEPALIVE int orchestratai_debug_load_history(const char* json) {
  if (!g_host || !g_host->app || !json) return 0;
  try {
    oai::SessionHistory history = oai::Json::parse(std::string_view(json)).get<oai::SessionHistory>();
    g_host->app->Dispatch(oai::app::SessionLoaded{g_host->app->GetState().domain.sessionId, std::move(history)});
    return 1;
  } catch (const std::exception&) {
    return 0;
  }
}

// The text field's events (shell/web/library_oai.js). Each is reduced at once, inside the browser's event, so a
// send clears the field before the next key arrives.
namespace {
void DispatchNow(oai::app::Action action) {
  if (!g_host || !g_host->app) return;
  g_host->app->Dispatch(std::move(action));
  g_host->app->Update();
  SyncMirror(*g_host);
}
}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void orchestratai_field_changed(const char* text, int selectionStart, int selectionEnd,
                                                                int compositionStart, int compositionEnd) {
  if (!text) return;
  DispatchNow(oai::app::DraftChanged{text, oai::app::InputCaret{selectionStart, selectionEnd, compositionStart,
                                                                compositionEnd}});
}
extern "C" EMSCRIPTEN_KEEPALIVE void orchestratai_field_focus(int focused) {
  DispatchNow(oai::app::InputFocusChanged{focused != 0});
}
extern "C" EMSCRIPTEN_KEEPALIVE void orchestratai_field_scroll(double y) {
  DispatchNow(oai::app::InputScrolled{static_cast<float>(y)});
}
extern "C" EMSCRIPTEN_KEEPALIVE void orchestratai_field_submit() { DispatchNow(oai::app::SubmitDraft{}); }

// Shortcuts pressed while the text field has the focus (web/loader.js keeps those keys from Emscripten's GLFW):
// 1, 2, 3 the panels; 4 clear the conversation (asks first); 5 the shortcut list; 6 Esc on an empty field; 7 the
// insights; 8 Esc on a field with text (clears it, or leaves a comment for the question being typed).
extern "C" EMSCRIPTEN_KEEPALIVE void orchestratai_shortcut(int code) {
  using namespace oai::app;
  switch (code) {
    case 1: DispatchNow(ShowPanel{Tab::Agents}); break;
    case 2: DispatchNow(ShowPanel{Tab::Chat}); break;
    case 3: DispatchNow(ShowPanel{Tab::Logs}); break;
    case 4: DispatchNow(ClearRequested{}); break;
    case 5: DispatchNow(ToggleShortcutHelp{}); break;
    case 6: DispatchNow(CloseOverlay{}); break;
    case 7: DispatchNow(ShowPanel{Tab::Insights}); break;
    case 8: DispatchNow(ClearInput{}); break;
    default: break;
  }
}

// A button of the screen-reader mirror (web/a11y.js) was pressed: what the same button on the canvas does.
// "vote" (answer id, up|down), "reason" (answer id, reason), "comment" (answer id), "ask" (question),
// "open" (document, chunk id), "insights" (1 shows them, 0 goes back to the chat).
extern "C" EMSCRIPTEN_KEEPALIVE void orchestratai_mirror_action(const char* kind, const char* a, const char* b) {
  using namespace oai::app;
  if (!kind || !a || !b) return;
  const std::string k = kind;
  if (k == "vote") DispatchNow(RateAnswer{a, b, std::nullopt});
  else if (k == "reason") DispatchNow(RateAnswer{a, "down", std::string(b)});
  else if (k == "comment") DispatchNow(CommentOnAnswer{a});
  else if (k == "ask") DispatchNow(SendRequested{a, ""});
  else if (k == "open") DispatchNow(OpenDocument{a, std::atoll(b), std::nullopt});
  else if (k == "insights") DispatchNow(ShowPanel{*a == '1' ? Tab::Insights : Tab::Chat});
}

// The in-page engine module answered a request (shell/web/library_oai.js, oai_engine_send). The strings are the
// page's; they stay valid during the call.
extern "C" EMSCRIPTEN_KEEPALIVE void orchestratai_engine_reply(int id, int status, const char* body, const char* error,
                                                               const char* headers) {
  if (g_host) g_host->local.Reply(id, status, body, error, headers);
}

// A fallback glyph page arrived (shell/web/library_oai.js): `data` is malloc'd by the page and freed here.
extern "C" EMSCRIPTEN_KEEPALIVE void orchestratai_font_page(int page, unsigned char* data, int size) {
  if (!g_host || !data || size <= 0) {
    std::free(data);
    return;
  }
  g_host->glyphs.pages[static_cast<unsigned>(page)].assign(data, data + size);
  std::free(data);
  g_host->glyphs.dirty = true;
  oai_wake();
}

// Read by the end-to-end tests: the characters of `text` the current atlas has no glyph for (drawn as '?'), as a
// JSON array of code points.
extern "C" EMSCRIPTEN_KEEPALIVE const char* orchestratai_debug_missing_glyphs(const char* text) {
  static std::string buffer;
  buffer = "[";
  ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
  const char* p = text ? text : "";
  const char* end = p + std::strlen(p);
  while (font && p < end) {
    unsigned int c = 0;
    const int n = ImTextCharFromUtf8(&c, p, end);
    if (n <= 0) break;
    p += n;
    if (c >= 0x20 && !font->FindGlyphNoFallback(static_cast<ImWchar>(c))) {
      if (buffer.size() > 1) buffer += ",";
      buffer += std::to_string(c);
    }
  }
  buffer += "]";
  return buffer.c_str();
}

// Touch (web/touch.js): a tap is a click, a long press a right click (an answer's Copy menu), a one-finger drag scrolls
// what is under the finger. Positions are CSS pixels from the canvas's corner; ImGui's event queue keeps a press and
// its release in separate frames.
namespace {
// The finger's position (CSS pixels) as a touch-screen pointer in ImGui's device pixels.
ImGuiIO& TouchAt(double x, double y) {
  ImGuiIO& io = ImGui::GetIO();
  const double dpr = oai_device_pixel_ratio();
  io.AddMouseSourceEvent(ImGuiMouseSource_TouchScreen);
  io.AddMousePosEvent(static_cast<float>(x * dpr), static_cast<float>(y * dpr));
  return io;
}
}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void orchestratai_touch_pointer(double x, double y, int button, int down) {
  if (!g_host) return;
  ImGuiIO& io = TouchAt(x, y);
  if (button >= 0) io.AddMouseButtonEvent(button, down != 0);
  oai_wake();
}
extern "C" EMSCRIPTEN_KEEPALIVE void orchestratai_touch_scroll(double x, double y, double dx, double dy) {
  if (!g_host) return;
  // ImGui scrolls 5 lines (5 × the font size) per wheel step: the finger's distance in those steps.
  const double step = 5.0 * oai::app::kBodySize;
  TouchAt(x, y).AddMouseWheelEvent(static_cast<float>(dx / step), static_cast<float>(dy / step));
  oai_wake();
}

namespace {
// The mouse wheel over the canvas scrolls what is under the pointer (ImGui's backend listens on the whole document,
// where Chromium makes wheel listeners passive and logs an error for each cancelled event; over the chat input's
// DOM field the wheel scrolls the field).
EM_BOOL CanvasWheel(int, const EmscriptenWheelEvent* ev, void*) {
  float multiplier = 0.0f;
  if (ev->deltaMode == DOM_DELTA_PIXEL) multiplier = 1.0f / 100.0f;
  else if (ev->deltaMode == DOM_DELTA_LINE) multiplier = 1.0f / 3.0f;
  else if (ev->deltaMode == DOM_DELTA_PAGE) multiplier = 80.0f;
  ImGuiIO& io = ImGui::GetIO();
  io.AddMouseSourceEvent(ImGuiMouseSource_Mouse);
  io.AddMouseWheelEvent(static_cast<float>(ev->deltaX) * -multiplier, static_cast<float>(ev->deltaY) * -multiplier);
  oai_wake();
  return EM_TRUE;
}
}  // namespace

int main() {
  // User Timing marks on the way to the first frame (tests/bench/page_bench.mjs reports where the time goes).
  EM_ASM({performance.mark('oai-main')});
  if (!glfwInit()) {
    std::fprintf(stderr, "glfwInit failed\n");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  // Dear ImGui draws without depth or stencil tests: no depth or stencil buffer to allocate (the context is created
  // ~40 ms sooner with software WebGL).
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  auto* host = new WebHost();  // lives for the page's lifetime
  g_host = host;
  for (int which : {0, 1}) {
    int fontSize = 0;
    if (unsigned char* font = oai_take_font(which, &fontSize)) {
      (which == 0 ? host->font : host->fontSemibold).assign(font, font + fontSize);
      std::free(font);
    }
  }
  // The WebGL context is created at the canvas's final size: resizing its drawing buffer right after creation cost
  // more than creating it.
  CanvasPixels(oai_device_pixel_ratio(), &host->width, &host->height);
  host->window = glfwCreateWindow(host->width, host->height, "OrchestratAI", nullptr, nullptr);
  if (!host->window) {
    oai_webgl_unavailable();  // the loading screen says so, in words
    return 1;
  }
  glfwMakeContextCurrent(host->window);
  EM_ASM({performance.mark('oai-window')});

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  // The GPU process compiles the renderer's program while the font atlas is built and the first frame laid out.
  host->renderer.Start();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is the app's, not a file's
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(host->window, true);
  emscripten_set_wheel_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, false, nullptr);
  emscripten_set_wheel_callback("#canvas", nullptr, false, CanvasWheel);
  // Copy goes to the browser's clipboard (ImGui's own copy and the app's Copy buttons); paste arrives as text input
  // in the DOM field, so ImGui's reader returns what was last copied here.
  io.SetClipboardTextFn = [](void*, const char* text) {
    g_lastCopied = text ? text : "";
    oai_clipboard_write(g_lastCopied.c_str());
  };
  io.GetClipboardTextFn = [](void*) { return g_lastCopied.c_str(); };

  oai::app::AppServices services;
  services.transport = &host->transport;
  services.storage = &host->storage;
  services.wake = [] { oai_wake(); };
  services.apiBase = "";
  services.host = oai::app::HostKind::Browser;
  services.backendKind = [host] { return host->transport.Kind(); };
  services.textField = &host->field;
  services.localTime = [](const std::string& iso) { return MallocedString(oai_local_time(iso.c_str())); };
  services.streamAnswers = true;  // EventSource from the server; the in-page engine's events one per frame
  services.reducedMotion = oai_reduced_motion() != 0;
  services.saveFile = [](const std::string& name, const std::string& mime, const std::string& content) {
    oai_save_file(name.c_str(), mime.c_str(), content.data(), static_cast<int>(content.size()));
  };
  EM_ASM({performance.mark('oai-device')});
  host->app = std::make_unique<oai::app::App>(services);

  oai_install_wake_listeners();
  oai_field_install();
  SyncCanvasSize(*host);
  // The first frame is drawn now rather than at the next animation frame: the browser shows it with its next paint.
  Frame(nullptr);
  emscripten_set_main_loop_arg(Frame, nullptr, 0, true);
  return 0;
}
