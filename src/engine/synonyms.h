// Query synonyms shipped with a knowledge base (knowledge/synonyms.tsv): customers' words mapped to the documents'
// words ("money back" → refund, "SSO" → single sign-on), the way search engines expand queries.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace oai::engine {

class Synonyms {
 public:
  // "phrase<TAB>words" lines; '#' comments and a header line starting with "phrase" are skipped. Throws
  // std::invalid_argument naming the line for a line without a tab.
  void Load(std::string_view tsv);
  // For the question's folded tokens: each phrase found (as consecutive whole words) with the words it adds.
  struct Match {
    std::vector<std::string> phrase;  // the question's words it matched
    std::vector<std::string> adds;    // folded words to search for too
  };
  std::vector<Match> Find(const std::vector<std::string>& tokens) const;
  std::size_t Size() const { return m_entries.size(); }

 private:
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> m_entries;
  std::unordered_map<std::string, std::vector<std::size_t>> m_byFirstWord;  // entries by their phrase's first word
};

}  // namespace oai::engine
