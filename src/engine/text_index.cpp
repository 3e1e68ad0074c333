// Tokenization, markdown chunking, BM25 retrieval and the naive Bayes router (see text_index.h).
#include "engine/text_index.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace oai::engine {

namespace {

bool IsWordByte(unsigned char c) { return std::isalnum(c) != 0 || c >= 0x80; }

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Markdown line markers that are layout, not words: list bullets, quote marks, table pipes, emphasis.
std::string StripMarkdown(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (char c : line) {
    if (c == '*' || c == '`' || c == '|' || c == '>' || c == '_') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    out.push_back(c);
  }
  std::string t = Trim(out);
  if (t.size() > 1 && (t[0] == '-' || t[0] == '+') && t[1] == ' ') t = Trim(std::string_view(t).substr(2));
  if (t.find_first_not_of("-: ") == std::string::npos) return {};  // table separator rows
  return t;
}

int HeadingLevel(std::string_view line) {
  int level = 0;
  while (level < static_cast<int>(line.size()) && line[level] == '#') ++level;
  if (level == 0 || level > 6 || level >= static_cast<int>(line.size()) || line[level] != ' ') return 0;
  return level;
}

}  // namespace

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsWordByte(c)) {
      current.push_back(c < 0x80 ? static_cast<char>(std::tolower(c)) : ch);
    } else if (!current.empty()) {
      tokens.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

std::vector<std::string> RouterFeatures(std::string_view text) {
  std::vector<std::string> words = Tokenize(text);
  std::vector<std::string> features = words;
  for (std::size_t i = 1; i < words.size(); ++i) features.push_back(words[i - 1] + " " + words[i]);
  return features;
}

std::vector<std::string> SplitSentences(std::string_view text) {
  std::vector<std::string> sentences;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    // Table rows are data, not prose: they read badly as sentences of an answer.
    if (line.find_first_not_of(" \t") != std::string::npos && line[line.find_first_not_of(" \t")] == '|') continue;
    std::string clean = StripMarkdown(line);
    if (clean.empty() || HeadingLevel(line) > 0) continue;
    std::size_t start = 0;
    for (std::size_t i = 0; i < clean.size(); ++i) {
      const char c = clean[i];
      const bool end = (c == '.' || c == '?' || c == '!') && (i + 1 == clean.size() || clean[i + 1] == ' ');
      // "e.g. " and decimals are not sentence ends: require a lower-case letter or digit not to follow.
      if (end && i + 2 < clean.size() && std::islower(static_cast<unsigned char>(clean[i + 2]))) continue;
      if (end) {
        std::string s = Trim(std::string_view(clean).substr(start, i + 1 - start));
        if (!s.empty()) sentences.push_back(std::move(s));
        start = i + 1;
      }
    }
    std::string rest = Trim(std::string_view(clean).substr(std::min(start, clean.size())));
    if (!rest.empty()) sentences.push_back(std::move(rest));
  }
  return sentences;
}

// ---------------------------------------------------------------------------------------------------------------------
// Chunking
// ---------------------------------------------------------------------------------------------------------------------

std::vector<Chunk> ChunkMarkdown(const SourceDocument& doc, std::string* problem) {
  std::vector<Chunk> chunks;
  const std::string& text = doc.text;
  const std::string domain = doc.path.substr(0, doc.path.find('/'));
  std::vector<std::string> headings;  // current heading at each level
  std::string title;

  struct Section {
    std::string headingPath;
    std::size_t start, end;
  };
  std::vector<Section> sections;
  std::size_t sectionStart = 0;
  std::string currentPath;
  std::size_t pos = 0;
  auto closeSection = [&](std::size_t end) {
    if (end > sectionStart) sections.push_back({currentPath, sectionStart, end});
  };
  while (pos <= text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line(text.data() + pos, eol - pos);
    if (int level = HeadingLevel(line); level > 0) {
      closeSection(pos);
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
  closeSection(text.size());

  for (const Section& s : sections) {
    // Split long sections at blank lines so no chunk exceeds the cap (a single huge paragraph is cut at the cap).
    std::size_t pieceStart = s.start;
    while (pieceStart < s.end) {
      std::size_t pieceEnd = s.end;
      if (pieceEnd - pieceStart > kMaxChunkBytes) {
        std::size_t cut = text.rfind("\n\n", pieceStart + kMaxChunkBytes);
        if (cut == std::string::npos || cut <= pieceStart) cut = text.rfind(' ', pieceStart + kMaxChunkBytes);
        if (cut == std::string::npos || cut <= pieceStart) cut = pieceStart + kMaxChunkBytes;
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
    *problem = doc.text.find_first_not_of(" \t\r\n") == std::string::npos ? "empty file" : "no prose below the headings";
  }
  return chunks;
}

// ---------------------------------------------------------------------------------------------------------------------
// BM25
// ---------------------------------------------------------------------------------------------------------------------

void Bm25Index::Build(const std::vector<Chunk>& chunks) {
  m_postings.clear();
  m_docLength.assign(chunks.size(), 0);
  m_domain.assign(chunks.size(), "");
  double total = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    std::unordered_map<std::string, std::uint32_t> tf;
    std::vector<std::string> tokens = Tokenize(chunks[i].headingPath + "\n" + chunks[i].text);
    for (const auto& t : tokens) ++tf[t];
    for (const auto& [term, n] : tf) m_postings[term].push_back({static_cast<std::uint32_t>(i), n});
    m_docLength[i] = static_cast<std::uint32_t>(tokens.size());
    m_domain[i] = chunks[i].domain;
    total += static_cast<double>(tokens.size());
  }
  m_avgLength = chunks.empty() ? 1.0 : std::max(1.0, total / static_cast<double>(chunks.size()));
}

std::vector<SearchHit> Bm25Index::Search(const std::vector<std::string>& queryTerms, std::size_t k,
                                         const std::vector<std::string>& domains) const {
  constexpr double k1 = 1.2, b = 0.75;
  const double n = static_cast<double>(m_docLength.size());
  std::unordered_map<std::uint32_t, double> scores;
  std::vector<std::string> terms = queryTerms;
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  for (const auto& term : terms) {
    auto it = m_postings.find(term);
    if (it == m_postings.end()) continue;
    const double df = static_cast<double>(it->second.size());
    const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    for (const Posting& p : it->second) {
      const double len = m_docLength[p.chunk];
      const double tf = p.tf;
      scores[p.chunk] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / m_avgLength));
    }
  }
  std::vector<SearchHit> hits;
  for (const auto& [chunk, score] : scores) {
    if (!domains.empty() && std::find(domains.begin(), domains.end(), m_domain[chunk]) == domains.end()) continue;
    hits.push_back({chunk, score, score / (score + kSimilarityHalf)});
  }
  std::sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b2) {
    return a.bm25 != b2.bm25 ? a.bm25 > b2.bm25 : a.chunk < b2.chunk;
  });
  if (hits.size() > k) hits.resize(k);
  return hits;
}

