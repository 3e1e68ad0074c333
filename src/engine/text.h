// Text handling shared by the index, the router and the composer: Unicode-aware tokenization with case and accent
// folding, routing features, and sentence splitting of markdown (tables become readable sentences).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace oai::engine {

// Folds one word's case and accents: ASCII and Latin-1/Latin Extended-A letters to lower-case ASCII ("Zoë" → "zoe",
// "Straße" → "strasse"), Greek and Cyrillic capitals to lower case; other characters are kept as they are.
std::string FoldWord(std::string_view word);
// The same into `out` (replacing its contents): a caller that reuses `out` allocates nothing per word.
void FoldWordInto(std::string_view word, std::string& out);
// Splits on anything that is not a letter or digit (bytes >= 0x80 are letters, so UTF-8 words stay whole) and folds
// each token. Stop words are kept: BM25's idf already discounts them.
std::vector<std::string> Tokenize(std::string_view text);
// The same tokens handed to `f` one by one, in a buffer reused from one token to the next (building an index of
// 100,000 chunks allocates nothing per word).
template <class F>
void ForEachToken(std::string_view text, F&& f);
// Whether a code point of 0x80 or above separates words (punctuation and symbols outside ASCII).
bool IsSeparator(unsigned cp);
template <class F>
void ForEachToken(std::string_view text, F&& f) {
  std::string folded;
  std::size_t start = std::string_view::npos;
  std::size_t i = 0;
  const auto asciiWordByte = [](unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  while (i <= text.size()) {
    // A run of ASCII letters and digits at once (most of a text); what ends it is looked at below.
    if (i < text.size() && asciiWordByte(static_cast<unsigned char>(text[i]))) {
      if (start == std::string_view::npos) start = i;
      do ++i;
      while (i < text.size() && asciiWordByte(static_cast<unsigned char>(text[i])));
      continue;
    }
    std::size_t len = 1;
    bool word = false;
    if (i < text.size()) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c < 0x80) {
        word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      } else {
        len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
        if (i + len > text.size()) len = 1;
        unsigned cp = len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : len == 4 ? (c & 0x07u) : c;
        for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
        word = !IsSeparator(cp);
      }
    }
    if (word && start == std::string_view::npos) start = i;
    if (!word && start != std::string_view::npos) {
      FoldWordInto(text.substr(start, i - start), folded);
      f(static_cast<const std::string&>(folded));
      start = std::string_view::npos;
    }
    i += len;
  }
}

// Tokens without stop words, for similarity keys and answer selection.
std::vector<std::string> ContentTerms(std::string_view text);
bool IsStopWord(const std::string& folded);
// Whole-word features for routing: unigrams plus adjacent bigrams ("annual plan").
std::vector<std::string> RouterFeatures(std::string_view text);
// A unit of an answer: one sentence of prose, one list item, or one table row.
enum class PassageKind { Prose, ListItem, TableRow };
struct Passage {
  std::string text;
  PassageKind kind = PassageKind::Prose;
  int ordinal = 0;  // an ordered list item's number; 0 otherwise
  int block = 0;    // paragraphs, lists and tables are numbered in reading order; passages of one block share it
};
// Splits markdown into passages: prose into sentences on ". ", "? ", "! " and line ends; list items whole; each table
// row one passage pairing the header cells with the row's cells ("Plan: Pro; Price per seat per month: $49").
// Headings are skipped. Emphasis, code ticks, quote and bullet markers go; identifiers and menu paths stay verbatim.
std::vector<Passage> SplitPassages(std::string_view text);
// The passages' texts.
std::vector<std::string> SplitSentences(std::string_view text);
bool IsValidUtf8Text(std::string_view s);
// `s` without leading and trailing ASCII white space.
std::string Trim(std::string_view s);
// Splits `text` on `sep` into views of `text`; keeps empty fields ("a||b" → a, "", b) and yields no field after a
// trailing separator, like std::getline. The engine avoids iostreams: they pull C++ locales into the page's wasm.
std::vector<std::string_view> SplitOn(std::string_view text, char sep);
// Character trigrams of "^word$" (the markers let short words and word edges count).
std::vector<std::string> Trigrams(const std::string& word);
// The same trigrams as numbers (the three bytes, first byte highest), sorted and without repeats: what the index keys
// its trigram lists by, with no string per trigram.
std::vector<std::uint32_t> TrigramCodes(std::string_view word);

}  // namespace oai::engine
