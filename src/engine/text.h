// Text handling shared by the index, the router and the composer: Unicode-aware tokenization with case and accent
// folding, routing features, and sentence splitting of markdown (tables become readable sentences).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace oai::engine {

// Folds one word's case and accents: ASCII and Latin-1/Latin Extended-A letters to lower-case ASCII ("Zoë" → "zoe",
// "Straße" → "strasse"), Greek and Cyrillic capitals to lower case; other characters are kept as they are.
std::string FoldWord(std::string_view word);
// Splits on anything that is not a letter or digit (bytes >= 0x80 are letters, so UTF-8 words stay whole) and folds
// each token. Stop words are kept: BM25's idf already discounts them.
std::vector<std::string> Tokenize(std::string_view text);
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

}  // namespace oai::engine
