// Insights for the people who run the assistant (GET /api/insights): what each turn leaves behind for them, what a
// store returns for a range of days, and the report computed from it. The stores keep per-day counters (so a range
// costs what its days cost, not what its messages cost) and one row of facts per turn (its question and nearest
// section, deleted with its session); the report, the percentiles and the grouping of content gaps are computed here
// once for every store.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "model/model.h"
#include "model/validation.h"

namespace oai::service {

// What a turn leaves for the insights: the counters' key and values, and the facts a content gap needs.
struct TurnFacts {
  std::string sessionId;
  std::string messageId;  // the answer
  std::string day;        // "2026-12-02", the answer's UTC date
  std::string agent;      // who answered
  std::string strategy;   // how (routing log)
  std::string outcome;    // "answered" | "declined" | "small_talk"
  bool cached = false;
  int latencyBucket = 0;  // LatencyBucket(latency)
  std::int64_t tokens = 0;
  double cost = 0.0;
  std::string question;
  // The nearest document section: the answer's first source, or for a declined question the best search hit.
  std::string source;
  std::string heading;
  std::int64_t chunkId = 0;
  bool operator==(const TurnFacts&) const = default;
};
TurnFacts FactsOfTurn(const std::string& sessionId, const Message& user, const Message& assistant,
                      const std::vector<RetrievalLog>& logs);
// As stores that keep JSON write them (compact: an array in member order).
Json FactsToJson(const TurnFacts& facts);
TurnFacts FactsFromJson(const Json& j);

// "2026-12-31" → "2027-01-01".
std::string NextDay(const std::string& day);

// Latency histogram buckets: ten per decade from 0.1 ms (bucket 0: up to 0.1 ms) to 100 s and beyond (bucket 60).
inline constexpr int kLatencyBuckets = 61;
int LatencyBucket(double ms);
double LatencyBucketUpperMs(int bucket);

// One counter row: the turns of a day with the same agent, strategy, outcome, cache result and latency bucket.
struct RollupKey {
  std::string day, agent, strategy, outcome;
  bool cached = false;
  int bucket = 0;
  auto Tie() const { return std::tie(day, agent, strategy, outcome, cached, bucket); }
  bool operator<(const RollupKey& o) const { return Tie() < o.Tie(); }
  bool operator==(const RollupKey& o) const { return Tie() == o.Tie(); }
};
struct RollupRow {
  RollupKey key;
  std::int64_t count = 0;
  std::int64_t tokens = 0;
  double cost = 0.0;
};
RollupKey RollupKeyOf(const TurnFacts& f);
// A gap candidate: a declined question, or a question whose answer got a thumbs down.
struct GapRow {
  TurnFacts facts;          // question, nearest section, day, outcome
  std::string rating;       // the vote on the answer, if any ("down" for thumbs-down gaps)
  std::string reason;
};
// Votes counted per day of their answer and the answer's outcome. Kept apart from the votes themselves: a deleted
// session's votes stay counted, as its turns do.
struct VoteRow {
  std::string day;      // the answer's day
  std::string outcome;  // the answer's outcome ("answered", "declined", "small_talk"; "answered" when unknown)
  std::string rating;
  std::int64_t count = 0;
};
// What a store returns for a range of days (inclusive).
struct InsightsData {
  std::vector<RollupRow> rollups;
  std::vector<VoteRow> votes;
  std::vector<GapRow> gaps;  // declined or thumbs-down, newest first, at most kMaxGapRows
};
inline constexpr std::size_t kMaxGapRows = 5000;

// GET /api/insights?from=&to= (ISO dates, at most kMaxInsightsDays apart, `to` at most tomorrow; both default around
// `today`).
inline constexpr int kMaxInsightsDays = 366;
struct InsightsRange {
  std::string from, to;
};
// The days of a range, in order (none for a range that is not two valid dates in order).
std::vector<std::string> DaysOf(const InsightsRange& range);
// The range, or the field and why not.
std::variant<InsightsRange, FieldError> ParseInsightsRange(const std::optional<std::string>& from,
                                                           const std::optional<std::string>& to,
                                                           const std::string& today);

// The report (contract "InsightsReport"): totals and their definitions, questions per day, share and latency per
// agent, share per strategy, and the content gaps grouped by similarity.
Json BuildInsights(const InsightsData& data, const InsightsRange& range);

// The report's content gaps as CSV (RFC 4180): count, declined, thumbs_down, examples, nearest document and section.
std::string GapsCsv(const Json& report);

// Content gaps grouped deterministically: questions sharing enough of their content words (the engine's
// tokenization), or the same nearest document and some words, are one group; groups by size, then by recency.
struct GapGroup {
  std::vector<const GapRow*> rows;  // newest first
  std::vector<std::string> terms;   // the words the group's questions share most
};
std::vector<GapGroup> GroupGaps(const std::vector<GapRow>& gaps);

// The counters and facts in memory: the memory store's, and the browser's (saved as JSON by its store).
class InsightsLedger {
 public:
  void Record(const TurnFacts& facts);
  // A vote on the answer `messageId` (whose facts this ledger holds), replacing an earlier one in the counts.
  void Vote(const std::string& messageId, const std::string& rating, const std::string& reason);
  void ForgetSession(const std::string& sessionId);  // its questions and votes go; the counts stay
  InsightsData Read(const InsightsRange& range) const;
  Json ToJson() const;
  static InsightsLedger FromJson(const Json& j);
  // The browser keeps the facts of its last turns only (its storage is small); the memory store keeps them all.
  void LimitFacts(std::size_t max) { m_maxFacts = max; }

 private:
  void DropOldCounts(const std::string& today);
  std::map<RollupKey, RollupRow> m_rollups;
  std::vector<TurnFacts> m_facts;  // oldest first
  std::map<std::string, std::pair<std::string, std::string>> m_votes;  // message id → rating, reason
  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> m_voteCounts;  // day, outcome, rating
  std::size_t m_maxFacts = SIZE_MAX;
};

}  // namespace oai::service
