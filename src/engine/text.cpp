// Tokenization, folding and sentence splitting (see text.h).
#include "engine/text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_set>

namespace oai::engine {

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

namespace {

// ASCII spelling of U+00C0..U+017F (Latin-1 Supplement letters and Latin Extended-A), lower case; "" = not a letter.
const char* LatinFold(unsigned cp) {
  static const std::array<const char*, 64> latin1 = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // C0-CF
      "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // E0-EF
      "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};  // F0-FF
  // U+0100..U+017F in order; "ij" and "oe" ligatures are handled below.
  static const char* extA =
      "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuu"
      "uuuuuuuwwyyyzzzzzzs";
  if (cp >= 0xC0 && cp <= 0xFF) return latin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) {
    static thread_local char one[2] = {0, 0};
    const std::size_t i = cp - 0x100;
    if (cp == 0x132 || cp == 0x133) return "ij";
    if (cp == 0x152 || cp == 0x153) return "oe";
    one[0] = i < std::char_traits<char>::length(extA) ? extA[i] : 0;
    return one[0] ? one : "";
  }
  return nullptr;  // not in the folded ranges
}

void AppendUtf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

const std::unordered_set<std::string>& StopWords() {
  static const std::unordered_set<std::string> words = {
      "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by", "from", "as",
      "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "i", "me", "my", "we", "our", "you",
      "your", "it", "its", "this", "that", "these", "those", "there", "what", "which", "who", "how", "when",
      "where", "why", "can", "could", "would", "should", "will", "shall", "may", "might", "if", "then", "so",
      "s", "t", "about", "any", "some", "have", "has", "had", "not", "no", "get", "please", "tell", "there"};
  return words;
}

}  // namespace

bool IsValidUtf8Text(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    if (c == 0 || (n == 1 && c < 0x09)) return false;  // NUL and control bytes: a binary file, not text
    i += n;
  }
  return true;
}

void FoldWordInto(std::string_view word, std::string& out) {
  // Most words are ASCII: copied whole, then lower-cased in place.
  std::size_t ascii = 0;
  while (ascii < word.size() && static_cast<unsigned char>(word[ascii]) < 0x80) ++ascii;
  if (ascii == word.size()) {
    out.assign(word.data(), word.size());
    for (char& ch : out) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + ('a' - 'A'));  // whatever the locale
    }
    return;
  }
  out.clear();
  for (std::size_t i = 0; i < word.size();) {
    const auto c = static_cast<unsigned char>(word[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));  // ASCII, whatever the locale
      ++i;
      continue;
    }
    if ((c >> 5) == 0x6 && i + 1 < word.size()) {
      const unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(word[i + 1]) & 0x3Fu);
      if (const char* ascii = LatinFold(cp); ascii && *ascii) {
        out += ascii;
      } else if (cp >= 0x391 && cp <= 0x3A9) {
        AppendUtf8(out, cp + 0x20);  // Greek capitals
      } else if (cp >= 0x410 && cp <= 0x42F) {
        AppendUtf8(out, cp + 0x20);  // Cyrillic capitals
      } else if (cp >= 0x400 && cp <= 0x40F) {
        AppendUtf8(out, cp + 0x50);
      } else {
        out.append(word.substr(i, 2));
      }
      i += 2;
      continue;
    }
    out.push_back(word[i]);
    ++i;
  }
}

std::string FoldWord(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  FoldWordInto(word, out);
  return out;
}

// Code points that separate words although they are not ASCII: Latin-1 punctuation and symbols (NBSP, «, », ¿, ¡,
// ×, ÷), the General Punctuation block (dashes, curly quotes, ellipsis) and CJK punctuation.
bool IsSeparator(unsigned cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) ||
         (cp >= 0x3000 && cp <= 0x303F) || cp == 0xFEFF;
}

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  tokens.reserve(text.size() / 8 + 1);  // prose has a word per six bytes or so: few reallocations
  ForEachToken(text, [&tokens](const std::string& t) { tokens.push_back(t); });
  return tokens;
}

bool IsStopWord(const std::string& folded) { return StopWords().count(folded) > 0; }

std::vector<std::string> ContentTerms(std::string_view text) {
  std::vector<std::string> out;
  ForEachToken(text, [&out](const std::string& t) {
    if (!IsStopWord(t)) out.push_back(t);
  });
  return out;
}

std::vector<std::string> RouterFeatures(std::string_view text) {
  // Stop words alone say little about an intent ("how", "the"), but in pairs they do ("how much", "who are",
  // "thank you"): unigrams skip them, bigrams keep them.
  const std::vector<std::string> words = Tokenize(text);
  std::vector<std::string> features;
  for (const auto& w : words) {
    if (!IsStopWord(w)) features.push_back(w);
  }
  for (std::size_t i = 1; i < words.size(); ++i) features.push_back(words[i - 1] + " " + words[i]);
  return features;
}

std::vector<std::string_view> SplitOn(std::string_view text, char sep) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find(sep, start);
    if (end == std::string_view::npos) {
      fields.push_back(text.substr(start));
      break;
    }
    fields.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return fields;
}

std::vector<std::string> Trigrams(const std::string& word) {
  const std::string padded = "^" + word + "$";
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 3 <= padded.size(); ++i) out.push_back(padded.substr(i, 3));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::uint32_t> TrigramCodes(std::string_view word) {
  std::vector<std::uint32_t> out;
  out.reserve(word.size());
  const auto at = [&](std::size_t i) -> std::uint32_t {  // the byte at i of "^word$"
    if (i == 0) return '^';
    if (i == word.size() + 1) return '$';
    return static_cast<unsigned char>(word[i - 1]);
  };
  for (std::size_t i = 0; i + 3 <= word.size() + 2; ++i) out.push_back(at(i) << 16 | at(i + 1) << 8 | at(i + 2));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace oai::engine
