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
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "app/frame_stats.h"
#include "app/theme.h"
#include "fetch_transport.h"
#include "local/local_backend.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"

extern "C" {
char* oai_storage_get(const char* key);
void oai_storage_set(const char* key, const char* value);
void oai_install_wake_listeners();
int oai_take_wake();
void oai_wake();
double oai_device_pixel_ratio();
double oai_canvas_css_width();
double oai_canvas_css_height();
void oai_canvas_set_size(int width, int height);
int oai_force_local_engine();
void oai_notify_first_frame();
void oai_notify_frame();
void oai_notify_interactive();
unsigned char* oai_take_font(int* size);
}

namespace {

constexpr float kFontSizeCss = 15.0f;
constexpr int kFramesAfterActivity = 8;  // ImGui needs a few frames to settle hover, release and focus changes

class LocalStorage : public oai::app::KeyValueStore {
 public:
  std::optional<std::string> Get(const std::string& key) override {
    char* v = oai_storage_get(key.c_str());
    if (!v) return std::nullopt;
    std::string out(v);
    std::free(v);
    return out;
  }
  void Set(const std::string& key, const std::string& value) override { oai_storage_set(key.c_str(), value.c_str()); }
};

struct WebHost {
  GLFWwindow* window = nullptr;
  oai::shell::FetchTransport network;
  LocalStorage storage;
  // Static hosting: with no server behind the page (or with ?engine=local) the API is answered in the page.
  oai::local::LocalBackend local{&network, &storage};
  oai::local::FallbackTransport transport{&network, &local, oai_force_local_engine() != 0};
  std::unique_ptr<oai::app::App> app;
  std::vector<unsigned char> font;  // the UI font's TTF bytes (fetched by the page before main() runs), kept for rebuilds
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

void RebuildForScale(WebHost& host, float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  // Rasterizing every range takes ~35 ms, most of the time to the first frame after the wasm itself, so the first
  // frame gets Latin-1, punctuation, currency and the arrows the UI draws (~10 ms), and the next frame the rest
  // (Latin Extended, Greek, Cyrillic, arrows, box drawing, shapes: text the user may type or restore).
  static const ImWchar kFirstRanges[] = {0x0020, 0x00FF, 0x2000, 0x206F, 0x20A0, 0x20CF, 0x2190, 0x2193, 0};
  static const ImWchar kAllRanges[] = {0x0020, 0x00FF, 0x0100, 0x024F, 0x0370, 0x03FF, 0x0400, 0x04FF,
                                       0x2000, 0x206F, 0x20A0, 0x20CF, 0x2190, 0x21FF, 0x2500, 0x25FF, 0};
  if (!host.font.empty()) {
    cfg.FontDataOwnedByAtlas = false;  // the host keeps the bytes for the next rebuild
    io.Fonts->AddFontFromMemoryTTF(host.font.data(), static_cast<int>(host.font.size()), std::round(kFontSizeCss * scale),
                                   &cfg, host.allGlyphs ? kAllRanges : kFirstRanges);
  } else {
    ImFontConfig def;
    def.SizePixels = std::round(13.0f * scale);
    io.Fonts->AddFontDefault(&def);
  }
  io.Fonts->Build();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
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
    RebuildForScale(host, static_cast<float>(dpr));
    changed = true;
  }
  return changed;
}

void Frame(void*) {
  WebHost& host = *g_host;
  const bool woke = oai_take_wake() != 0;
  bool resized = SyncCanvasSize(host);
  if (host.firstFrameDrawn && !host.allGlyphs) {
    host.allGlyphs = true;
    RebuildForScale(host, host.scale);
    resized = true;  // draw again with the full atlas
  }
  const double start = emscripten_get_now();
  const bool changed = host.app->Update();
  if (woke || resized || changed || host.app->IsAnimating()) host.activeFrames = kFramesAfterActivity;
  if (host.activeFrames <= 0) {  // idle: nothing to draw, no CPU spent
    host.frameStats.Skipped();
    return;
  }
  --host.activeFrames;

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // The canvas size is ours (see SyncCanvasSize), not GLFW's window size; mouse positions are already in canvas pixels.
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(host.width), static_cast<float>(host.height));
  io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
  ImGui::NewFrame();
  host.app->Draw();
  ImGui::Render();
  const double drawn = emscripten_get_now();

  glViewport(0, 0, host.width, host.height);
  glClearColor(0.039f, 0.059f, 0.118f, 1.0f);  // #0A0F1E
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  host.frameStats.Drawn(drawn - start, emscripten_get_now() - drawn);
  oai_notify_frame();
  if (!host.firstFrameDrawn) {
    host.firstFrameDrawn = true;
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

int main() {
  if (!glfwInit()) {
    std::fprintf(stderr, "glfwInit failed\n");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  auto* host = new WebHost();  // lives for the page's lifetime
  g_host = host;
  int fontSize = 0;
  if (unsigned char* font = oai_take_font(&fontSize)) {
    host->font.assign(font, font + fontSize);
    std::free(font);
  }
  // The WebGL context is created at the canvas's final size: resizing its drawing buffer right after creation cost
  // more than creating it.
  CanvasPixels(oai_device_pixel_ratio(), &host->width, &host->height);
  host->window = glfwCreateWindow(host->width, host->height, "OrchestratAI", nullptr, nullptr);
  if (!host->window) {
    std::fprintf(stderr, "WebGL2 is not available in this browser\n");
    return 1;
  }
  glfwMakeContextCurrent(host->window);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is the app's, not a file's
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(host->window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  ImGui_ImplOpenGL3_CreateDeviceObjects();  // so RebuildForScale can swap the font texture from the first frame on

  oai::app::AppServices services;
  services.transport = &host->transport;
  services.storage = &host->storage;
  services.wake = [] { oai_wake(); };
  services.apiBase = "";
  services.host = oai::app::HostKind::Browser;
  services.backendKind = [host] { return host->transport.Kind(); };
  host->app = std::make_unique<oai::app::App>(services);

  oai_install_wake_listeners();
  SyncCanvasSize(*host);
  emscripten_set_main_loop_arg(Frame, nullptr, 0, true);
  return 0;
}
