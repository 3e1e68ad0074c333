// WebGlRenderer: compile without waiting, draw Dear ImGui's command lists with scissor rectangles, alpha-only atlas.
#include "webgl_renderer.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace oai::web {
namespace {

// Positions in framebuffer pixels, mapped to clip space by uTransform (scale xy, offset zw). Attribute locations are
// fixed in the source, so nothing is looked up after linking but the one uniform. The sampler reads texture unit 0,
// its default.
constexpr const char* kVertexShader = R"(#version 300 es
uniform vec4 uTransform;
layout(location = 0) in vec2 aPosition;
layout(location = 1) in vec2 aUv;
layout(location = 2) in vec4 aColor;
out vec2 vUv;
out vec4 vColor;
void main() {
  vUv = aUv;
  vColor = aColor;
  gl_Position = vec4(aPosition * uTransform.xy + uTransform.zw, 0.0, 1.0);
}
)";
// The atlas holds coverage only (one channel): the vertex colour gives the colour, the texel its alpha.
constexpr const char* kFragmentShader = R"(#version 300 es
precision mediump float;
uniform sampler2D uAtlas;
in vec2 vUv;
in vec4 vColor;
out vec4 outColor;
void main() {
  outColor = vec4(vColor.rgb, vColor.a * texture(uAtlas, vUv).r);
}
)";

GLuint Compile(GLenum kind, const char* source) {
  const GLuint shader = glCreateShader(kind);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  return shader;
}

void PrintLog(const char* what, GLuint object, bool program) {
  GLint length = 0;
  if (program) glGetProgramiv(object, GL_INFO_LOG_LENGTH, &length);
  else glGetShaderiv(object, GL_INFO_LOG_LENGTH, &length);
  std::vector<char> log(static_cast<std::size_t>(length > 1 ? length : 1), '\0');
  if (length > 1) {
    if (program) glGetProgramInfoLog(object, length, nullptr, log.data());
    else glGetShaderInfoLog(object, length, nullptr, log.data());
  }
  std::fprintf(stderr, "WebGL: the %s failed: %s\n", what, log.data());
}

}  // namespace

void WebGlRenderer::Start() {
  const GLuint vs = Compile(GL_VERTEX_SHADER, kVertexShader);
  const GLuint fs = Compile(GL_FRAGMENT_SHADER, kFragmentShader);
  m_program = glCreateProgram();
  glAttachShader(m_program, vs);
  glAttachShader(m_program, fs);
  glLinkProgram(m_program);
  // Deleting attached shaders only flags them: they go with the program, and their logs stay readable until then.
  glDeleteShader(vs);
  glDeleteShader(fs);

  glGenVertexArrays(1, &m_vao);
  glGenBuffers(1, &m_vertices);
  glGenBuffers(1, &m_indices);
  glBindVertexArray(m_vao);
  glBindBuffer(GL_ARRAY_BUFFER, m_vertices);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, m_indices);  // part of the vertex array's state
  glEnableVertexAttribArray(0);
  glEnableVertexAttribArray(1);
  glEnableVertexAttribArray(2);
  constexpr GLsizei stride = sizeof(ImDrawVert);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, col)));
  glBindVertexArray(0);

  ImGuiIO& io = ImGui::GetIO();
  io.BackendRendererName = "oai_webgl2";
}

bool WebGlRenderer::Ready() {
  if (m_link != Link::Pending) return m_link == Link::Ok;
  GLint linked = GL_FALSE;
  glGetProgramiv(m_program, GL_LINK_STATUS, &linked);
  if (linked != GL_TRUE) {
    GLuint shaders[2] = {0, 0};
    GLsizei count = 0;
    glGetAttachedShaders(m_program, 2, &count, shaders);
    for (GLsizei i = 0; i < count; ++i) {
      GLint compiled = GL_FALSE;
      glGetShaderiv(shaders[i], GL_COMPILE_STATUS, &compiled);
      if (compiled != GL_TRUE) PrintLog("shader's compilation", shaders[i], false);
    }
    PrintLog("program's link", m_program, true);
    m_link = Link::Failed;
    return false;
  }
  m_transform = glGetUniformLocation(m_program, "uTransform");
  m_link = Link::Ok;
  return true;
}

void WebGlRenderer::SetFontAtlas(ImFontAtlas& atlas) {
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  atlas.GetTexDataAsAlpha8(&pixels, &width, &height);
  if (m_fontTexture) glDeleteTextures(1, &m_fontTexture);
  glGenTextures(1, &m_fontTexture);
  glBindTexture(GL_TEXTURE_2D, m_fontTexture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width, height, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
  atlas.SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(m_fontTexture)));
}

void WebGlRenderer::SetupState(int width, int height, const ImDrawData* data) const {
  glViewport(0, 0, width, height);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glEnable(GL_SCISSOR_TEST);
  glUseProgram(m_program);
  // Display coordinates (origin top left, y down) to clip space.
  const ImVec2 scale = data->FramebufferScale;
  const float sx = 2.0f * scale.x / static_cast<float>(width);
  const float sy = -2.0f * scale.y / static_cast<float>(height);
  glUniform4f(m_transform, sx, sy, -1.0f - data->DisplayPos.x * sx, 1.0f - data->DisplayPos.y * sy);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(m_vao);
  glBindBuffer(GL_ARRAY_BUFFER, m_vertices);  // not part of the vertex array's state: the uploads below go here
}

void WebGlRenderer::Render(const ImDrawData* data, int width, int height) {
  if (!data || width <= 0 || height <= 0 || data->CmdListsCount == 0 || !Ready()) return;
  SetupState(width, height, data);
  const ImVec2 origin = data->DisplayPos;
  const ImVec2 scale = data->FramebufferScale;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(list->VtxBuffer.Size) * sizeof(ImDrawVert), list->VtxBuffer.Data,
                 GL_STREAM_DRAW);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(list->IdxBuffer.Size) * sizeof(ImDrawIdx),
                 list->IdxBuffer.Data, GL_STREAM_DRAW);
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) {
        if (cmd.UserCallback == ImDrawCallback_ResetRenderState) SetupState(width, height, data);
        else cmd.UserCallback(list, &cmd);
        continue;
      }
      const float x0 = (cmd.ClipRect.x - origin.x) * scale.x;
      const float y0 = (cmd.ClipRect.y - origin.y) * scale.y;
      const float x1 = (cmd.ClipRect.z - origin.x) * scale.x;
      const float y1 = (cmd.ClipRect.w - origin.y) * scale.y;
      if (x1 <= x0 || y1 <= y0) continue;
      glScissor(static_cast<GLint>(x0), static_cast<GLint>(static_cast<float>(height) - y1), static_cast<GLsizei>(x1 - x0),
                static_cast<GLsizei>(y1 - y0));
      glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<std::intptr_t>(cmd.GetTexID())));
      glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(cmd.ElemCount),
                     sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                     reinterpret_cast<void*>(static_cast<std::intptr_t>(cmd.IdxOffset * sizeof(ImDrawIdx))));
    }
  }
  glBindVertexArray(0);
  glDisable(GL_SCISSOR_TEST);
}

}  // namespace oai::web
