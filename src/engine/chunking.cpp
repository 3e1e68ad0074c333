// Heading-aware markdown chunking (see chunking.h).
#include "engine/chunking.h"

#include <cctype>

#include "engine/text.h"

namespace oai::engine {

namespace {

int HeadingLevel(std::string_view line) {
  int level = 0;
  while (level < static_cast<int>(line.size()) && line[level] == '#') ++level;
  if (level == 0 || level > 6 || level >= static_cast<int>(line.size()) || line[level] != ' ') return 0;
  return level;
}

struct Section {
  std::string headingPath;
  std::size_t start, end;
};

}  // namespace

std::vector<Chunk> ChunkMarkdown(const SourceDocument& doc, std::string* problem) {
  std::vector<Chunk> chunks;
  const std::string& text = doc.text;
  if (!IsValidUtf8Text(text)) {
    if (problem) *problem = "not UTF-8 text";
    return chunks;
  }
  const std::size_t slash = doc.path.find('/');
  const std::string domain = slash == std::string::npos ? "general" : doc.path.substr(0, slash);
  std::vector<std::string> headings;  // current heading at each level
  std::string title;
  std::vector<Section> sections;
  std::size_t sectionStart = 0;
  std::string currentPath;
  bool inFence = false;  // headings inside ``` code blocks are code, not structure
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line(text.data() + pos, eol - pos);
    if (line.rfind("```", 0) == 0) inFence = !inFence;
    if (int level = inFence ? 0 : HeadingLevel(line); level > 0) {
      if (pos > sectionStart) sections.push_back({currentPath, sectionStart, pos});
      std::string heading = Trim(line.substr(static_cast<std::size_t>(level) + 1));
      if (title.empty()) title = heading;
      headings.resize(static_cast<std::size_t>(level));
      headings[static_cast<std::size_t>(level) - 1] = heading;
      currentPath.clear();
      for (const auto& h : headings) {
        if (h.empty()) continue;
        if (!currentPath.empty()) currentPath += " > ";
        currentPath += h;
      }
      sectionStart = eol < text.size() ? eol + 1 : eol;
    }
    if (eol == text.size()) break;
    pos = eol + 1;
  }
  if (text.size() > sectionStart) sections.push_back({currentPath, sectionStart, text.size()});

  for (const Section& s : sections) {
    std::size_t pieceStart = s.start;
    while (pieceStart < s.end) {
      std::size_t pieceEnd = s.end;
      if (pieceEnd - pieceStart > kMaxChunkBytes) {
        const std::size_t limit = pieceStart + kMaxChunkBytes;
        std::size_t cut = text.rfind("\n\n", limit);
        if (cut == std::string::npos || cut <= pieceStart) cut = text.rfind('\n', limit);
        if (cut == std::string::npos || cut <= pieceStart) cut = text.rfind(' ', limit);
        if (cut == std::string::npos || cut <= pieceStart) cut = limit;
        while (cut > pieceStart && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole characters
        pieceEnd = cut;
      }
      std::string body = Trim(std::string_view(text).substr(pieceStart, pieceEnd - pieceStart));
      if (!Tokenize(body).empty()) {
        Chunk c;
        c.document = doc.path;
        c.domain = domain;
        c.headingPath = s.headingPath.empty() ? doc.path : s.headingPath;
        c.text = std::move(body);
        c.start = pieceStart;
        c.end = pieceEnd;
        chunks.push_back(std::move(c));
      }
      pieceStart = pieceEnd;
    }
  }
  for (auto& c : chunks) c.title = title.empty() ? doc.path : title;
  if (chunks.empty() && problem) {
    *problem = text.find_first_not_of(" \t\r\n") == std::string::npos ? "empty file" : "no prose below the headings";
  }
  return chunks;
}

}  // namespace oai::engine
