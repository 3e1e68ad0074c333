// Desktop host for debugging: the same app in a GLFW + OpenGL 3 window, talking to a companion server with
// cpp-httplib. Sleeps in glfwWaitEvents while nothing changes; network callbacks wake it with glfwPostEmptyEvent.
//
//   orchestratai-desktop [--server URL] [--storage FILE] [--ask TEXT] [--exit-after-frames N] [--timeout SEC]
#include <GLFW/glfw3.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/theme.h"
#include "http_transport.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"

namespace {

constexpr int kFramesAfterActivity = 8;

// Key-value store persisted as a small JSON file (the desktop's localStorage).
class FileStore : public oai::app::KeyValueStore {
 public:
  explicit FileStore(std::string path) : m_path(std::move(path)) {
    std::ifstream in(m_path);
    if (!in) return;
    try {
      m_values = nlohmann::json::parse(in).get<std::map<std::string, std::string>>();
    } catch (const std::exception&) {
      std::fprintf(stderr, "orchestratai-desktop: ignoring unreadable state file %s\n", m_path.c_str());
    }
  }
  std::optional<std::string> Get(const std::string& key) override {
    auto it = m_values.find(key);
    return it == m_values.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  void Set(const std::string& key, const std::string& value) override {
    m_values[key] = value;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(m_path).parent_path(), ec);
    const std::string tmp = m_path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << nlohmann::json(m_values).dump(2);
    }
    std::filesystem::rename(tmp, m_path, ec);  // atomic: a crash never leaves half a file
  }

 private:
  std::string m_path;
  std::map<std::string, std::string> m_values;
};

struct Options {
  std::string server = "http://127.0.0.1:8080";
  std::string storage;
  std::string ask;
  long exitAfterFrames = -1;
  double timeoutSec = 30.0;
};

void PrintHelp() {
  std::printf(
      "orchestratai-desktop: the OrchestratAI UI in a desktop window (for debugging)\n\n"
      "  --server URL             companion server (default http://127.0.0.1:8080)\n"
      "  --storage FILE           where the session id is kept (default ~/.config/orchestratai/desktop.json)\n"
      "  --ask TEXT               send TEXT once the window is up; exit 0 when the answer arrives (smoke tests)\n"
      "  --exit-after-frames N    draw N frames and exit (smoke tests)\n"
      "  --timeout SEC            with --ask: give up after SEC seconds (default 30)\n"
      "  --help                   this text\n");
}

bool ParseOptions(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "orchestratai-desktop: %s needs a value\n", name);
        return nullptr;
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      PrintHelp();
      std::exit(0);
    } else if (a == "--server") {
      const char* v = value("--server");
      if (!v) return false;
      o.server = v;
    } else if (a == "--storage") {
      const char* v = value("--storage");
      if (!v) return false;
      o.storage = v;
    } else if (a == "--ask") {
      const char* v = value("--ask");
      if (!v) return false;
      o.ask = v;
    } else if (a == "--exit-after-frames") {
      const char* v = value("--exit-after-frames");
      if (!v) return false;
      o.exitAfterFrames = std::strtol(v, nullptr, 10);
    } else if (a == "--timeout") {
      const char* v = value("--timeout");
      if (!v) return false;
      o.timeoutSec = std::strtod(v, nullptr);
    } else {
      std::fprintf(stderr, "orchestratai-desktop: unknown option %s (see --help)\n", a.c_str());
      return false;
    }
  }
  if (o.server.rfind("http://", 0) != 0 && o.server.rfind("https://", 0) != 0) {
    std::fprintf(stderr, "orchestratai-desktop: --server must be an http:// or https:// URL (got %s)\n",
                 o.server.c_str());
    return false;
  }
  if (o.storage.empty()) {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    const std::string dir = xdg && *xdg ? std::string(xdg) : std::string(home ? home : ".") + "/.config";
    o.storage = dir + "/orchestratai/desktop.json";
  }
  return true;
}

// An ISO 8601 UTC timestamp on this computer's clock ("10:27"), for the chat's times; empty when it does not parse.
// An export goes to ~/Downloads (the working directory when there is none), and the path is printed.
void SaveExport(const std::string& name, const std::string&, const std::string& content) {
  const char* home = std::getenv("HOME");
  std::filesystem::path dir = home ? std::filesystem::path(home) / "Downloads" : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) dir = ".";
  const std::filesystem::path file = dir / std::filesystem::path(name).filename();
  std::ofstream out(file, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  std::fprintf(stderr, out ? "saved %s\n" : "could not save %s\n", file.string().c_str());
}

std::string LocalTimeOfDay(const std::string& iso) {
  std::tm utc{};
  if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d", &utc.tm_year, &utc.tm_mon, &utc.tm_mday, &utc.tm_hour, &utc.tm_min,
                  &utc.tm_sec) != 6)
    return {};
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  const std::time_t t = timegm(&utc);
  std::tm local{};
  if (!localtime_r(&t, &local)) return {};
  char out[16];
  return std::strftime(out, sizeof out, "%H:%M", &local) ? std::string(out) : std::string();
}

