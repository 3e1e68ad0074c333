// Naive Bayes intent router with temperature calibration (see router.h).
#include "engine/router.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "engine/text.h"

namespace oai::engine {

namespace {

std::vector<double> Softmax(const std::vector<double>& logits, double temperature) {
  const double maxLog = *std::max_element(logits.begin(), logits.end());
  std::vector<double> p(logits.size());
  double sum = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) sum += p[i] = std::exp((logits[i] - maxLog) / temperature);
  for (double& v : p) v /= sum;
  return p;
}

constexpr int kFolds = 5;
constexpr double kTemperatures[] = {1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48};

}  // namespace

IntentRouter::Model IntentRouter::Fit(const std::vector<std::pair<std::string, std::string>>& examples,
                                      const std::vector<std::string>& intents,
                                      const std::vector<BackgroundText>& background) {
  Model m;
  m.intents = intents;
  // Counts by intent and feature: only while fitting (the model keeps their log-likelihoods).
  std::vector<std::unordered_map<std::string, double>> counts(intents.size());
  std::vector<double> totals(intents.size(), 0.0);
  auto add = [&](const std::string& intent, const std::string& text, double weight) {
    const auto found = std::find(intents.begin(), intents.end(), intent);
    if (found == intents.end()) return;
    const std::size_t i = static_cast<std::size_t>(found - intents.begin());
    for (const auto& f : RouterFeatures(text)) {
      counts[i][f] += weight;
      totals[i] += weight;
      m.known.emplace(f, 0);
    }
  };
  for (const auto& [intent, text] : examples) add(intent, text, 1.0);
  for (const auto& b : background) add(b.intent, b.text, kBackgroundWeight);
  m.vocabulary = m.known.size();
  for (const auto& [feature, unused] : m.known) {
    if (feature.find(' ') != std::string::npos || feature.size() < 3) continue;
    const auto grams = Trigrams(feature);
    m.trigramCount[feature] = static_cast<std::uint32_t>(grams.size());
    for (const auto& g : grams) m.unigramsByTrigram[g].push_back(feature);
  }
  for (auto& [g, words] : m.unigramsByTrigram) std::sort(words.begin(), words.end());
  m.logPrior.assign(intents.size(), -std::log(static_cast<double>(intents.size())));
  const double vocab = static_cast<double>(m.vocabulary);
  const auto logLikelihood = [&](std::size_t i, double count) {
    return std::log((count + kSmoothing) / (totals[i] + kSmoothing * vocab));
  };
  m.logLikelihood.resize(m.known.size() * intents.size());
  std::uint32_t row = 0;
  for (auto& [feature, index] : m.known) {
    index = row++;
    for (std::size_t i = 0; i < intents.size(); ++i) {
      auto it = counts[i].find(feature);
      m.logLikelihood[index * intents.size() + i] = logLikelihood(i, it == counts[i].end() ? 0.0 : it->second);
    }
  }
  return m;
}

const double* IntentRouter::LogLikelihoods(const Model& m, const std::string& feature) {
  auto it = m.known.find(feature);
  return it == m.known.end() ? nullptr : m.logLikelihood.data() + it->second * m.intents.size();
}

std::string IntentRouter::Resolve(const Model& m, const std::string& feature) {
  if (m.known.count(feature)) return feature;
  if (feature.find(' ') != std::string::npos || feature.size() < 4) return "";
  const auto grams = Trigrams(feature);
  std::unordered_map<std::string, int> shared;
  for (const auto& g : grams) {
    auto it = m.unigramsByTrigram.find(g);
    if (it == m.unigramsByTrigram.end()) continue;
    for (const auto& w : it->second) ++shared[w];
  }
  std::string best;
  double bestDice = kUnknownWordMinSimilarity;
  for (const auto& [word, n] : shared) {
    const double dice = 2.0 * n / static_cast<double>(grams.size() + m.trigramCount.at(word));
    if (dice > bestDice || (dice == bestDice && !best.empty() && word < best)) {
      bestDice = dice;
      best = word;
    }
  }
  return best;
}

std::vector<double> IntentRouter::LogScores(const Model& m, const std::vector<std::string>& rawFeatures) {
  std::vector<double> logp = m.logPrior;
  for (const auto& raw : rawFeatures) {
    const double* row = LogLikelihoods(m, raw);
    if (!row) {
      const std::string f = Resolve(m, raw);  // a known feature, or "" when it resembles none
      if (f.empty()) continue;  // never seen in training and like nothing seen: no evidence either way
      row = LogLikelihoods(m, f);
    }
    for (std::size_t i = 0; i < m.intents.size(); ++i) logp[i] += row[i];
  }
  return logp;
}

