// Query synonyms (see synonyms.h).
#include "engine/synonyms.h"

#include <algorithm>
#include <stdexcept>

#include "engine/text.h"

namespace oai::engine {

void Synonyms::Load(std::string_view tsv) {
  m_entries.clear();
  m_byFirstWord.clear();
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
    m_byFirstWord[phrase.front()].push_back(m_entries.size());
    m_entries.emplace_back(std::move(phrase), std::move(adds));
  }
}

std::vector<Synonyms::Match> Synonyms::Find(const std::vector<std::string>& tokens) const {
  // The entries whose phrase starts at some token (looked up by its first word), in the file's order.
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto it = m_byFirstWord.find(tokens[i]);
    if (it == m_byFirstWord.end()) continue;
    for (const std::size_t e : it->second) {
      const std::vector<std::string>& phrase = m_entries[e].first;
      if (i + phrase.size() > tokens.size()) continue;
      bool same = true;
      for (std::size_t k = 1; k < phrase.size() && same; ++k) same = tokens[i + k] == phrase[k];
      if (same) found.push_back(e);
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::vector<Match> out;
  for (const std::size_t e : found) out.push_back({m_entries[e].first, m_entries[e].second});
  return out;
}

}  // namespace oai::engine
