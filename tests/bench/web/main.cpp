// The reference for the page benchmark: a bare Dear ImGui page (one window, the same Emscripten and link flags as
// the app), so the app's time to its first frame is compared with what Dear ImGui itself needs in the same run.
#include <emscripten.h>
#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>

#include <cstdio>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"

namespace {
GLFWwindow* g_window = nullptr;
bool g_first = true;

void Frame() {
  if (g_first) EM_ASM({performance.mark('oai-frame-start')});
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  ImGui::Begin("Hello");
  ImGui::TextUnformatted("A bare Dear ImGui page.");
  ImGui::End();
  ImGui::Render();
  if (g_first) EM_ASM({performance.mark('oai-drawn')});
  int w = 0, h = 0;
  glfwGetFramebufferSize(g_window, &w, &h);
  glViewport(0, 0, w, h);
  glClearColor(0.039f, 0.059f, 0.118f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (g_first) {
    g_first = false;
    EM_ASM(performance.mark('oai-frame-end'); window.benchFirstFrameAt = performance.now(););
  }
}
}  // namespace

int main() {
  // The same User Timing marks as the app's host (shell/web/main.cpp), so the bench compares the two phase by phase.
  EM_ASM({performance.mark('oai-main')});
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  g_window = glfwCreateWindow(1280, 800, "Bare Dear ImGui", nullptr, nullptr);
  if (!g_window) {
    std::fprintf(stderr, "WebGL2 is not available\n");
    return 1;
  }
  glfwMakeContextCurrent(g_window);
  EM_ASM({performance.mark('oai-window')});
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui_ImplGlfw_InitForOpenGL(g_window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  EM_ASM({performance.mark('oai-device')});
  emscripten_set_main_loop(Frame, 0, true);
  return 0;
}