void IntentRouter::Train(const std::string& tsv, const std::vector<BackgroundText>& background) {
  std::size_t lineNo = 0;
  std::vector<std::pair<std::string, std::string>> examples;
  std::set<std::string> intentSet;
  for (std::string_view line : SplitOn(tsv, '\n')) {
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (lineNo == 1 || Trim(line).empty() || line[0] == '#') continue;
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos || Trim(line.substr(0, tab)).empty() || Trim(line.substr(tab + 1)).empty()) {
      throw std::invalid_argument("router examples line " + std::to_string(lineNo) + ": expected intent<TAB>text");
    }
    examples.emplace_back(Trim(line.substr(0, tab)), std::string(line.substr(tab + 1)));
    intentSet.insert(examples.back().first);
  }
  if (intentSet.size() < 2) throw std::invalid_argument("router examples: need at least two intents");
  const std::vector<std::string> intents(intentSet.begin(), intentSet.end());
  m_examples = examples;
  m_model = Fit(examples, intents, background);

  // Calibration: the held-out log scores of 5-fold cross-validation, then the temperature that minimizes their
  // negative log-likelihood. Naive Bayes multiplies many correlated word likelihoods and is overconfident; dividing
  // its log scores by T > 1 makes "90% confident" right about 90% of the time on unseen questions.
  std::vector<std::pair<std::size_t, std::vector<double>>> heldOut;  // (true intent, log scores)
  std::size_t correct = 0;
  for (int fold = 0; fold < kFolds; ++fold) {
    std::vector<std::pair<std::string, std::string>> train, test;
    for (std::size_t i = 0; i < examples.size(); ++i) (static_cast<int>(i % kFolds) == fold ? test : train).push_back(examples[i]);
    const Model m = Fit(train, intents, background);
    for (const auto& [intent, text] : test) {
      auto scores = LogScores(m, RouterFeatures(text));
      const std::size_t truth = static_cast<std::size_t>(std::find(intents.begin(), intents.end(), intent) - intents.begin());
      const std::size_t best = static_cast<std::size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
      correct += best == truth;
      heldOut.emplace_back(truth, std::move(scores));
    }
  }
  m_cvAccuracy = heldOut.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(heldOut.size());
  double bestNll = INFINITY;
  for (double t : kTemperatures) {
    double nll = 0;
    for (const auto& [truth, scores] : heldOut) nll -= std::log(std::max(1e-12, Softmax(scores, t)[truth]));
    if (nll < bestNll) {
      bestNll = nll;
      m_temperature = t;
    }
  }
}

RouteDecision IntentRouter::Classify(std::string_view text) const {
  RouteDecision out;
  const std::vector<std::string> features = RouterFeatures(text);
  const std::vector<double> logp = LogScores(m_model, features);
  const std::vector<double> p = Softmax(logp, m_temperature);
  for (std::size_t i = 0; i < p.size(); ++i) out.ranked.push_back({m_model.intents[i], p[i]});
  std::stable_sort(out.ranked.begin(), out.ranked.end(),
                   [](const IntentScore& a, const IntentScore& b) { return a.probability > b.probability; });
  // "Good morning, my webhook stopped firing": the greeting words are the strongest single signal, but the message
  // is a question. When two content words point at a specialist (or one, in a sentence of six words or more), the
  // best specialist answers.
  if (out.ranked.front().intent == "greeting" || out.ranked.front().intent == "thanks") {
    int specialistWords = 0;
    const std::vector<std::string> words = Tokenize(text);
    for (const auto& w : words) {
      if (IsStopWord(w)) continue;
      const std::string f = Resolve(m_model, w);
      if (f.empty()) continue;
      const double* ll = LogLikelihoods(m_model, f);  // known: Resolve returns only known features
      std::size_t best = 0;
      double bestLl = -INFINITY;
      for (std::size_t i = 0; i < m_model.intents.size(); ++i) {
        if (ll[i] > bestLl) {
          bestLl = ll[i];
          best = i;
        }
      }
      const std::string& intent = m_model.intents[best];
      specialistWords += intent == "billing" || intent == "technical" || intent == "policy";
    }
    auto specialist = std::find_if(out.ranked.begin(), out.ranked.end(), [](const IntentScore& s) {
      return s.intent == "billing" || s.intent == "technical" || s.intent == "policy";
    });
    const bool question = specialistWords >= 2 || (specialistWords >= 1 && words.size() >= 6);
    if (question && specialist != out.ranked.end()) {
      // Confidence among the specialists: the greeting is not an alternative answer to the question.
      double specialistsTotal = 0;
      for (const auto& s : out.ranked) {
        if (s.intent == "billing" || s.intent == "technical" || s.intent == "policy") specialistsTotal += s.probability;
      }
      IntentScore chosen{specialist->intent, specialist->probability / specialistsTotal};
      out.ranked.erase(specialist);
      out.ranked.insert(out.ranked.begin(), chosen);
      out.questionOverGreeting = true;
    }
  }

  // Reasons: how much each feature favours the winner over the average of the other intents.
  const auto& intents = m_model.intents;
  const std::size_t win = static_cast<std::size_t>(std::find(intents.begin(), intents.end(), out.ranked.front().intent) - intents.begin());
  std::map<std::string, double> contribution;
  for (const auto& f : features) {
    const double* ll = LogLikelihoods(m_model, f);
    if (!ll) continue;
    double others = 0;
    for (std::size_t i = 0; i < intents.size(); ++i) others += i == win ? 0.0 : ll[i];
    contribution[f] += ll[win] - others / static_cast<double>(intents.size() - 1);
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
