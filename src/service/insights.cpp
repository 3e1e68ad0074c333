// Insights (see insights.h).
#include "service/insights.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>

#include "engine/text.h"
#include "model/validation.h"

namespace oai::service {

namespace {

bool IsSmallTalkIntent(const std::string& intent) {
  return intent == "greeting" || intent == "thanks" || intent == "about";
}

// "2026-12-02" → days since 1970-01-01; nullopt for anything that is not a real date.
std::optional<long> DayNumber(const std::string& day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (day[i] < '0' || day[i] > '9') return std::nullopt;
  const int y = std::stoi(day.substr(0, 4)), m = std::stoi(day.substr(5, 2)), d = std::stoi(day.substr(8, 2));
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  // Days from civil (Howard Hinnant's algorithm).
  const int yy = y - (m <= 2 ? 1 : 0);
  const long era = (yy >= 0 ? yy : yy - 399) / 400;
  const long yoe = yy - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string DayString(long n) {
  const std::time_t t = static_cast<std::time_t>(n) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

// The value at share `p` (0..1) of a latency histogram: the upper edge of the bucket that holds it.
double Percentile(const std::array<std::int64_t, kLatencyBuckets>& histogram, double p) {
  std::int64_t total = 0;
  for (std::int64_t n : histogram) total += n;
  if (total == 0) return 0.0;
  const double rank = std::max(1.0, std::ceil(p * static_cast<double>(total)));
  std::int64_t seen = 0;
  for (int b = 0; b < kLatencyBuckets; ++b) {
    seen += histogram[static_cast<std::size_t>(b)];
    if (static_cast<double>(seen) >= rank) return LatencyBucketUpperMs(b);
  }
  return LatencyBucketUpperMs(kLatencyBuckets - 1);
}

double Ratio(std::int64_t a, std::int64_t b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }
double Round(double v, double unit) { return std::round(v / unit) * unit; }

}  // namespace

std::string NextDay(const std::string& day) { return DayString(DayNumber(day).value_or(0) + 1); }

std::vector<std::string> DaysOf(const InsightsRange& range) {
  std::vector<std::string> days;
  const auto from = DayNumber(range.from), to = DayNumber(range.to);
  if (!from || !to || *to - *from >= kMaxInsightsDays) return days;
  for (long n = *from; n <= *to; ++n) days.push_back(DayString(n));
  return days;
}

int LatencyBucket(double ms) {
  if (!(ms > 0.1)) return 0;
  const int b = static_cast<int>(std::ceil(10.0 * std::log10(ms / 0.1) - 1e-9));
  return std::clamp(b, 0, kLatencyBuckets - 1);
}

double LatencyBucketUpperMs(int bucket) { return Round(0.1 * std::pow(10.0, bucket / 10.0), 0.01); }

TurnFacts FactsOfTurn(const std::string& sessionId, const Message& user, const Message& assistant,
                      const std::vector<RetrievalLog>& logs) {
  TurnFacts f;
  f.sessionId = sessionId;
  f.messageId = assistant.id;
  f.day = assistant.timestamp.substr(0, 10);
  f.agent = ToString(assistant.agent.value_or(AgentId::Orchestrator));
  f.strategy = ToString(Strategy::Orchestration);
  f.question = user.content;
  if (assistant.metrics) {
    f.cached = assistant.metrics->cache_status == CacheStatus::Hit;
    f.latencyBucket = LatencyBucket(assistant.metrics->latency);
    f.tokens = assistant.metrics->tokensUsed;
    f.cost = assistant.metrics->cost;
  }
  std::string intent;
  bool searched = false, declined = false, notCovered = true;
  const DocumentChunk* best = nullptr;
  for (const RetrievalLog& log : logs) {
    if (const auto* r = std::get_if<RoutingData>(&log.data)) {
      intent = r->intent;
      f.strategy = ToString(r->strategy);
    } else if (std::get_if<SearchData>(&log.data)) {
      searched = true;
      if (log.chunks)
        for (const DocumentChunk& c : *log.chunks)
          if (!best || c.similarity > best->similarity) best = &c;
    } else if (const auto* d = std::get_if<DocumentsData>(&log.data)) {
      declined = d->composer == "declined";
      if (d->decline_reason) notCovered = *d->decline_reason == "not_covered";
      if (!d->citations.empty()) {
        f.source = d->citations.front().source;
        f.heading = d->citations.front().heading;
        f.chunkId = d->citations.front().chunk_id;
      }
    }
  }
  if (f.source.empty() && best) {
    f.source = best->source;
    f.heading = best->metadata ? best->metadata->heading : "";
    f.chunkId = best->id;
  }
  // A greeting or a question about the assistant is small talk, answered or not, and so is a decline in which the
  // orchestrator only introduced itself; a question the documents could not answer (it was searched for) is
  // declined; the rest were answered.
  if (IsSmallTalkIntent(intent) || (declined && (!searched || !notCovered))) f.outcome = "small_talk";
  else f.outcome = declined ? "declined" : "answered";
  return f;
}

Json FactsToJson(const TurnFacts& f) {
  return {f.sessionId, f.messageId, f.day, f.agent, f.strategy, f.outcome, f.cached, f.latencyBucket,
          f.tokens, f.cost, f.question, f.source, f.heading, f.chunkId};
}

TurnFacts FactsFromJson(const Json& f) {
  return TurnFacts{f.at(0), f.at(1), f.at(2), f.at(3), f.at(4), f.at(5), f.at(6).get<bool>(), f.at(7).get<int>(),
                   f.at(8), f.at(9), f.at(10), f.at(11), f.at(12), f.at(13)};
}

RollupKey RollupKeyOf(const TurnFacts& f) {
  return RollupKey{f.day, f.agent, f.strategy, f.outcome, f.cached, f.latencyBucket};
}

std::variant<InsightsRange, FieldError> ParseInsightsRange(const std::optional<std::string>& from,
                                                           const std::optional<std::string>& to,
                                                           const std::string& today) {
  const auto parse = [](const char* field, const std::string& text) -> std::variant<long, FieldError> {
    const auto n = DayNumber(text);
    if (!n) return FieldError{field, "format", std::string(field) + " must be a date like 2026-12-01 (got \"" +
                                                   text.substr(0, 40) + "\")"};
    return *n;
  };
  const long todayN = DayNumber(today.substr(0, 10)).value_or(0);
  long toN = todayN, fromN = 0;
  if (to) {
    auto r = parse("to", *to);
    if (auto* e = std::get_if<FieldError>(&r)) return *e;
    toN = std::get<long>(r);
  }
  fromN = toN - 29;  // 30 days by default
  if (from) {
    auto r = parse("from", *from);
    if (auto* e = std::get_if<FieldError>(&r)) return *e;
    fromN = std::get<long>(r);
  }
  if (fromN > toN) return FieldError{"from", "range", "from must not be after to"};
  if (toN > todayN + 1) return FieldError{"to", "range", "to must not be after tomorrow (" + DayString(todayN + 1) + ")"};
  if (toN - fromN + 1 > kMaxInsightsDays)
    return FieldError{"to", "range", "the range may span at most " + std::to_string(kMaxInsightsDays) + " days"};
  return InsightsRange{DayString(fromN), DayString(toN)};
}

// ---------------------------------------------------------------------------------------------------------------------
// Content gaps
// ---------------------------------------------------------------------------------------------------------------------

std::vector<GapGroup> GroupGaps(const std::vector<GapRow>& gaps) {
  struct Building {
    GapGroup group;
    std::map<std::string, int> termCounts;
    std::set<std::string> terms;  // every word of the group's questions
    std::string nearest;          // the first member's nearest document
  };
  std::vector<Building> groups;
  for (const GapRow& row : gaps) {
    const std::vector<std::string> words = engine::ContentTerms(row.facts.question);
    const std::set<std::string> mine(words.begin(), words.end());
    const std::string& nearest = row.facts.source;
    double bestScore = 0.0;
    Building* best = nullptr;
    for (Building& g : groups) {
      std::size_t shared = 0;
      for (const std::string& w : mine) shared += g.terms.count(w);
      const std::size_t smaller = std::min(mine.size(), g.terms.size());
      // The share of the shorter word list found in the other; the same nearest document counts for a little more.
      double score = smaller ? static_cast<double>(shared) / static_cast<double>(smaller) : 0.0;
      if (shared > 0 && !row.facts.source.empty() && nearest == g.nearest) score += 0.25;
      if (score > bestScore) {
        bestScore = score;
        best = &g;
      }
    }
    if (!best || bestScore < 0.5) {
      groups.push_back(Building{});
      best = &groups.back();
      best->nearest = nearest;
    }
    best->group.rows.push_back(&row);
    for (const std::string& w : mine) {
      best->terms.insert(w);
      ++best->termCounts[w];
    }
  }
  std::vector<GapGroup> out;
  out.reserve(groups.size());
  for (Building& g : groups) {
    std::vector<std::pair<std::string, int>> counted(g.termCounts.begin(), g.termCounts.end());
    std::stable_sort(counted.begin(), counted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (std::size_t i = 0; i < counted.size() && i < 4; ++i) g.group.terms.push_back(counted[i].first);
    out.push_back(std::move(g.group));
  }
  // Biggest first; equal sizes keep their order (the one asked most recently first: rows come newest first).
  std::stable_sort(out.begin(), out.end(), [](const GapGroup& a, const GapGroup& b) { return a.rows.size() > b.rows.size(); });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------------------------------

Json BuildInsights(const InsightsData& data, const InsightsRange& range) {
  struct DayTotals {
    std::int64_t questions = 0, answered = 0, declined = 0, smallTalk = 0, up = 0, down = 0, tokens = 0;
    double cost = 0.0;
  };
  std::map<std::string, DayTotals> days;
  for (const std::string& day : DaysOf(range)) days[day];
  std::map<std::string, std::array<std::int64_t, kLatencyBuckets>> latencyByAgent;
  std::array<std::int64_t, kLatencyBuckets> latencyAll{};
  std::map<std::string, std::int64_t> byAgent, byStrategy;
  std::int64_t cachedTurns = 0;
  DayTotals all;
  for (const RollupRow& r : data.rollups) {
    auto it = days.find(r.key.day);
    if (it == days.end()) continue;
    DayTotals& d = it->second;
    d.questions += r.count;
    (r.key.outcome == "declined" ? d.declined : r.key.outcome == "small_talk" ? d.smallTalk : d.answered) += r.count;
    d.tokens += r.tokens;
    d.cost += r.cost;
    byAgent[r.key.agent] += r.count;
    byStrategy[r.key.strategy] += r.count;
    if (r.key.cached) cachedTurns += r.count;
    auto& h = latencyByAgent[r.key.agent];
    const auto bucket = static_cast<std::size_t>(std::clamp(r.key.bucket, 0, kLatencyBuckets - 1));
    h[bucket] += r.count;
    latencyAll[bucket] += r.count;
  }
  std::int64_t downOnAnswers = 0;  // thumbs down on answered questions: what the resolution rate subtracts
  for (const VoteRow& v : data.votes) {
    auto it = days.find(v.day);
    if (it == days.end() || v.count <= 0) continue;
    (v.rating == "up" ? it->second.up : it->second.down) += v.count;
    if (v.rating == "down" && v.outcome == "answered") downOnAnswers += v.count;
  }
  Json perDay = Json::array();
  for (const auto& [day, d] : days) {
    all.questions += d.questions;
    all.answered += d.answered;
    all.declined += d.declined;
    all.smallTalk += d.smallTalk;
    all.up += d.up;
    all.down += d.down;
    all.tokens += d.tokens;
    all.cost += d.cost;
    perDay.push_back({{"day", day}, {"questions", d.questions}, {"answered", d.answered}, {"declined", d.declined},
                      {"small_talk", d.smallTalk}, {"thumbs_up", d.up}, {"thumbs_down", d.down},
                      {"tokens", d.tokens}, {"cost", Round(d.cost, 1e-6)}});
  }
  const std::int64_t asked = all.answered + all.declined;  // questions that asked for information
  const std::int64_t resolved = std::max<std::int64_t>(0, all.answered - downOnAnswers);
  Json totals = {{"questions", all.questions},
                 {"answered", all.answered},
                 {"declined", all.declined},
                 {"small_talk", all.smallTalk},
                 {"thumbs_up", all.up},
                 {"thumbs_down", all.down},
                 {"resolution_rate", Round(Ratio(resolved, asked), 1e-4)},
                 {"thumbs_down_rate", Round(Ratio(std::min(downOnAnswers, all.answered), all.answered), 1e-4)},
                 {"cache_hit_rate", Round(Ratio(cachedTurns, all.questions), 1e-4)},
                 {"latency_p50_ms", Percentile(latencyAll, 0.50)},
                 {"latency_p95_ms", Percentile(latencyAll, 0.95)},
                 {"tokens", all.tokens},
                 {"cost", Round(all.cost, 1e-6)}};
  Json agents = Json::array();
  for (AgentId id : kAllAgents) {
    const std::string name = ToString(id);
    const auto n = byAgent.count(name) ? byAgent[name] : 0;
    const auto& h = latencyByAgent[name];
    agents.push_back({{"agent", name}, {"questions", n}, {"share", Round(Ratio(n, all.questions), 1e-4)},
                      {"latency_p50_ms", Percentile(h, 0.50)}, {"latency_p95_ms", Percentile(h, 0.95)}});
  }
  Json strategies = Json::array();
  for (Strategy s : {Strategy::Orchestration, Strategy::PureCag, Strategy::PureRag, Strategy::Hybrid}) {
    const std::string name = ToString(s);
    const auto n = byStrategy.count(name) ? byStrategy[name] : 0;
    strategies.push_back({{"strategy", name}, {"questions", n}, {"share", Round(Ratio(n, all.questions), 1e-4)}});
  }
  Json gaps = Json::array();
  for (const GapGroup& g : GroupGaps(data.gaps)) {
    std::int64_t declined = 0, down = 0;
    std::map<std::string, std::pair<int, const TurnFacts*>> nearest;  // source#chunk → count, facts
    Json examples = Json::array();
    std::set<std::string> seen;
    for (const GapRow* r : g.rows) {
      if (r->facts.outcome == "declined") ++declined;
      if (r->rating == "down") ++down;
      if (!r->facts.source.empty()) {
        auto& slot = nearest[r->facts.source + "#" + std::to_string(r->facts.chunkId)];
        if (slot.first++ == 0) slot.second = &r->facts;
      }
      if (examples.size() < 3 && seen.insert(r->facts.question).second) examples.push_back(r->facts.question);
    }
    const TurnFacts* where = nullptr;
    int most = 0;
    for (const auto& [key, slot] : nearest)
      if (slot.first > most) most = slot.first, where = slot.second;
    gaps.push_back({{"count", static_cast<std::int64_t>(g.rows.size())},
                    {"declined", declined},
                    {"thumbs_down", down},
                    {"terms", g.terms},
                    {"examples", examples},
                    {"last_asked", g.rows.front()->facts.day},
                    {"nearest", where ? Json{{"document", where->source}, {"heading", where->heading},
                                             {"chunk_id", where->chunkId}}
                                      : Json(nullptr)}});
    if (gaps.size() == 50) break;
  }
  return {{"from", range.from},
          {"to", range.to},
          {"definitions",
           {{"resolution_rate",
             "answered questions without a thumbs down, divided by the questions that asked for information "
             "(answered + declined; greetings and questions about the assistant are small talk and not counted)"},
            {"thumbs_down_rate", "answered questions with a thumbs down, divided by answered questions (votes on declined "
                                 "answers and small talk count in the daily figures and the content gaps, not here)"},
            {"cache_hit_rate", "turns answered from the response cache, divided by all turns"},
            {"latency", "p50 and p95 of the measured turn latency, read from a histogram with ten buckets per decade: "
                        "each figure is the upper edge of the bucket holding the percentile (within 26%)"},
            {"content_gaps",
             "declined questions and questions whose answer got a thumbs down, grouped when they share at least half "
             "of their content words (the same nearest section helps); each group names the nearest document section"}}},
          {"totals", totals},
          {"days", perDay},
          {"agents", agents},
          {"strategies", strategies},
          {"gaps", gaps}};
}

std::string GapsCsv(const Json& report) {
  const auto field = [](const std::string& v) {
    // Quoted when needed; a leading =, +, - or @ is kept from spreadsheets as a formula.
    std::string text = v;
    if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@')) text = "'" + text;
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  std::string out = "count,declined,thumbs_down,last_asked,example_1,example_2,example_3,document,section\r\n";
  for (const Json& g : report.at("gaps")) {
    out += std::to_string(g.at("count").get<std::int64_t>()) + "," + std::to_string(g.at("declined").get<std::int64_t>()) +
           "," + std::to_string(g.at("thumbs_down").get<std::int64_t>()) + "," + field(g.at("last_asked"));
    const Json& examples = g.at("examples");
    for (std::size_t i = 0; i < 3; ++i) out += "," + (i < examples.size() ? field(examples[i]) : std::string());
    const Json& nearest = g.at("nearest");
    out += "," + (nearest.is_null() ? std::string() : field(nearest.at("document"))) + "," +
           (nearest.is_null() ? std::string() : field(nearest.at("heading"))) + "\r\n";
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// InsightsLedger
// ---------------------------------------------------------------------------------------------------------------------

void InsightsLedger::DropOldCounts(const std::string& today) {
  // Counts older than the longest range a report can ask for (and then some) are of no use.
  const std::string oldest = DayString(DayNumber(today).value_or(0) - 2 * kMaxInsightsDays);
  std::erase_if(m_rollups, [&](const auto& r) { return r.first.day < oldest; });
  std::erase_if(m_voteCounts, [&](const auto& v) { return std::get<0>(v.first) < oldest; });
}

void InsightsLedger::Record(const TurnFacts& facts) {
  if (!m_rollups.empty() && facts.day > m_rollups.rbegin()->first.day) DropOldCounts(facts.day);
  RollupRow& row = m_rollups[RollupKeyOf(facts)];
  row.key = RollupKeyOf(facts);
  row.count += 1;
  row.tokens += facts.tokens;
  row.cost += facts.cost;
  m_facts.push_back(facts);
  if (m_facts.size() > m_maxFacts) {
    const auto drop = static_cast<std::ptrdiff_t>(m_facts.size() - m_maxFacts);
    for (auto it = m_facts.begin(); it != m_facts.begin() + drop; ++it) m_votes.erase(it->messageId);
    m_facts.erase(m_facts.begin(), m_facts.begin() + drop);
  }
}

void InsightsLedger::Vote(const std::string& messageId, const std::string& rating, const std::string& reason) {
  const auto facts = std::find_if(m_facts.rbegin(), m_facts.rend(), [&](const TurnFacts& f) { return f.messageId == messageId; });
  if (facts == m_facts.rend()) return;  // a turn this ledger no longer holds (the browser keeps its last ones)
  auto& vote = m_votes[messageId];
  if (!vote.first.empty()) --m_voteCounts[{facts->day, facts->outcome, vote.first}];
  ++m_voteCounts[{facts->day, facts->outcome, rating}];
  vote = {rating, reason};
}

void InsightsLedger::ForgetSession(const std::string& sessionId) {
  std::erase_if(m_facts, [&](const TurnFacts& f) {
    if (f.sessionId != sessionId) return false;
    m_votes.erase(f.messageId);  // the vote itself goes; its count stays
    return true;
  });
}

InsightsData InsightsLedger::Read(const InsightsRange& range) const {
  InsightsData out;
  for (const auto& [key, row] : m_rollups)
    if (key.day >= range.from && key.day <= range.to) out.rollups.push_back(row);
  for (const auto& [key, n] : m_voteCounts) {
    const auto& [day, outcome, rating] = key;
    if (day >= range.from && day <= range.to && n > 0) out.votes.push_back(VoteRow{day, outcome, rating, n});
  }
  for (auto it = m_facts.rbegin(); it != m_facts.rend(); ++it) {
    const TurnFacts& f = *it;
    if (f.day < range.from || f.day > range.to) continue;
    const auto vote = m_votes.find(f.messageId);
    const bool down = vote != m_votes.end() && vote->second.first == "down";
    if ((f.outcome == "declined" || down) && out.gaps.size() < kMaxGapRows)
      out.gaps.push_back(GapRow{f, down ? "down" : "", down ? vote->second.second : ""});
  }
  return out;
}

Json InsightsLedger::ToJson() const {
  Json rollups = Json::array();
  for (const auto& [k, r] : m_rollups)
    rollups.push_back({k.day, k.agent, k.strategy, k.outcome, k.cached, k.bucket, r.count, r.tokens, r.cost});
  Json facts = Json::array();
  for (const TurnFacts& f : m_facts) facts.push_back(FactsToJson(f));
  Json votes = Json::object();
  for (const auto& [id, v] : m_votes) votes[id] = {v.first, v.second};
  Json counts = Json::array();
  for (const auto& [k, n] : m_voteCounts) counts.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), n});
  return {{"rollups", rollups}, {"facts", facts}, {"votes", votes}, {"vote_counts", counts}};
}

InsightsLedger InsightsLedger::FromJson(const Json& j) {
  InsightsLedger l;
  // .at() throughout: a ledger of another shape throws (and the caller starts over) instead of reading past an end.
  for (const Json& r : j.at("rollups")) {
    RollupRow row;
    row.key = RollupKey{r.at(0), r.at(1), r.at(2), r.at(3), r.at(4).get<bool>(), r.at(5).get<int>()};
    row.count = r.at(6);
    row.tokens = r.at(7);
    row.cost = r.at(8);
    l.m_rollups[row.key] = row;
  }
  for (const Json& f : j.at("facts")) l.m_facts.push_back(FactsFromJson(f));
  for (const auto& [id, v] : j.at("votes").items()) l.m_votes[id] = {v.at(0), v.at(1)};
  if (j.contains("vote_counts"))
    for (const Json& c : j.at("vote_counts")) l.m_voteCounts[{c.at(0), c.at(1), c.at(2)}] = c.at(3).get<std::int64_t>();
  return l;
}

}  // namespace oai::service
