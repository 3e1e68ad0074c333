// Static files for the page (see static_files.h).
#include "server/static_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace oai::server {

namespace fs = std::filesystem;

std::string MimeTypeFor(const std::string& path) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".wasm", "application/wasm"},
      {".css", "text/css; charset=utf-8"}, {".svg", "image/svg+xml"},
      {".png", "image/png"}, {".ico", "image/x-icon"},
      {".ttf", "font/ttf"}, {".woff2", "font/woff2"},
      {".json", "application/json"}, {".md", "text/markdown; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"}, {".tsv", "text/tab-separated-values; charset=utf-8"}};
  auto it = types.find(fs::path(path).extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

namespace {
std::optional<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
}  // namespace

std::optional<StaticFile> LoadStaticFile(const std::string& root, const std::string& urlPath, bool acceptsGzip) {
  if (root.empty() || urlPath.empty() || urlPath[0] != '/') return std::nullopt;
  std::string rel = urlPath == "/" ? "index.html" : urlPath.substr(1);
  // httplib has already percent-decoded the path. Reject anything that could leave the root or reach hidden files.
  if (rel.find('\0') != std::string::npos || rel.find('\\') != std::string::npos) return std::nullopt;
  for (const auto& part : fs::path(rel)) {
    const std::string s = part.string();
    if (s.empty() || s == ".." || s == "." || s[0] == '.') return std::nullopt;
  }
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(root, ec);
  if (ec) return std::nullopt;
  const fs::path full = fs::weakly_canonical(base / rel, ec);
  if (ec) return std::nullopt;
  auto [rootEnd, nothing] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
  if (rootEnd != base.end() || !fs::is_regular_file(full, ec)) return std::nullopt;

  StaticFile file;
  file.contentType = MimeTypeFor(full.string());
  file.cacheControl = full.filename() == "index.html" ? "no-cache" : "public, max-age=300";
  // cpp-httplib compresses text-like responses itself (gzip or brotli, whichever the client prefers) and would
  // compress a .gz body a second time, so precompressed siblings are used only for the types it leaves alone:
  // the wasm binary and fonts, the largest files of the page.
  const bool compressedByServer = file.contentType.rfind("text/", 0) == 0 ||
                                  file.contentType.find("json") != std::string::npos ||
                                  file.contentType.find("javascript") != std::string::npos ||
                                  file.contentType.find("xml") != std::string::npos;
  if (acceptsGzip && !compressedByServer) {
    fs::path gz = full;
    gz += ".gz";
    if (fs::is_regular_file(gz, ec)) {
      if (auto body = ReadFile(gz)) {
        file.body = std::move(*body);
        file.gzip = true;
        return file;
      }
    }
  }
  auto body = ReadFile(full);
  if (!body) return std::nullopt;
  file.body = std::move(*body);
  return file;
}

}  // namespace oai::server