std::vector<unsigned char> ReadBytes(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The type scale from the UI fonts (Inter, regular and semibold), with the arrows, box drawing and shapes Inter lacks
// merged from DejaVu Sans; Dear ImGui's built-in font when Inter is not installed.
void BuildFonts(float scale) {
  static const std::vector<unsigned char> regular = ReadBytes(OAI_UI_FONT);
  static const std::vector<unsigned char> semibold = ReadBytes(OAI_UI_FONT_SEMIBOLD);
  static const std::vector<unsigned char> fallback = ReadBytes(OAI_FALLBACK_FONT);
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0100, 0x024F, 0x0370, 0x03FF, 0x0400, 0x04FF,
                                    0x2000, 0x206F, 0x20A0, 0x20CF, 0x2190, 0x21FF, 0x2500, 0x25FF, 0};
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  if (regular.empty()) {
    io.Fonts->AddFontDefault();
    io.Fonts->Build();
    return;
  }
  const float px = std::round(oai::app::kBodySize * scale);
  for (const std::vector<unsigned char>* bytes : {&regular, &fallback}) {
    if (bytes->empty()) continue;
    ImFontConfig cfg;
    cfg.FontDataOwnedByAtlas = false;
    cfg.MergeMode = bytes == &fallback;  // only what the UI font lacks
    io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(bytes->data()), static_cast<int>(bytes->size()), px, &cfg,
                                   kRanges);
  }
  oai::app::AddTypeScale(io.Fonts, regular.data(), static_cast<int>(regular.size()), semibold.data(),
                         static_cast<int>(semibold.size()), scale);
  io.Fonts->Build();
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!ParseOptions(argc, argv, opt)) return 2;

  glfwSetErrorCallback([](int code, const char* text) { std::fprintf(stderr, "GLFW error %d: %s\n", code, text); });
  if (!glfwInit()) {
    std::fprintf(stderr, "orchestratai-desktop: no display (set DISPLAY or run under xvfb-run)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(1400, 860, "OrchestratAI", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "orchestratai-desktop: could not create an OpenGL 3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  // The desktop renders in framebuffer pixels like the browser does, so one scale drives fonts and style.
  float xscale = 1.0f, yscale = 1.0f;
  glfwGetWindowContentScale(window, &xscale, &yscale);
  const float scale = std::max(1.0f, xscale);
  BuildFonts(scale);
  oai::app::ApplyTheme(scale);

  int exitCode = 0;
  {
    oai::shell::HttpTransport transport(opt.server);
    FileStore storage(opt.storage);
    oai::app::AppServices services;
    services.transport = &transport;
    services.storage = &storage;
    services.wake = [] { glfwPostEmptyEvent(); };
    services.apiBase = "";
    services.host = oai::app::HostKind::Desktop;
    services.localTime = LocalTimeOfDay;
    services.streamAnswers = true;  // answers grow as POST /api/chat/stream delivers them
    services.saveFile = SaveExport;
    oai::app::App app(services);
    app.SetDisplayScale(scale);
    app.Start();

    const auto started = std::chrono::steady_clock::now();
    bool asked = false;
    long frames = 0;
    int activeFrames = kFramesAfterActivity;
    while (!glfwWindowShouldClose(window)) {
      if (activeFrames > 0) {
        glfwPollEvents();
      } else {
        glfwWaitEventsTimeout(0.5);
      }
      const bool changed = app.Update();
      if (changed || app.IsAnimating()) activeFrames = kFramesAfterActivity;
      activeFrames = std::max(activeFrames - 1, 0);

      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      ImGui::NewFrame();
      app.Draw();
      ImGui::Render();
      int w = 0, h = 0;
      glfwGetFramebufferSize(window, &w, &h);
      glViewport(0, 0, w, h);
      glClearColor(0.039f, 0.059f, 0.118f, 1.0f);
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
      glfwSwapBuffers(window);
      ++frames;
      if (io.InputQueueCharacters.Size > 0 || io.MouseDelta.x != 0 || io.MouseDelta.y != 0) {
        activeFrames = kFramesAfterActivity;
      }

      if (!opt.ask.empty()) {
        const oai::app::State& state = app.GetState();
        if (!asked && !state.domain.sessionId.empty() && !state.domain.sending) {
          app.Dispatch(oai::app::SendRequested{opt.ask});
          asked = true;
        }
        const bool answered = asked && !state.domain.sending && !state.domain.messages.empty() &&
                              state.domain.messages.back().role == oai::MessageRole::Assistant;
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (answered) {
          std::printf("%s\n", app.DebugJson().c_str());
          break;
        }
        if (elapsed > opt.timeoutSec || (asked && state.domain.error.has_value())) {
          std::fprintf(stderr, "orchestratai-desktop: no answer (%s)\n", app.DebugJson().c_str());
          exitCode = 1;
          break;
        }
        activeFrames = kFramesAfterActivity;  // keep polling until the answer arrives
      }
      if (opt.exitAfterFrames >= 0 && frames >= opt.exitAfterFrames) break;
    }
  }

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exitCode;
}
