// Query synonyms (see synonyms.h).
#include "engine/synonyms.h"

#include <stdexcept>

#include "engine/text.h"

namespace oai::engine {

void Synonyms::Load(std::string_view tsv) {
  m_entries.clear();
  std::size_t lineNo = 0;
  for (std::string_view line : SplitOn(tsv, '\n')) {
    ++lineNo;
    const std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#' || trimmed.rfind("phrase\t", 0) == 0) continue;
    const auto tab = trimmed.find('\t');
    if (tab == std::string::npos) {
      throw std::invalid_argument("synonyms line " + std::to_string(lineNo) + ": expected phrase<TAB>words");
    }
    std::vector<std::string> phrase = Tokenize(std::string_view(trimmed).substr(0, tab));
    std::vector<std::string> adds = Tokenize(std::string_view(trimmed).substr(tab + 1));
    if (phrase.empty() || adds.empty()) continue;
    m_entries.emplace_back(std::move(phrase), std::move(adds));
  }
}

std::vector<Synonyms::Match> Synonyms::Find(const std::vector<std::string>& tokens) const {
  std::vector<Match> out;
  for (const auto& [phrase, adds] : m_entries) {
    for (std::size_t i = 0; i + phrase.size() <= tokens.size(); ++i) {
      bool same = true;
      for (std::size_t k = 0; k < phrase.size() && same; ++k) same = tokens[i + k] == phrase[k];
      if (same) {
        out.push_back({phrase, adds});
        break;
      }
    }
  }
  return out;
}

}  // namespace oai::engine
