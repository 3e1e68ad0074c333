// BM25 with trigram term expansion (see lexical_index.h).
#include "engine/lexical_index.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <unordered_set>

#include "engine/text.h"

namespace oai::engine {

namespace {
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr std::size_t kPrefilledExpansions = 20000;
}  // namespace

void LexicalIndex::Build(const std::vector<Chunk>& chunks) {
  m_expansionMemo = std::make_unique<ExpansionMemo>();
  m_termIds.clear();
  m_terms.clear();
  m_postings.clear();
  m_trigrams.clear();
  m_termTrigramCount.clear();
  m_docLength.assign(chunks.size(), 0);
  m_domain.assign(chunks.size(), 0);
  m_domainNames.clear();
  double total = 0;
  std::vector<std::uint32_t> ids;  // the chunk's term ids, sorted to count term frequencies
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    ids.clear();
    // Looked up before inserting: most words are already known, and an insert would build a key each time.
    const auto add = [&](std::string_view text, int times) {
      ForEachToken(text, [&](const std::string& t) {
        auto it = m_termIds.find(t);
        if (it == m_termIds.end()) {
          it = m_termIds.emplace(t, static_cast<std::uint32_t>(m_terms.size())).first;
          m_terms.push_back(t);
          m_postings.emplace_back();
        }
        for (int k = 0; k < times; ++k) ids.push_back(it->second);
      });
    };
    // The heading path counts four times: a section titled "Verifying signatures" is about that more than a passing
    // mention elsewhere.
    add(chunks[i].headingPath, 4);
    add(chunks[i].text, 1);
    // Postings are appended in chunk order, so scores are summed in a fixed order.
    std::sort(ids.begin(), ids.end());
    for (std::size_t a = 0; a < ids.size();) {
      std::size_t b = a;
      while (b < ids.size() && ids[b] == ids[a]) ++b;
      m_postings[ids[a]].push_back({static_cast<std::uint32_t>(i), static_cast<float>(b - a)});
      a = b;
    }
    m_docLength[i] = static_cast<std::uint32_t>(ids.size());
    m_domain[i] = DomainId(chunks[i].domain);
    total += static_cast<double>(ids.size());
  }
  m_avgLength = chunks.empty() ? 1.0 : std::max(1.0, total / static_cast<double>(chunks.size()));
  // The BM25 term-frequency factor depends only on the posting: computed once here, not on every query.
  for (auto& postings : m_postings) {
    for (Posting& p : postings) {
      const double tf = p.weight;
      const double norm = kK1 * (1 - kB + kB * m_docLength[p.chunk] / m_avgLength);
      p.weight = static_cast<float>(tf * (kK1 + 1) / (tf + norm));
    }
  }
  m_termTrigramCount.resize(m_terms.size());
  for (std::uint32_t id = 0; id < m_terms.size(); ++id) {
    const auto grams = TrigramCodes(m_terms[id]);
    m_termTrigramCount[id] = static_cast<std::uint32_t>(grams.size());
    for (std::uint32_t g : grams) m_trigrams[g].push_back(id);
  }
  const auto fewerTrigrams = [this](std::uint32_t a, std::uint32_t b) {
    return m_termTrigramCount[a] != m_termTrigramCount[b] ? m_termTrigramCount[a] < m_termTrigramCount[b] : a < b;
  };
  for (auto& [g, ids] : m_trigrams) std::sort(ids.begin(), ids.end(), fewerTrigrams);
  // Every word's other forms (its trigram expansions), worked out now for a vocabulary of up to kPrefilledExpansions
  // words (the shipped knowledge base has about 1,800: ~16 M instructions, a few ms, at load) rather than by the
  // first question that uses the word (about 9 k instructions a word). A larger vocabulary fills the memo as asked.
  if (m_terms.size() <= kPrefilledExpansions)
    for (const auto& t : m_terms) Expand(t);
}

std::uint8_t LexicalIndex::DomainId(const std::string& domain) {
  for (std::size_t id = 0; id < m_domainNames.size(); ++id) {
    if (m_domainNames[id] == domain) return static_cast<std::uint8_t>(id);
  }
  if (m_domainNames.size() >= 64) throw std::invalid_argument("more than 64 knowledge domains: " + domain);
  m_domainNames.push_back(domain);
  return static_cast<std::uint8_t>(m_domainNames.size() - 1);
}

