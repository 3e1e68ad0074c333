// The insights' own rules: which turn is answered, declined or small talk; latency buckets; the date range; content
// gaps grouped from a set of declined questions as a person would group them; the CSV a spreadsheet opens safely.
#include <gtest/gtest.h>

#include "../common/samples.h"
#include "service/insights.h"

namespace oai::service {
namespace {

GapRow Declined(const std::string& question, const std::string& document, const std::string& day = "2026-12-01") {
  GapRow g;
  g.facts.question = question;
  g.facts.source = document;
  g.facts.heading = document + " > Section";
  g.facts.outcome = "declined";
  g.facts.day = day;
  return g;
}

TEST(Insights, ContentGapsAreGroupedByWhatTheQuestionsAsk) {
  const std::vector<GapRow> gaps = {
      Declined("Do you accept payment in bitcoin?", "billing/payment-methods.md"),
      Declined("Can I get a phone number for support?", "policy/support.md"),
      Declined("Can I pay with crypto or bitcoin?", "billing/payment-methods.md"),
      Declined("Is there a support phone number I can call?", "policy/support.md"),
      Declined("bitcoin payment accepted?", "billing/payment-methods.md"),
      Declined("Does the API support GraphQL?", "technical/api-overview.md"),
  };
  const std::vector<GapGroup> groups = GroupGaps(gaps);
  ASSERT_EQ(groups.size(), 3u);
  ASSERT_EQ(groups[0].rows.size(), 3u);  // bitcoin, biggest first
  for (const GapRow* r : groups[0].rows) EXPECT_EQ(r->facts.source, "billing/payment-methods.md") << r->facts.question;
  EXPECT_EQ(groups[0].terms.front(), "bitcoin");
  ASSERT_EQ(groups[1].rows.size(), 2u);
  for (const GapRow* r : groups[1].rows) EXPECT_EQ(r->facts.source, "policy/support.md") << r->facts.question;
  EXPECT_EQ(groups[2].rows.size(), 1u);
  // The same input, the same groups: nothing depends on hashing or time.
  const std::vector<GapGroup> again = GroupGaps(gaps);
  for (std::size_t i = 0; i < groups.size(); ++i) EXPECT_EQ(again[i].rows, groups[i].rows);
}

TEST(Insights, ATurnIsAnsweredDeclinedOrSmallTalk) {
  Message q{"q", MessageRole::User, "Can I pay in bitcoin?", "2026-12-01T23:59:59.999Z"};
  Message a{"a", MessageRole::Assistant, "I couldn't find that.", "2026-12-02T00:00:00.100Z", AgentId::Orchestrator, 0.2,
            ChatMetrics{20, 0.0, 3.2, CacheStatus::Miss}};
  RetrievalLog routing = testing_samples::Log(testing_samples::Routing("billing"));
  RetrievalLog search = testing_samples::Log(testing_samples::Search());
  search.chunks = std::vector<DocumentChunk>{{7, "x", 0.2, "billing/payment-methods.md", ChunkMetadata{"Payment > Cards", "", 0, 1, 1}},
                                             {9, "y", 0.4, "billing/invoices.md", ChunkMetadata{"Invoices", "", 0, 1, 1}}};
  DocumentsData d = testing_samples::Documents();
  d.citations.clear();
  d.composer = "declined";
  RetrievalLog docs = testing_samples::Log(d);
  TurnFacts f = FactsOfTurn("s", q, a, {routing, search, docs});
  EXPECT_EQ(f.outcome, "declined");
  EXPECT_EQ(f.day, "2026-12-02");  // the answer's day
  EXPECT_EQ(f.source, "billing/invoices.md");  // the best hit, below the bar
  EXPECT_EQ(f.chunkId, 9);
  EXPECT_EQ(f.strategy, "pure_cag");
  EXPECT_EQ(f.latencyBucket, LatencyBucket(3.2));
  // Answered: the first source is the nearest section.
  docs.data = testing_samples::Documents();
  f = FactsOfTurn("s", q, a, {routing, search, docs});
  EXPECT_EQ(f.outcome, "answered");
  EXPECT_EQ(f.source, "billing/pricing-plans.md");
  // A greeting is small talk, whatever the composer said.
  f = FactsOfTurn("s", q, a, {testing_samples::Log(testing_samples::Routing("greeting")), docs});
  EXPECT_EQ(f.outcome, "small_talk");
}

TEST(Insights, LatencyBucketsAreTenPerDecade) {
  EXPECT_EQ(LatencyBucket(0.0), 0);
  EXPECT_EQ(LatencyBucket(0.1), 0);
  EXPECT_EQ(LatencyBucket(1.0), 10);
  EXPECT_EQ(LatencyBucket(1.01), 11);
  EXPECT_EQ(LatencyBucket(100.0), 30);
  EXPECT_EQ(LatencyBucket(1e9), kLatencyBuckets - 1);
  for (double ms : {0.37, 2.5, 48.0, 999.0}) {
    const double upper = LatencyBucketUpperMs(LatencyBucket(ms));
    EXPECT_GE(upper, ms - 0.01);
    EXPECT_LE(upper, ms * 1.26);
  }
}

TEST(Insights, TheRangeIsCheckedAndDefaultsToTheLast30Days) {
  auto r = ParseInsightsRange(std::nullopt, std::nullopt, "2026-12-02T10:00:00.000Z");
  ASSERT_TRUE(std::holds_alternative<InsightsRange>(r));
  EXPECT_EQ(std::get<InsightsRange>(r).from, "2026-11-03");
  EXPECT_EQ(std::get<InsightsRange>(r).to, "2026-12-02");
  r = ParseInsightsRange("2024-02-28", "2024-03-01", "2026-12-02");
  EXPECT_EQ(std::get<InsightsRange>(r).from, "2024-02-28");
  EXPECT_EQ(NextDay("2024-02-28"), "2024-02-29");
  EXPECT_EQ(NextDay("2026-12-31"), "2027-01-01");
  const auto field = [](const std::variant<InsightsRange, FieldError>& v) {
    return std::holds_alternative<FieldError>(v) ? std::get<FieldError>(v).field + "/" + std::get<FieldError>(v).rule : "ok";
  };
  EXPECT_EQ(field(ParseInsightsRange("2026-02-29", std::nullopt, "2026-12-02")), "from/format");
  EXPECT_EQ(field(ParseInsightsRange("yesterday", std::nullopt, "2026-12-02")), "from/format");
  EXPECT_EQ(field(ParseInsightsRange(std::nullopt, "2026-13-01", "2026-12-02")), "to/format");
  EXPECT_EQ(field(ParseInsightsRange("2026-12-02", "2026-12-01", "2026-12-02")), "from/range");
  EXPECT_EQ(field(ParseInsightsRange("2025-01-01", "2026-01-02", "2026-12-02")), "to/range");
  EXPECT_EQ(field(ParseInsightsRange("2025-01-02", "2026-01-02", "2026-12-02")), "ok");  // 366 days
  // Nothing after tomorrow (a far-future range once walked the days of the calendar without end).
  EXPECT_EQ(field(ParseInsightsRange("9999-12-31", "9999-12-31", "2026-12-02")), "to/range");
  EXPECT_EQ(field(ParseInsightsRange(std::nullopt, "2026-12-03", "2026-12-02")), "ok");
  EXPECT_EQ(field(ParseInsightsRange(std::nullopt, "2026-12-04", "2026-12-02")), "to/range");
  EXPECT_TRUE(DaysOf({"9999-12-31", "10000-01-01"}).empty());
  EXPECT_EQ(DaysOf({"2026-12-30", "2027-01-01"}), (std::vector<std::string>{"2026-12-30", "2026-12-31", "2027-01-01"}));
}

TEST(Insights, TheCsvQuotesWhatItMustAndDisarmsFormulas) {
  const Json report = {{"gaps", {{{"count", 2}, {"declined", 1}, {"thumbs_down", 1}, {"last_asked", "2026-12-01"},
                                  {"examples", {"Pay in \"bitcoin\", please?", "=HYPERLINK(\"x\")"}},
                                  {"nearest", {{"document", "billing/payment-methods.md"}, {"heading", "Payment, cards"}}}}}}};
  EXPECT_EQ(GapsCsv(report),
            "count,declined,thumbs_down,last_asked,example_1,example_2,example_3,document,section\r\n"
            "2,1,1,2026-12-01,\"Pay in \"\"bitcoin\"\", please?\",\"'=HYPERLINK(\"\"x\"\")\",,"
            "billing/payment-methods.md,\"Payment, cards\"\r\n");
}

}  // namespace
}  // namespace oai::service
