// Markdown into passages through md4c (the CommonMark parser Debian ships as libmd4c-dev; the page compiles it from
// Debian's source package): paragraphs into sentences, list items whole, table rows paired with their header cells,
// headings skipped. Emphasis, link targets, quote and list markers are md4c's syntax, not text; code spans, underscores
// inside words and ">" inside a line ("Settings > Billing") are text, so they come out verbatim.
#include <md4c.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "engine/text.h"

namespace oai::engine {

namespace {

// Prose into sentences on ". ", "? " and "! ".
void SplitProse(const std::string& clean, std::vector<std::string>& sentences) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const char c = clean[i];
    const bool end = (c == '.' || c == '?' || c == '!') && (i + 1 == clean.size() || clean[i + 1] == ' ');
    // "e.g. this" and "approx. 5" continue the sentence: a real end is followed by a capital, a quote or nothing.
    if (end && i + 2 < clean.size() && (std::islower(static_cast<unsigned char>(clean[i + 2])) ||
                                        std::isdigit(static_cast<unsigned char>(clean[i + 2])))) {
      continue;
    }
    if (end) {
      std::string s = Trim(std::string_view(clean).substr(start, i + 1 - start));
      if (!s.empty()) sentences.push_back(std::move(s));
      start = i + 1;
    }
  }
  std::string rest = Trim(std::string_view(clean).substr(std::min(start, clean.size())));
  if (!rest.empty()) sentences.push_back(std::move(rest));
}


// One table cell (or a list item, or a paragraph) being read.
struct Reader {
  std::vector<Passage> passages;
  int block = 0;
  std::string text;          // the leaf block being read
  int headingDepth = 0;      // inside a heading: its text is not a passage
  int codeDepth = 0;         // inside a code block
  struct List {
    bool ordered = false;
    unsigned next = 1;       // the next item's number
  };
  std::vector<List> lists;
  int itemDepth = 0;         // list items open (their paragraphs belong to them)
  int itemOrdinal = 0;
  std::vector<std::string> header;  // the current table's header cells
  std::vector<std::string> row;
  bool inHead = false;

  void Prose() {
    std::vector<std::string> sentences;
    SplitProse(Trim(text), sentences);
    for (auto& s : sentences) passages.push_back({std::move(s), PassageKind::Prose, 0, block});
    text.clear();
  }
  void Item() {
    std::string t = Trim(text);
    if (!t.empty()) passages.push_back({std::move(t), PassageKind::ListItem, itemOrdinal, block});
    text.clear();
  }
  void Code() {
    // A code block's lines, each verbatim (commands and examples are copied as they are).
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = Trim(std::string_view(text).substr(start, end - start));
      if (!line.empty()) passages.push_back({std::move(line), PassageKind::Prose, 0, block});
      start = end + 1;
    }
    text.clear();
  }
  void Row() {
    std::string sentence;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row[i].empty()) continue;
      if (!sentence.empty()) sentence += "; ";
      if (i < header.size() && !header[i].empty()) sentence += header[i] + ": ";
      sentence += row[i];
    }
    if (!sentence.empty()) passages.push_back({sentence + ".", PassageKind::TableRow, 0, block});
    row.clear();
  }
};

int EnterBlock(MD_BLOCKTYPE type, void* detail, void* userdata) {
  Reader& r = *static_cast<Reader*>(userdata);
  switch (type) {
    case MD_BLOCK_H:
      ++r.block;
      ++r.headingDepth;
      break;
    case MD_BLOCK_CODE:
      ++r.block;
      ++r.codeDepth;
      r.text.clear();
      break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL: {
      if (r.lists.empty()) ++r.block;  // a list is one block; nested lists belong to it
      Reader::List list;
      list.ordered = type == MD_BLOCK_OL;
      if (list.ordered) list.next = static_cast<const MD_BLOCK_OL_DETAIL*>(detail)->start;
      r.lists.push_back(list);
      break;
    }
    case MD_BLOCK_LI:
      if (r.itemDepth > 0) r.Item();  // the parent item's own text comes before its nested items
      ++r.itemDepth;
      r.itemOrdinal = !r.lists.empty() && r.lists.back().ordered ? static_cast<int>(r.lists.back().next++) : 0;
      r.text.clear();
      break;
    case MD_BLOCK_P:
      if (r.itemDepth == 0) {
        ++r.block;
        r.text.clear();
      } else if (!r.text.empty()) {
        r.text += ' ';  // a loose item's second paragraph continues it
      }
      break;
    case MD_BLOCK_TABLE:
      ++r.block;
      r.header.clear();
      break;
    case MD_BLOCK_THEAD:
      r.inHead = true;
      break;
    case MD_BLOCK_TR:
      r.row.clear();
      break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      r.text.clear();
      break;
    default:
      break;
  }
  return 0;
}

int LeaveBlock(MD_BLOCKTYPE type, void*, void* userdata) {
  Reader& r = *static_cast<Reader*>(userdata);
  switch (type) {
    case MD_BLOCK_H:
      --r.headingDepth;
      r.text.clear();
      break;
    case MD_BLOCK_CODE:
      --r.codeDepth;
      r.Code();
      break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
      r.lists.pop_back();
      break;
    case MD_BLOCK_LI:
      r.Item();
      --r.itemDepth;
      break;
    case MD_BLOCK_P:
      if (r.itemDepth == 0) r.Prose();
      break;
    case MD_BLOCK_THEAD:
      r.inHead = false;
      break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      r.row.push_back(Trim(r.text));
      r.text.clear();
      break;
    case MD_BLOCK_TR:
      if (r.inHead) r.header = std::move(r.row);
      else r.Row();
      r.row.clear();
      break;
    default:
      break;
  }
  return 0;
}

int Span(MD_SPANTYPE, void*, void*) { return 0; }

// The few entities a knowledge base writes; others stay as written.
std::string Entity(std::string_view e) {
  if (e == "&amp;") return "&";
  if (e == "&lt;") return "<";
  if (e == "&gt;") return ">";
  if (e == "&quot;") return "\"";
  if (e == "&#39;" || e == "&apos;") return "'";
  if (e == "&nbsp;") return " ";
  if (e == "&mdash;") return "\u2014";
  if (e == "&ndash;") return "\u2013";
  return std::string(e);
}

int Text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
  Reader& r = *static_cast<Reader*>(userdata);
  if (r.headingDepth > 0) return 0;
  const std::string_view t(text, size);
  switch (type) {
    case MD_TEXT_NORMAL:
    case MD_TEXT_CODE:
      r.text.append(t);
      break;
    case MD_TEXT_ENTITY:
      r.text += Entity(t);
      break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
      r.text += r.codeDepth > 0 ? '\n' : ' ';
      break;
    case MD_TEXT_NULLCHAR:
      break;
    default:  // raw HTML, LaTeX: not prose
      break;
  }
  return 0;
}

}  // namespace

std::vector<Passage> SplitPassages(std::string_view text) {
  Reader reader;
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS | MD_FLAG_NOHTML;
  parser.enter_block = EnterBlock;
  parser.leave_block = LeaveBlock;
  parser.enter_span = Span;
  parser.leave_span = Span;
  parser.text = Text;
  md_parse(text.data(), static_cast<MD_SIZE>(text.size()), &parser, &reader);
  return std::move(reader.passages);
}

std::vector<std::string> SplitSentences(std::string_view text) {
  std::vector<std::string> out;
  for (auto& p : SplitPassages(text)) out.push_back(std::move(p.text));
  return out;
}

}  // namespace oai::engine