std::size_t LexicalIndex::MemoryBytes() const {
  std::size_t bytes = m_docLength.capacity() * sizeof(std::uint32_t) + m_termTrigramCount.capacity() * 4;
  for (const auto& p : m_postings) bytes += p.capacity() * sizeof(Posting) + sizeof(p);
  for (const auto& t : m_terms) bytes += t.capacity() + sizeof(t) + 16;  // + the id map entry
  for (const auto& [g, ids] : m_trigrams) bytes += ids.capacity() * 4 + sizeof(ids) + 16;
  bytes += m_domain.capacity();
  return bytes;
}

std::vector<TermExpansion> LexicalIndex::Expand(const std::string& term) const {
  std::vector<TermExpansion> out;
  if (term.size() < 3) return out;
  const auto termId = m_termIds.find(term);
  const bool known = termId != m_termIds.end();
  if (known) {
    std::shared_lock lock(m_expansionMemo->mutex);
    if (auto it = m_expansionMemo->byTerm.find(termId->second); it != m_expansionMemo->byTerm.end()) return it->second;
  }
  const double threshold = known ? kExpansionMinSimilarity : kUnknownTermMinSimilarity;
  const auto grams = TrigramCodes(term);
  // Dice = 2·shared / (a + b) ≥ t with shared ≤ min(a, b) holds only for b in [a·t / (2 − t), a·(2 − t) / t]: terms
  // with fewer or more trigrams than that cannot pass and are not counted (the bounds are rounded outwards).
  const double a = static_cast<double>(grams.size());
  const auto fewest = static_cast<std::uint32_t>(std::floor(a * threshold / (2.0 - threshold)));
  const auto most = static_cast<std::uint32_t>(std::ceil(a * (2.0 - threshold) / threshold));
  // Shared-trigram counts by term id: all zero between calls but for `touched`, reset before returning.
  thread_local std::vector<std::uint32_t> shared;
  thread_local std::vector<std::uint32_t> touched;
  if (shared.size() < m_terms.size()) shared.resize(m_terms.size());
  touched.clear();
  for (std::uint32_t g : grams) {
    auto it = m_trigrams.find(g);
    if (it == m_trigrams.end()) continue;
    const std::vector<std::uint32_t>& ids = it->second;
    auto id = std::lower_bound(ids.begin(), ids.end(), fewest,
                               [this](std::uint32_t t, std::uint32_t n) { return m_termTrigramCount[t] < n; });
    for (; id != ids.end() && m_termTrigramCount[*id] <= most; ++id) {
      if (shared[*id]++ == 0) touched.push_back(*id);
    }
  }
  for (std::uint32_t id : touched) {
    const std::uint32_t n = shared[id];
    shared[id] = 0;
    if ((known && id == termId->second) || m_terms[id] == term || m_terms[id].size() < 3) continue;
    const double dice = 2.0 * n / (a + static_cast<double>(m_termTrigramCount[id]));
    if (dice >= threshold) out.push_back({term, m_terms[id], dice});
  }
  std::sort(out.begin(), out.end(), [](const TermExpansion& a, const TermExpansion& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.matched < b.matched;
  });
  if (out.size() > 3) out.resize(3);
  if (known) {
    std::unique_lock lock(m_expansionMemo->mutex);
    m_expansionMemo->byTerm.emplace(termId->second, out);
  }
  return out;
}

double LexicalIndex::Idf(const std::string& term) const {
  auto it = m_termIds.find(term);
  return it == m_termIds.end() ? 0.0 : IdfOf(it->second);
}

