// The router: whole-word features, probabilities that sum to one, reasons, calibration, malformed files.
#include "engine/router.h"

#include <gtest/gtest.h>

namespace oai::engine {
namespace {

constexpr const char* kExamples =
    "intent\ttext\n"
    "greeting\thi\ngreeting\thello there\ngreeting\they\ngreeting\tgood morning\n"
    "billing\thow much does this plan cost\nbilling\twhich plan is cheapest\nbilling\tinvoice for this month\n"
    "billing\tpay by card\nbilling\tannual billing price\n"
    "technical\tapi key returns 401\ntechnical\twhich sdk supports webhooks\ntechnical\trate limit exceeded\n"
    "technical\tthis endpoint times out\ntechnical\toauth token expired\n";

TEST(IntentRouter, UsesWholeWordsSoThisIsNotHi) {
  IntentRouter router;
  router.Train(kExamples);
  EXPECT_EQ(router.ExampleCount(), 14u);
  EXPECT_EQ(router.Classify("hi").ranked.front().intent, "greeting");
  // "this" and "which" contain "hi" but are whole words of billing and technical examples.
  EXPECT_NE(router.Classify("this invoice").ranked.front().intent, "greeting");
  EXPECT_EQ(router.Classify("which sdk").ranked.front().intent, "technical");
}

TEST(IntentRouter, GivesProbabilitiesThatSumToOneAndPositiveReasons) {
  IntentRouter router;
  router.Train(kExamples);
  const auto d = router.Classify("api key rate limit");
  double sum = 0;
  for (const auto& s : d.ranked) sum += s.probability;
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_EQ(d.ranked.front().intent, "technical");
  ASSERT_FALSE(d.reasons.empty());
  for (const auto& [term, weight] : d.reasons) EXPECT_GT(weight, 0.0) << term;
  EXPECT_EQ(d.reasons.size(), std::min<std::size_t>(5, d.reasons.size()));
}

TEST(IntentRouter, UnknownWordsCarryNoEvidence) {
  IntentRouter router;
  router.Train(kExamples);
  const auto a = router.Classify("api key");
  const auto b = router.Classify("api key zyzzyva quux");
  EXPECT_EQ(a.ranked.front().intent, b.ranked.front().intent);
  EXPECT_DOUBLE_EQ(a.ranked.front().probability, b.ranked.front().probability);
}

TEST(IntentRouter, CalibrationSoftensNaiveBayesOverconfidence) {
  IntentRouter router;
  router.Train(kExamples);
  EXPECT_GE(router.Temperature(), 1.0);
  EXPECT_GT(router.CrossValidatedAccuracy(), 0.0);
  EXPECT_LE(router.CrossValidatedAccuracy(), 1.0);
  // A question with little evidence is not reported as near-certain.
  EXPECT_LT(router.Classify("plan").ranked.front().probability, 0.99);
}

TEST(IntentRouter, RejectsMalformedExampleFiles) {
  IntentRouter router;
  try {
    router.Train("intent\ttext\nbilling no tab here\n");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "router examples line 2: expected intent<TAB>text");
  }
  EXPECT_THROW(router.Train("intent\ttext\nbilling\tonly one intent\n"), std::invalid_argument);
}

}  // namespace
}  // namespace oai::engine
