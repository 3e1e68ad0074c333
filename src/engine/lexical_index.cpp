// BM25 with trigram term expansion (see lexical_index.h).
#include "engine/lexical_index.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "engine/text.h"

namespace oai::engine {

namespace {
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
}  // namespace

std::vector<std::string> Trigrams(const std::string& word) {
  const std::string padded = "^" + word + "$";
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 3 <= padded.size(); ++i) out.push_back(padded.substr(i, 3));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void LexicalIndex::Build(const std::vector<Chunk>& chunks) {
  m_termIds.clear();
  m_terms.clear();
  m_postings.clear();
  m_trigrams.clear();
  m_termTrigramCount.clear();
  m_docLength.assign(chunks.size(), 0);
  m_domain.assign(chunks.size(), "");
  double total = 0;
  std::unordered_map<std::uint32_t, std::uint32_t> tf;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    tf.clear();
    // The heading path counts twice: a section titled "Verifying signatures" is about that more than a passing
    // mention elsewhere.
    const std::vector<std::string> tokens =
        Tokenize(chunks[i].headingPath + "\n" + chunks[i].headingPath + "\n" + chunks[i].text);
    for (const auto& t : tokens) {
      auto [it, inserted] = m_termIds.emplace(t, static_cast<std::uint32_t>(m_terms.size()));
      if (inserted) {
        m_terms.push_back(t);
        m_postings.emplace_back();
      }
      ++tf[it->second];
    }
    // Postings in chunk order whatever the hash map's order: scores are summed in a fixed order.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> sorted(tf.begin(), tf.end());
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [term, n] : sorted) m_postings[term].push_back({static_cast<std::uint32_t>(i), n});
    m_docLength[i] = static_cast<std::uint32_t>(tokens.size());
    m_domain[i] = chunks[i].domain;
    total += static_cast<double>(tokens.size());
  }
  m_avgLength = chunks.empty() ? 1.0 : std::max(1.0, total / static_cast<double>(chunks.size()));
  m_termTrigramCount.resize(m_terms.size());
  for (std::uint32_t id = 0; id < m_terms.size(); ++id) {
    const auto grams = Trigrams(m_terms[id]);
    m_termTrigramCount[id] = static_cast<std::uint32_t>(grams.size());
    for (const auto& g : grams) m_trigrams[g].push_back(id);
  }
}

std::size_t LexicalIndex::MemoryBytes() const {
  std::size_t bytes = m_docLength.capacity() * sizeof(std::uint32_t) + m_termTrigramCount.capacity() * 4;
  for (const auto& p : m_postings) bytes += p.capacity() * sizeof(Posting) + sizeof(p);
  for (const auto& t : m_terms) bytes += t.capacity() + sizeof(t) + 16;  // + the id map entry
  for (const auto& [g, ids] : m_trigrams) bytes += ids.capacity() * 4 + sizeof(ids) + 32;
  for (const auto& d : m_domain) bytes += sizeof(d);
  return bytes;
}

std::vector<TermExpansion> LexicalIndex::Expand(const std::string& term) const {
  std::vector<TermExpansion> out;
  if (term.size() < 3) return out;
  const bool known = m_termIds.count(term) > 0;
  const double threshold = known ? kExpansionMinSimilarity : kUnknownTermMinSimilarity;
  const auto grams = Trigrams(term);
  std::unordered_map<std::uint32_t, std::uint32_t> shared;
  for (const auto& g : grams) {
    auto it = m_trigrams.find(g);
    if (it == m_trigrams.end()) continue;
    for (std::uint32_t id : it->second) ++shared[id];
  }
  for (const auto& [id, n] : shared) {
    if (m_terms[id] == term || m_terms[id].size() < 3) continue;
    const double dice = 2.0 * n / static_cast<double>(grams.size() + m_termTrigramCount[id]);
    if (dice >= threshold) out.push_back({term, m_terms[id], dice});
  }
  std::sort(out.begin(), out.end(), [](const TermExpansion& a, const TermExpansion& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.matched < b.matched;
  });
  if (out.size() > 3) out.resize(3);
  return out;
}

void LexicalIndex::AddTermScores(std::uint32_t termId, double weight, std::vector<double>& scores) const {
  const auto& postings = m_postings[termId];
  const double n = static_cast<double>(m_docLength.size());
  const double df = static_cast<double>(postings.size());
  const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
  for (const Posting& p : postings) {
    const double tf = p.tf;
    const double norm = kK1 * (1 - kB + kB * m_docLength[p.chunk] / m_avgLength);
    scores[p.chunk] += weight * idf * tf * (kK1 + 1) / (tf + norm);
  }
}

LexicalIndex::Result LexicalIndex::Search(const std::vector<std::string>& queryTerms, std::size_t k,
                                          const std::vector<std::string>& domains) const {
  Result result;
  std::vector<std::string> terms = queryTerms;
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  std::vector<double> scores(m_docLength.size(), 0.0);
  std::unordered_set<std::string> querySet(terms.begin(), terms.end());
  for (const auto& term : terms) {
    if (auto it = m_termIds.find(term); it != m_termIds.end()) AddTermScores(it->second, 1.0, scores);
    if (IsStopWord(term)) continue;
    for (const TermExpansion& e : Expand(term)) {
      if (querySet.count(e.matched)) continue;  // already scored as a query term
      AddTermScores(m_termIds.at(e.matched), kExpansionWeight * e.similarity, scores);
      result.expansions.push_back(e);
    }
  }
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] <= 0.0) continue;
    if (!domains.empty() && std::find(domains.begin(), domains.end(), m_domain[i]) == domains.end()) continue;
    result.hits.push_back({i, scores[i], scores[i] / (scores[i] + kSimilarityHalf)});
  }
  auto better = [](const SearchHit& a, const SearchHit& b) { return a.score != b.score ? a.score > b.score : a.chunk < b.chunk; };
  if (result.hits.size() > k) {
    std::partial_sort(result.hits.begin(), result.hits.begin() + static_cast<std::ptrdiff_t>(k), result.hits.end(), better);
    result.hits.resize(k);
  } else {
    std::sort(result.hits.begin(), result.hits.end(), better);
  }
  return result;
}

}  // namespace oai::engine