double LexicalIndex::IdfOf(std::uint32_t termId) const {
  const double n = static_cast<double>(m_docLength.size());
  const double df = static_cast<double>(m_postings[termId].size());
  return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

double LexicalIndex::MaxIdf() const {
  const double n = static_cast<double>(m_docLength.size());
  return std::log(1.0 + (n - 1.0 + 0.5) / (1.0 + 0.5));
}

void LexicalIndex::AddTermScores(std::uint32_t termId, double factor, Scores& scores, bool coverage) const {
  if (!(factor > 0.0)) return;  // adds nothing (and a score that stays 0 is never listed as touched)
  double* value = scores.value.data();
  std::uint32_t* touched = scores.touched.data();
  std::size_t count = scores.count;
  if (!coverage) {
    for (const Posting& p : m_postings[termId]) {
      double& score = value[p.chunk];
      if (score == 0.0) touched[count++] = p.chunk;
      score += factor * p.weight;
    }
  } else {
    double* covered = scores.covered.data();
    std::uint32_t* word = scores.word.data();
    const std::uint32_t current = scores.currentWord;
    for (const Posting& p : m_postings[termId]) {  // one pass for both
      double& score = value[p.chunk];
      if (score == 0.0) touched[count++] = p.chunk;
      score += factor * p.weight;
      if (word[p.chunk] != current) {
        word[p.chunk] = current;
        covered[p.chunk] += factor;
      }
    }
  }
  scores.count = count;
}

void LexicalIndex::AddToTouched(std::uint32_t termId, Scores& scores) const {
  const double idf = IdfOf(termId);
  if (!(idf > 0.0)) return;
  double* value = scores.value.data();
  for (const Posting& p : m_postings[termId]) {
    double& score = value[p.chunk];
    if (score != 0.0) score += idf * p.weight;
  }
}

LexicalIndex::Result LexicalIndex::Search(const std::vector<std::string>& queryTerms, std::size_t k,
                                          const std::vector<std::string>& domains,
                                          const std::vector<std::string>& preferred,
                                          const std::vector<TermExpansion>& synonyms) const {
  Result result;
  std::vector<std::string> terms = queryTerms;
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  // Per-thread buffers, reused: fresh chunk-sized vectors per query were page faults and zeroing in the kernel
  // (retrieval over 100k chunks went 0.46 ms -> 5 ms before they were reused). They stay zero between queries: only
  // the chunks a query touched are visited and reset (zeroing them whole was most of a query over a large base).
  thread_local Scores scores;
  const std::size_t chunks = m_docLength.size();
  if (scores.value.size() < chunks) {
    scores.value.resize(chunks, 0.0);
    scores.covered.resize(chunks, 0.0);
    scores.word.resize(chunks, 0);
    scores.touched.resize(chunks);
  }
  struct Reset {
    Scores& scores;
    bool zeroed = false;  // the last passes below zeroed each touched chunk as they read it
    ~Reset() {
      if (!zeroed) {
        for (std::size_t i = 0; i < scores.count; ++i) scores.value[scores.touched[i]] = scores.covered[scores.touched[i]] = 0.0;
      }
      scores.count = 0;
    }
  } reset{scores};
  const auto nextWord = [&] {
    if (++scores.currentWord == 0) {  // wrapped (after 4 billion query words): numbers start over
      std::fill(scores.word.begin(), scores.word.end(), 0);
      scores.currentWord = 1;
    }
  };
  double queryIdf = 0.0;
  std::unordered_set<std::string> querySet(terms.begin(), terms.end());
  // The content words first, then the stop words. With kCoverageWeight 1 a chunk's score is scaled by the share of
  // the content words it holds, so a chunk that only stop words reach scores 0 and is never listed: once a content
  // word has been found, a stop word adds to the chunks already touched and no others (at a large base, "how" or
  // "are" reach most chunks, and touching them all was most of a search). Without a content word found, the stop
  // words rank the chunks by themselves, as before.
  static_assert(kCoverageWeight == 1.0, "chunks only stop words reach would score: score them (AddTermScores)");
  std::stable_partition(terms.begin(), terms.end(), [](const std::string& t) { return !IsStopWord(t); });
  struct Form {
    std::uint32_t id;
    double factor;  // weight × idf
  };
  std::vector<Form> forms;
  for (const auto& term : terms) {
    const bool stop = IsStopWord(term);
    const auto it = m_termIds.find(term);
    if (stop) {
      if (it == m_termIds.end()) continue;
      if (queryIdf > 0.0) AddToTouched(it->second, scores);
      else AddTermScores(it->second, IdfOf(it->second), scores, false);
      continue;
    }
    // The word and its other forms (the index's expansions, the synonyms), best first: the first form a chunk holds
    // is the word's best there, and counts for its coverage.
    forms.clear();
    if (it != m_termIds.end()) forms.push_back({it->second, IdfOf(it->second)});
    for (const TermExpansion& e : Expand(term)) {
      if (querySet.count(e.matched)) continue;  // already scored as a query term
      const double weight = kExpansionWeight * e.similarity;
      const std::uint32_t id = m_termIds.at(e.matched);
      forms.push_back({id, weight * IdfOf(id)});
      result.expansions.push_back(e);
    }
    for (const TermExpansion& e : synonyms) {
      auto id = m_termIds.find(e.matched);
      if (e.term != term || id == m_termIds.end() || querySet.count(e.matched)) continue;
      forms.push_back({id->second, e.similarity * IdfOf(id->second)});
      result.expansions.push_back(e);
    }
    std::stable_sort(forms.begin(), forms.end(), [](const Form& a, const Form& b) { return a.factor > b.factor; });
    nextWord();
    for (const Form& f : forms) AddTermScores(f.id, f.factor, scores, true);
    // A word counts once for coverage, through its best form.
    if (!forms.empty() && forms.front().factor > 0.0) queryIdf += forms.front().factor;
  }
  std::uint64_t boosted = 0;
  for (const auto& d : preferred) {
    for (std::size_t id = 0; id < m_domainNames.size(); ++id) {
      if (m_domainNames[id] == d) boosted |= std::uint64_t{1} << id;
    }
  }
  // The share of the query's words each chunk holds, then the preferred domains' boost (one pass, which leaves
  // `covered` zero again).
  const std::uint32_t* touched = scores.touched.data();
  const std::size_t count = scores.count;
  for (std::size_t t = 0; t < count; ++t) {
    const std::uint32_t i = touched[t];
    double& score = scores.value[i];
    if (queryIdf > 0.0 && score > 0.0) {
      score *= 1.0 - kCoverageWeight + kCoverageWeight * std::min(1.0, scores.covered[i] / queryIdf);
    }
    scores.covered[i] = 0.0;
    if (boosted >> m_domain[i] & 1) score *= kPreferredDomainBoost;
  }
  // Top k in one pass: a min-heap of the best k so far (worst on top), then sorted best first. (A separate pass: the
  // two merged cost 3% more instructions at a 100x base.)
  std::uint64_t allowed = domains.empty() ? ~std::uint64_t{0} : 0;
  for (const auto& d : domains) {
    for (std::size_t id = 0; id < m_domainNames.size(); ++id) {
      if (m_domainNames[id] == d) allowed |= std::uint64_t{1} << id;
    }
  }
  auto better = [](const SearchHit& a, const SearchHit& b) { return a.score != b.score ? a.score > b.score : a.chunk < b.chunk; };
  std::vector<SearchHit>& top = result.hits;
  top.reserve(k + 1);
  if (k > 0 && allowed != 0) {
    // Each score is read once here and zeroed as it is read: the buffers are ready for the next query. `floor` is
    // the worst kept score once k are kept: a lower score cannot enter (an equal one can, if its chunk is earlier).
    double floor = 0.0;
    for (std::size_t t = 0; t < count; ++t) {
      const std::uint32_t i = touched[t];
      const double s = scores.value[i];
      scores.value[i] = 0.0;
      if (s <= 0.0 || s < floor || !(allowed >> m_domain[i] & 1)) continue;
      const SearchHit hit{i, s, 0.0};
      if (top.size() == k) {
        // top.front() is the worst kept hit (an equal score: the later chunk); the touched chunks come in any order.
        if (!better(hit, top.front())) continue;
        std::pop_heap(top.begin(), top.end(), better);
        top.back() = hit;
      } else {
        top.push_back(hit);
      }
      std::push_heap(top.begin(), top.end(), better);
      if (top.size() == k) floor = top.front().score;
    }
    reset.zeroed = true;
  }
  std::sort(top.begin(), top.end(), better);
  for (SearchHit& h : top) h.similarity = h.score / (h.score + kSimilarityHalf);
  return result;
}

}  // namespace oai::engine
