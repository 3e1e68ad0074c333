// Reading a knowledge base from disk (see knowledge.h). No dependency beyond the standard library, so the engine's
// tests (native and WebAssembly under Node) read the shipped documents with the same code.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "server/knowledge.h"

namespace oai::server {

std::string ReadTextFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot read " + path);
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw std::runtime_error("cannot read " + path);
  return out;
}

std::vector<engine::SourceDocument> LoadDocumentsFromDirectory(const std::string& dir,
                                                               std::vector<std::string>* warnings) {
  namespace fs = std::filesystem;
  std::vector<engine::SourceDocument> docs;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error("not a directory: " + dir);
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".md") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string rel = fs::relative(f, dir, ec).generic_string();
    try {
      std::string text = ReadTextFile(f.string());
      if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        if (warnings) warnings->push_back(rel + ": skipped (empty file)");
        continue;
      }
      docs.push_back({rel, std::move(text)});
    } catch (const std::exception& e) {
      if (warnings) warnings->push_back(rel + ": skipped (" + e.what() + ")");
    }
  }
  return docs;
}

}  // namespace oai::server
