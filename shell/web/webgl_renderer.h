// The browser host's renderer for Dear ImGui's draw data, on WebGL 2 (the desktop build uses Dear ImGui's OpenGL 3
// backend). It differs from that backend in what it waits for on the way to the first frame: the program is compiled
// and linked as soon as the context exists and nothing asks for its status until the first frame is drawn, so the GPU
// process compiles while the page builds its font atlas and lays out its first frame (with software WebGL, compiling
// and linking took ~45 ms that the page spent waiting). The font atlas is uploaded as one 8-bit channel: no RGBA copy,
// a quarter of the bytes.
#pragma once

#include <GLES3/gl3.h>

#include "imgui.h"

namespace oai::web {

class WebGlRenderer {
 public:
  // Compiles and links the program and makes the buffers; returns at once (call right after the context is made).
  void Start();
  // Uploads the built atlas (replacing the previous texture) and gives Dear ImGui its texture id.
  void SetFontAtlas(ImFontAtlas& atlas);
  // Draws `data` into the current framebuffer of `width` × `height` pixels. Every texture is read as coverage (one
  // channel): the font atlas is the only texture the app draws with.
  void Render(const ImDrawData* data, int width, int height);
  // The program did not link (the browser's WebGL could not compile it): nothing can be drawn.
  bool Failed() const { return m_link == Link::Failed; }

 private:
  bool Ready();  // the link's result and the uniform's location, read once (the first frame waits here if need be)
  void SetupState(int width, int height, const ImDrawData* data) const;

  GLuint m_program = 0;
  GLuint m_vao = 0;
  GLuint m_vertices = 0;
  GLuint m_indices = 0;
  GLuint m_fontTexture = 0;
  GLint m_transform = -1;
  enum class Link { Pending, Ok, Failed } m_link = Link::Pending;
};

}  // namespace oai::web
