// The direct JSON writer (model/json_text.h) against nlohmann's dump of the same value: same bytes, every field
// present or absent, awkward strings and numbers.
#include <gtest/gtest.h>

#include "../common/samples.h"

#include <cmath>
#include <limits>

#include "model/json_text.h"

namespace oai {
namespace {

const std::vector<std::string>& AwkwardStrings() {
  static const char kControls[] = "nul \0 and controls \x01\x1f, delete \x7f";
  static const std::vector<std::string> strings = {
      "",
      "plain text",
      "quote \" backslash \\ slash /",
      "new\nline, tab\t, return\r, backspace\b, form feed\f",
      std::string(kControls, sizeof kControls - 1),  // with the NUL inside
      "Zoë, Straße, Ελληνικά, русский, 日本語, emoji 😀, line sep \xE2\x80\xA8",
      "<script>alert('x')</script> & \"json\": {\"nested\": [1, 2]}",
  };
  return strings;
}

const std::vector<double>& AwkwardDoubles() {
  static const std::vector<double> doubles = {0.0, -0.0, 0.1, 0.85, 1.0, 49.0, 1e-7, 0.000123, 123456.789, 1e21,
                                              -2.5, 1.0 / 3.0, std::numeric_limits<double>::max(),
                                              std::numeric_limits<double>::quiet_NaN(),
                                              std::numeric_limits<double>::infinity()};
  return doubles;
}

RetrievalLog SampleLog(const std::string& text, double number, bool withChunks) {
  RetrievalLog log;
  log.id = "5b0e4f6a-1c2d-4e3f-8a9b-0c1d2e3f4a5b";
  log.title = text;
  if (withChunks) {
    DocumentsData docs = testing_samples::Documents(text);
    docs.cost = number;
    docs.warnings = {text};
    log.data = docs;
  } else {
    RoutingData routing = testing_samples::Routing(text, number);
    routing.follow_up = FollowUp{text, true};
    log.data = routing;
  }
  log.timestamp = "2026-11-30T10:00:00.123Z";
  log.status = LogStatus::Warning;
  if (withChunks) {
    DocumentChunk a{7, text, number, "billing/plans.md", std::nullopt};
    DocumentChunk b{-3, "second", 0.5, text, ChunkMetadata{text, text, 0, 12, number}};
    log.chunks = std::vector<DocumentChunk>{a, b};
  }
  return log;
}

TEST(JsonText, ChunksAndLogsAreWhatNlohmannWrites) {
  for (const auto& s : AwkwardStrings()) {
    for (double d : AwkwardDoubles()) {
      const DocumentChunk chunk{42, s, d, s, std::nullopt};
      EXPECT_EQ(ToJsonText(chunk), Json(chunk).dump());
      for (bool withChunks : {false, true}) {
        const RetrievalLog log = SampleLog(s, d, withChunks);
        EXPECT_EQ(ToJsonText(log), Json(log).dump()) << s << " " << d;
        if (withChunks) {  // the chunks written once and kept (a cache entry's), then used for the log
          const std::string kept = ChunksJsonText(*log.chunks);
          EXPECT_EQ(kept, Json(*log.chunks).dump()) << s << " " << d;
          EXPECT_EQ(ToJsonText(log, &kept), Json(log).dump()) << s << " " << d;
        }
      }
    }
  }
  // Every payload type, with awkward strings and numbers in its members (search and cache, hit and miss).
  for (const auto& s : AwkwardStrings()) {
    for (double d : AwkwardDoubles()) {
      RetrievalLog log = SampleLog(s, d, false);
      SearchData search = testing_samples::Search(AgentId::Technical);
      search.domain = s;
      search.query_terms = {s, "plan"};
      search.expansions = {{s, s, d}};
      search.latency_ms = d;
      log.data = search;
      EXPECT_EQ(ToJsonText(log), Json(log).dump()) << s << " " << d;
      for (bool hit : {false, true}) {
        CacheData cache = testing_samples::Cache(hit);
        cache.key = s;
        cache.hit_rate = d;
        if (hit) cache.matched_question = s;
        log.data = cache;
        EXPECT_EQ(ToJsonText(log), Json(log).dump()) << s << " " << d;
      }
    }
  }
  RetrievalLog emptyChunks = SampleLog("x", 1.0, false);
  emptyChunks.chunks = std::vector<DocumentChunk>{};
  EXPECT_EQ(ToJsonText(emptyChunks), Json(emptyChunks).dump());
}

TEST(JsonText, MessagesWithAndWithoutTheAssistantFieldsAreWhatNlohmannWrites) {
  Message user;
  user.id = "0e9b7a52-3c1d-4f2e-9a8b-7c6d5e4f3a2b";
  user.role = MessageRole::User;
  user.timestamp = "2026-11-30T10:00:00Z";
  for (const auto& s : AwkwardStrings()) {
    user.content = s;
    EXPECT_EQ(ToJsonText(user), Json(user).dump());
  }
  Message assistant = user;
  assistant.role = MessageRole::Assistant;
  assistant.agent = AgentId::Technical;
  assistant.log_ids = {"a", "b\"c"};
  for (double d : AwkwardDoubles()) {
    assistant.confidence = d;
    assistant.metrics = ChatMetrics{std::numeric_limits<std::int64_t>::max(), d, d * 3, CacheStatus::Hit};
    EXPECT_EQ(ToJsonText(assistant), Json(assistant).dump()) << d;
  }
  assistant.metrics.reset();
  assistant.confidence.reset();
  assistant.log_ids.clear();
  EXPECT_EQ(ToJsonText(assistant), Json(assistant).dump());
}

TEST(JsonText, AnswersAndDoneEventsAreWhatNlohmannWrites) {
  ChatResponse r;
  r.message = AwkwardStrings()[5];
  r.agent = AgentId::Policy;
  r.confidence = 0.731;
  r.metrics = ChatMetrics{1234, 0.00042, 12.5, CacheStatus::Miss};
  r.agent_status[AgentId::Orchestrator] = AgentStatus::Complete;
  r.agent_status[AgentId::Policy] = AgentStatus::Active;
  EXPECT_EQ(ToJsonText(r), Json(r).dump());  // no logs
  for (const auto& s : AwkwardStrings()) r.logs.push_back(SampleLog(s, 0.25, r.logs.size() % 2 == 1));
  EXPECT_EQ(ToJsonText(r), Json(r).dump());
  const DoneEvent done{r, "1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b"};
  EXPECT_EQ(ToJsonText(done), Json(done).dump());
}

TEST(JsonText, StreamEventsAreWhatNlohmannWrites) {
  for (AgentId a : {AgentId::Orchestrator, AgentId::Billing, AgentId::Technical, AgentId::Policy}) {
    for (AgentStatus st : {AgentStatus::Idle, AgentStatus::Routing, AgentStatus::Active, AgentStatus::Complete}) {
      const AgentStatusEvent e{a, st};
      EXPECT_EQ(ToJsonText(e), Json(e).dump());
    }
  }
  for (const auto& s : AwkwardStrings()) {
    const MessageChunkEvent e{s};
    EXPECT_EQ(ToJsonText(e), Json(e).dump()) << s;
  }
}

// Strings are read eight bytes at a time: each character that must be escaped (or is not ASCII) at every offset of a
// longer text, alone and next to another, is written as nlohmann writes it.
TEST(JsonText, LongStringsAreEscapedWhereverTheCharacterFalls) {
  const std::string specials[] = {"\"", "\\", "\n", std::string(1, '\0'), "\x1f", "\x7f", " ", "~", "\xC3\xA9", "\xE2\x80\xA8"};
  for (const std::string& a : specials) {
    for (std::size_t at = 0; at <= 17; ++at) {
      std::string text(24, 'x');
      text.insert(at, a);
      const DocumentChunk one{1, text, 0.5, "doc.md", std::nullopt};
      EXPECT_EQ(ToJsonText(one), Json(one).dump()) << at;
      for (const std::string& b : specials) {
        std::string two = text;
        two.insert(std::min(two.size(), at + 9), b);
        const DocumentChunk chunk{2, two, 0.5, two, std::nullopt};
        EXPECT_EQ(ToJsonText(chunk), Json(chunk).dump()) << at;
      }
    }
  }
  Message m;
  m.content = std::string(40, 'a') + "\xC3(" + std::string(40, 'b');  // invalid UTF-8 after a long valid run
  EXPECT_THROW(ToJsonText(m), Json::type_error);
}

TEST(JsonText, InvalidUtf8IsRefusedAsNlohmannRefusesIt) {
  Message m;
  m.content = "broken \xC3( text";
  EXPECT_THROW(Json(m).dump(), Json::type_error);
  EXPECT_THROW(ToJsonText(m), Json::type_error);
}

}  // namespace
}  // namespace oai