// ---------------------------------------------------------------------------------------------------------------------
// Router
// ---------------------------------------------------------------------------------------------------------------------

void IntentRouter::Train(const std::string& tsv) {
  std::istringstream in(tsv);
  std::string line;
  std::size_t lineNo = 0;
  std::map<std::string, std::vector<std::string>> byIntent;
  while (std::getline(in, line)) {
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (lineNo == 1 || Trim(line).empty() || line[0] == '#') continue;
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0 || Trim(line.substr(tab + 1)).empty()) {
      throw std::invalid_argument("router examples line " + std::to_string(lineNo) + ": expected intent<TAB>text");
    }
    byIntent[Trim(line.substr(0, tab))].push_back(line.substr(tab + 1));
  }
  if (byIntent.size() < 2) throw std::invalid_argument("router examples: need at least two intents");
  m_intents.clear();
  m_logPrior.clear();
  m_featureCounts.clear();
  m_totalCounts.clear();
  m_vocabulary.clear();
  m_examples = 0;
  for (const auto& [intent, texts] : byIntent) m_examples += texts.size();
  for (const auto& [intent, texts] : byIntent) {
    m_intents.push_back(intent);
    m_logPrior.push_back(std::log(static_cast<double>(texts.size()) / static_cast<double>(m_examples)));
    std::unordered_map<std::string, double> counts;
    double total = 0;
    for (const auto& t : texts) {
      for (const auto& f : RouterFeatures(t)) {
        counts[f] += 1.0;
        total += 1.0;
        m_vocabulary.emplace(f, 0);
      }
    }
    m_featureCounts.push_back(std::move(counts));
    m_totalCounts.push_back(total);
  }
}

RouteDecision IntentRouter::Classify(std::string_view text) const {
  RouteDecision out;
  const std::vector<std::string> features = RouterFeatures(text);
  const double vocab = static_cast<double>(m_vocabulary.size());
  std::vector<double> logp = m_logPrior;
  // Per-feature log likelihood for each intent; unknown features carry no evidence and are skipped.
  std::vector<std::pair<std::string, std::vector<double>>> evidence;
  for (const auto& f : features) {
    if (!m_vocabulary.count(f)) continue;
    std::vector<double> ll(m_intents.size());
    for (std::size_t i = 0; i < m_intents.size(); ++i) {
      auto it = m_featureCounts[i].find(f);
      const double c = it == m_featureCounts[i].end() ? 0.0 : it->second;
      ll[i] = std::log((c + 1.0) / (m_totalCounts[i] + vocab));
      logp[i] += ll[i];
    }
    evidence.emplace_back(f, std::move(ll));
  }
  const double maxLog = *std::max_element(logp.begin(), logp.end());
  double sum = 0;
  for (double v : logp) sum += std::exp(v - maxLog);
  for (std::size_t i = 0; i < m_intents.size(); ++i) {
    out.ranked.push_back({m_intents[i], std::exp(logp[i] - maxLog) / sum});
  }
  std::stable_sort(out.ranked.begin(), out.ranked.end(),
                   [](const IntentScore& a, const IntentScore& b) { return a.probability > b.probability; });
  // Reasons: how much each feature favours the winner over the average of the other intents.
  const std::size_t win = static_cast<std::size_t>(
      std::find(m_intents.begin(), m_intents.end(), out.ranked.front().intent) - m_intents.begin());
  std::map<std::string, double> contribution;
  for (const auto& [f, ll] : evidence) {
    double others = 0;
    for (std::size_t i = 0; i < ll.size(); ++i) others += i == win ? 0.0 : ll[i];
    contribution[f] += ll[win] - others / static_cast<double>(ll.size() - 1);
  }
  for (const auto& [f, w] : contribution) {
    if (w > 0) out.reasons.emplace_back(f, w);
  }
  std::sort(out.reasons.begin(), out.reasons.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (out.reasons.size() > 5) out.reasons.resize(5);
  return out;
}

}  // namespace oai::engine
