// Static hosting of the built page: MIME types, precompressed .gz siblings, security and cache headers, no escape
// from the web root.
#pragma once

#include <optional>
#include <string>

namespace oai::server {

struct StaticFile {
  std::string body;
  std::string contentType;
  bool gzip = false;       // body is gzip-compressed (the .gz sibling, or compressed now); send Content-Encoding: gzip
  std::string cacheControl;
};

// gzip (RFC 1952) of `data` at zlib `level` (1 fast … 9 small). nullopt only when zlib fails.
std::optional<std::string> Gzip(const std::string& data, int level);
// True for types worth compressing: text, JSON, JavaScript, XML, SVG.
bool IsCompressibleType(const std::string& contentType);

std::string MimeTypeFor(const std::string& path);
// Resolves a URL path ("/", "/app.wasm") inside `root`. nullopt for anything outside the root, hidden files, folders
// and missing files. With `acceptsGzip`, the body is the file's .gz sibling when there is one at least as new as the
// file (the build writes them), otherwise text types over 1 KB are compressed on the fly.
std::optional<StaticFile> LoadStaticFile(const std::string& root, const std::string& urlPath, bool acceptsGzip);

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

}  // namespace oai::server
