// Per-frame CPU time of the application, measured by the host around update + draw (and, separately, the renderer's
// submission), and how many frames were drawn or skipped as idle. Read by the page benchmark (scripts/bench.sh)
// through the web host's orchestratai_frame_stats(); portable, no platform code.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"

namespace oai::app {

class FrameStats {
 public:
  // One drawn frame: milliseconds spent in the app (Update + ImGui NewFrame/Draw/Render) and in the renderer.
  void Drawn(double appMs, double renderMs) {
    ++m_drawn;
    m_app.push_back(appMs);
    m_render.push_back(renderMs);
    if (m_app.size() > kKeep) {
      m_app.erase(m_app.begin(), m_app.begin() + static_cast<std::ptrdiff_t>(kKeep / 2));
      m_render.erase(m_render.begin(), m_render.begin() + static_cast<std::ptrdiff_t>(kKeep / 2));
    }
  }
  void Skipped() { ++m_skipped; }
  void Reset() { *this = FrameStats(); }
  std::int64_t DrawnCount() const { return m_drawn; }
  std::int64_t SkippedCount() const { return m_skipped; }

  // {"drawn", "skipped", "app_ms": {"mean", "p50", "p95", "max"}, "render_ms": {...}} over the kept frames.
  std::string ToJson() const {
    return Json{{"drawn", m_drawn}, {"skipped", m_skipped}, {"app_ms", Summary(m_app)}, {"render_ms", Summary(m_render)}}
        .dump();
  }

 private:
  static constexpr std::size_t kKeep = 4096;
  static Json Summary(std::vector<double> v) {
    if (v.empty()) return Json{{"frames", 0}};
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    auto at = [&v](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))]; };
    return Json{{"frames", v.size()}, {"mean", sum / static_cast<double>(v.size())}, {"p50", at(0.5)}, {"p95", at(0.95)},
                {"max", v.back()}};
  }
  std::int64_t m_drawn = 0;
  std::int64_t m_skipped = 0;
  std::vector<double> m_app;
  std::vector<double> m_render;
};

}  // namespace oai::app
