// Static files for the page (see static_files.h).
#include "server/static_files.h"

#include <zlib.h>

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
      {".ttf", "font/ttf"}, {".otf", "font/otf"}, {".woff2", "font/woff2"},
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
  // The server chooses compression itself (routes.cpp keeps cpp-httplib from doing it): the build's precompressed
  // sibling when it is not older than the file, else on-the-fly gzip for text.
  if (acceptsGzip) {
    fs::path gz = full;
    gz += ".gz";
    if (fs::is_regular_file(gz, ec) && fs::last_write_time(gz, ec) >= fs::last_write_time(full, ec) && !ec) {
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
  if (acceptsGzip && file.body.size() > 1024 && IsCompressibleType(file.contentType)) {
    if (auto packed = Gzip(file.body, 6)) {
      file.body = std::move(*packed);
      file.gzip = true;
    }
  }
  return file;
}

bool IsCompressibleType(const std::string& t) {
  return (t.rfind("text/", 0) == 0 && t.rfind("text/event-stream", 0) != 0) || t.find("json") != std::string::npos ||
         t.find("javascript") != std::string::npos || t.find("xml") != std::string::npos;
}

std::optional<std::string> Gzip(const std::string& data, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const std::size_t produced = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(produced);
  return out;
}

}  // namespace oai::server
