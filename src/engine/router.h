// The intent router: multinomial naive Bayes over whole-word features (unigrams and bigrams, never substrings),
// trained at start-up from labeled examples, with its probabilities calibrated by temperature scaling fitted with
// 5-fold cross-validation on those same examples.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace oai::engine {

struct IntentScore {
  std::string intent;
  double probability = 0.0;
};

struct RouteDecision {
  std::vector<IntentScore> ranked;                      // every intent, most probable first; probabilities sum to 1
  std::vector<std::pair<std::string, double>> reasons;  // features that favour the winner most (log-odds, > 0)
  bool questionOverGreeting = false;  // a greeting or thanks followed by a real question: routed by the question
};

// Text that teaches the router an intent's vocabulary with less weight than a labeled question: the knowledge base's
// own passages for billing, technical and policy, so words no example used ("TypeScript", "subprocessor") still count.
struct BackgroundText {
  std::string intent;
  std::string text;
};

// Both constants were chosen by the 5-fold cross-validated accuracy on the training examples (not on the held-out
// evaluation set): smoothing 0.02-0.3 and background weights 0.05-0.5 were tried.
inline constexpr double kSmoothing = 0.05;         // additive (Lidstone) smoothing of word likelihoods
inline constexpr double kUnknownWordMinSimilarity = 0.6;  // trigram Dice for an unknown word to stand for a known one
inline constexpr double kBackgroundWeight = 0.5;  // a background word counts half as much as an example's word

class IntentRouter {
 public:
  // `tsv`: a header line, then "intent<TAB>text" lines; '#' lines are comments. Throws std::invalid_argument naming
  // the line for a malformed file. Intents are equally likely a priori: how often each appears in the examples file
  // says nothing about how often users ask it.
  void Train(const std::string& tsv, const std::vector<BackgroundText>& background = {});
  RouteDecision Classify(std::string_view text) const;
  std::size_t ExampleCount() const { return m_examples.size(); }
  double Temperature() const { return m_temperature; }
  // Held-out accuracy of the 5-fold cross-validation run while calibrating.
  double CrossValidatedAccuracy() const { return m_cvAccuracy; }

 private:
  struct Model {
    std::vector<std::string> intents;
    std::vector<double> logPrior;
    std::size_t vocabulary = 0;
    std::unordered_map<std::string, std::uint32_t> known;  // feature -> its row of logLikelihood
    std::unordered_map<std::string, std::vector<std::string>> unigramsByTrigram;  // for unknown-word back-off
    std::unordered_map<std::string, std::uint32_t> trigramCount;  // of each word in unigramsByTrigram
    // log P(feature | intent), smoothed, computed once at fit time: a row of intents.size() per known feature, one
    // after the other.
    std::vector<double> logLikelihood;
  };
  // The row of log-likelihoods (one per intent) of a known feature, or nullptr.
  static const double* LogLikelihoods(const Model& m, const std::string& feature);
  // An unknown word stands for the known word it most resembles ("hellooo" → "hello", "receipts" → "receipt"), when
  // their character trigrams are similar enough; otherwise it carries no evidence.
  static std::string Resolve(const Model& m, const std::string& feature);
  static Model Fit(const std::vector<std::pair<std::string, std::string>>& examples,
                   const std::vector<std::string>& intents, const std::vector<BackgroundText>& background);
  static std::vector<double> LogScores(const Model& model, const std::vector<std::string>& features);

  std::vector<std::pair<std::string, std::string>> m_examples;  // (intent, text)
  Model m_model;
  double m_temperature = 1.0;
  double m_cvAccuracy = 0.0;
};

}  // namespace oai::engine
