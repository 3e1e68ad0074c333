// Static hosting of the built page: MIME types, precompressed .gz siblings, security and cache headers, no escape
// from the web root.
#pragma once

#include <optional>
#include <string>

namespace oai::server {

struct StaticFile {
  std::string body;
  std::string contentType;
  bool gzip = false;       // body is the .gz sibling; send Content-Encoding: gzip
  std::string cacheControl;
};

std::string MimeTypeFor(const std::string& path);
// Resolves a URL path ("/", "/app.wasm") inside `root`. nullopt for anything outside the root, hidden files, folders
// and missing files.
std::optional<StaticFile> LoadStaticFile(const std::string& root, const std::string& urlPath, bool acceptsGzip);

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

}  // namespace oai::server
