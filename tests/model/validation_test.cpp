// Validation: a table of invalid requests, each rejected with the field and rule a user needs to fix it; strict
// response validation rejects anything outside the contract.
#include <algorithm>
#include <functional>

#include <gtest/gtest.h>

#include "model/validation.h"

namespace oai {
namespace {

constexpr const char* kId = "3f2b8c1e-9d4a-4b7e-8f00-2a1c5d6e7f80";

struct BadRequest {
  const char* name;
  std::string body;
  std::string field;
  std::string rule;
};

std::string Req(const std::string& message) {
  return Json{{"message", message}, {"session_id", kId}}.dump();
}

std::vector<BadRequest> BadRequests() {
  return {
      {"empty body", "", "", "required"},
      {"white space body", "  \n ", "", "required"},
      {"not json", "hello", "", "json"},
      {"truncated json", R"({"message":"hi","session_id":")", "", "json"},
      {"trailing garbage", Req("hi") + "x", "", "json"},
      {"array body", "[]", "", "type"},
      {"string body", R"("hi")", "", "type"},
      {"number body", "42", "", "type"},
      {"null body", "null", "", "type"},
      {"missing message", Json{{"session_id", kId}}.dump(), "message", "required"},
      {"missing session", Json{{"message", "hi"}}.dump(), "session_id", "required"},
      {"extra field", Json{{"message", "hi"}, {"session_id", kId}, {"user", "x"}}.dump(), "user", "unknown_field"},
      {"message number", Json{{"message", 5}, {"session_id", kId}}.dump(), "message", "type"},
      {"message null", Json{{"message", nullptr}, {"session_id", kId}}.dump(), "message", "type"},
      {"message array", Json{{"message", {"a"}}, {"session_id", kId}}.dump(), "message", "type"},
      {"message object", Json{{"message", {{"text", "hi"}}}, {"session_id", kId}}.dump(), "message", "type"},
      {"message bool", Json{{"message", true}, {"session_id", kId}}.dump(), "message", "type"},
      {"empty message", Req(""), "message", "min_length"},
      {"blank message", Req(" \n\t "), "message", "blank"},
      {"2001 characters", Req(std::string(2001, 'a')), "message", "max_length"},
      {"2001 multibyte characters", Req([] {
         std::string s;
         for (int i = 0; i < 2001; ++i) s += "\xC3\xA9";  // é
         return s;
       }()),
       "message", "max_length"},
      {"control character", Req(std::string("hi\x01there")), "message", "characters"},
      {"session number", Json{{"message", "hi"}, {"session_id", 12}}.dump(), "session_id", "type"},
      {"session empty", Json{{"message", "hi"}, {"session_id", ""}}.dump(), "session_id", "format"},
      {"session not a uuid", Json{{"message", "hi"}, {"session_id", "abc"}}.dump(), "session_id", "format"},
      {"session without dashes", Json{{"message", "hi"}, {"session_id", "3f2b8c1e9d4a4b7e8f002a1c5d6e7f80"}}.dump(),
       "session_id", "format"},
      {"session with non-hex", Json{{"message", "hi"}, {"session_id", "3f2b8c1e-9d4a-4b7e-8f00-2a1c5d6e7fzz"}}.dump(),
       "session_id", "format"},
      {"session with braces", Json{{"message", "hi"}, {"session_id", "{3f2b8c1e-9d4a-4b7e-8f00-2a1c5d6e7f80}"}}.dump(),
       "session_id", "format"},
      {"session too long", Json{{"message", "hi"}, {"session_id", std::string(kId) + "0"}}.dump(), "session_id",
       "format"},
      {"invalid utf-8 byte", "{\"message\":\"caf\xE9\",\"session_id\":\"" + std::string(kId) + "\"}", "", "encoding"},
      {"overlong utf-8", "{\"message\":\"\xC0\xAF\",\"session_id\":\"" + std::string(kId) + "\"}", "", "encoding"},
      {"utf-8 surrogate", "{\"message\":\"\xED\xA0\x80\",\"session_id\":\"" + std::string(kId) + "\"}", "", "encoding"},
      {"lone surrogate escape", R"({"message":"\ud800","session_id":")" + std::string(kId) + "\"}", "", "json"},
      {"nested garbage", R"({"message":{"a":[{"b":[[[[{}]]]]}]},"session_id":")" + std::string(kId) + "\"}", "message",
       "type"},
      {"deep nesting", std::string(5000, '[') + std::string(5000, ']'), "", "type"},
      {"duplicate-looking key case", Json{{"Message", "hi"}, {"session_id", kId}}.dump(), "Message", "unknown_field"},
  };
}

TEST(Validation, TableOfInvalidRequests) {
  const auto cases = BadRequests();
  ASSERT_GE(cases.size(), 25u);
  for (const auto& c : cases) {
    auto r = ParseChatRequest(c.body);
    ASSERT_FALSE(r.ok()) << c.name << " was accepted";
    const auto& errs = r.error().errors;
    const bool found = std::any_of(errs.begin(), errs.end(),
                                   [&](const FieldError& e) { return e.field == c.field && e.rule == c.rule; });
    EXPECT_TRUE(found) << c.name << ": wanted " << c.field << "/" << c.rule << ", got " << r.error().ToDetails().dump();
    EXPECT_FALSE(r.error().Summary().empty()) << c.name;
  }
}

TEST(Validation, MessagesNameTheFieldAndTheRule) {
  auto r = ParseChatRequest(Req(std::string(2001, 'a')));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().Summary(), "message must be at most 2000 characters (got 2001)");
  auto t = ParseChatRequest(Json{{"message", 5}, {"session_id", kId}}.dump());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().Summary(), "message must be a string (got integer)");
  auto both = ParseChatRequest("{}");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().Summary(), "message is required; session_id is required");
  EXPECT_EQ(both.error().ToDetails()[0].dump(),
            R"({"field":"message","message":"message is required","rule":"required"})");
}

TEST(Validation, AcceptsValidRequestsAndNormalizesTheSessionId) {
  auto r = ParseChatRequest(Json{{"message", "What does the Pro plan cost?"},
                                 {"session_id", "3F2B8C1E-9D4A-4B7E-8F00-2A1C5D6E7F80"}}
                                .dump());
  ASSERT_TRUE(r.ok()) << r.error().Summary();
  EXPECT_EQ(r.value().session_id, kId);
  EXPECT_EQ(r.value().message, "What does the Pro plan cost?");
  // Exactly 2000 characters (multi-byte), new lines and tabs are fine.
  std::string longest;
  for (int i = 0; i < 2000; ++i) longest += "\xE4\xBB\xB7";  // 价
  EXPECT_TRUE(ParseChatRequest(Req(longest)).ok());
  EXPECT_TRUE(ParseChatRequest(Req("line one\nline two\tend")).ok());
  EXPECT_TRUE(ParseChatRequest(Req("emoji 👋 ok")).ok());
}

// The usual body is read without a JSON tree; every body must still read exactly as a JSON parser reads it.
TEST(Validation, ChatBodiesReadAsJsonReadsThem) {
  const std::string id = std::string("\"") + kId + "\"";
  const std::vector<std::string> bodies = {
      R"({"message":"plain","session_id":)" + id + "}",
      " {\n\t\"session_id\" : " + id + " ,\r\n \"message\" : \"order swapped\" } \n",
      R"({"message":"quote \" slash \/ back \\ tab \t line \n end","session_id":)" + id + "}",
      R"({"message":"caf\u00e9 \ud83d\udc4b","session_id":)" + id + "}",
      R"({"message":"first","message":"second","session_id":)" + id + "}",
      R"({"message":"ends with a back slash \\","session_id":)" + id + "}",
      "{\"message\":\"caf\xC3\xA9 raw\",\"session_id\":" + id + "}",
  };
  for (const std::string& body : bodies) {
    const auto r = ParseChatRequest(body);
    ASSERT_TRUE(r.ok()) << body << ": " << r.error().Summary();
    EXPECT_EQ(r.value().message, Json::parse(body)["message"].get<std::string>()) << body;
    EXPECT_EQ(r.value().session_id, kId) << body;
  }
  // Near misses of the usual shape get the general reader's errors.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"message":"hi","session_id":)" + id + R"(,"extra":1})", "extra is not an allowed field"},
      {R"({"message":"hi","session_id":)" + id + "} x", "body is not valid JSON"},
      {R"({"message":"hi","session_id":)" + id, "body is not valid JSON"},
      {"{\"message\":\"tab\there\",\"session_id\":" + id + "}", "body is not valid JSON"},
      {R"({"message":"bad \q escape","session_id":)" + id + "}", "body is not valid JSON"},
      {R"({"message":"","session_id":)" + id + "}", "message must not be empty"},
      {R"({"message":"hi","session_id":"nope"})", "session_id must be a UUID"},
  };
  for (const auto& [body, want] : bad) {
    const auto r = ParseChatRequest(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_NE(r.error().Summary().find(want), std::string::npos) << body << ": " << r.error().Summary();
  }
}

// POST /api/feedback: each bad vote names its field and rule; a good one comes back normalized.
TEST(Validation, FeedbackRequests) {
  static constexpr const char* kAnswer = "9a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
  const auto vote = [](Json extra) {
    Json j = {{"session_id", kId}, {"message_id", kAnswer}, {"rating", "down"}};
    for (auto& [k, v] : extra.items()) {
      if (v.is_null()) j.erase(k);
      else j[k] = v;
    }
    return j.dump();
  };
  struct Case {
    const char* name;
    std::string body;
    const char* field;
    const char* rule;
  };
  const std::vector<Case> bad = {
      {"empty", "", "", "required"},
      {"an array", "[]", "", "type"},
      {"no rating", vote({{"rating", nullptr}}), "rating", "required"},
      {"no message id", vote({{"message_id", nullptr}}), "message_id", "required"},
      {"rating sideways", vote({{"rating", "sideways"}}), "rating", "enum"},
      {"rating a number", vote({{"rating", 1}}), "rating", "type"},
      {"message id not a uuid", vote({{"message_id", "m-1"}}), "message_id", "format"},
      {"session id not a uuid", vote({{"session_id", "s"}}), "session_id", "format"},
      {"unknown reason", vote({{"reason", "rude"}}), "reason", "enum"},
      {"reason with a thumbs up", vote({{"rating", "up"}, {"reason", "wrong"}}), "reason", "rating"},
      {"comment with a thumbs up", vote({{"rating", "up"}, {"comment", "great"}}), "comment", "rating"},
      {"comment of 501 characters", vote({{"comment", std::string(501, 'x')}}), "comment", "max_length"},
      {"comment with a control character", vote({{"comment", std::string("a\x01b")}}), "comment", "characters"},
      {"an extra field", vote({{"user", "bob"}}), "user", "unknown_field"},
  };
  for (const Case& c : bad) {
    auto r = ParseFeedbackRequest(c.body);
    ASSERT_FALSE(r.ok()) << c.name << " was accepted";
    const auto& errs = r.error().errors;
    EXPECT_TRUE(std::any_of(errs.begin(), errs.end(), [&](const FieldError& e) { return e.field == c.field && e.rule == c.rule; }))
        << c.name << ": " << r.error().ToDetails().dump();
  }
  auto down = ParseFeedbackRequest(vote({{"session_id", "3F2B8C1E-9D4A-4B7E-8F00-2A1C5D6E7F80"},
                                         {"reason", "not_what_i_asked"},
                                         {"comment", std::string(500, 'y')}}));
  ASSERT_TRUE(down.ok()) << down.error().Summary();
  EXPECT_EQ(down.value().session_id, kId);
  EXPECT_EQ(down.value().reason, "not_what_i_asked");
  EXPECT_EQ(down.value().comment->size(), 500u);
  auto up = ParseFeedbackRequest(vote({{"rating", "up"}}));
  ASSERT_TRUE(up.ok()) << up.error().Summary();
  EXPECT_EQ(up.value().rating, "up");
  EXPECT_FALSE(up.value().reason);
  // A blank comment is no comment.
  EXPECT_FALSE(ParseFeedbackRequest(vote({{"comment", "  \n"}})).value().comment);
}

TEST(Validation, Utf8Checks) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("Héllo wörld 价格 👋"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xE4\xBB"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_EQ(Utf8Length("Héllo 价"), 7u);
}

TEST(Validation, Iso8601Checks) {
  EXPECT_TRUE(IsIso8601("2026-11-24T10:00:00Z"));
  EXPECT_TRUE(IsIso8601("2026-11-24T10:00:00.123Z"));
  EXPECT_TRUE(IsIso8601("2026-11-24T10:00:00.123456+05:30"));
  EXPECT_FALSE(IsIso8601("2026-11-24 10:00:00"));
  EXPECT_FALSE(IsIso8601("2026-13-24T10:00:00Z"));
  EXPECT_FALSE(IsIso8601("yesterday"));
}

Json ValidResponse() {
  return Json::parse(R"({
    "message": "The Pro plan costs $49 [1].", "agent": "billing", "confidence": 0.9,
    "logs": [{"id": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f", "type": "vector_search", "title": "Search",
              "data": {"index": "bm25+trigram", "metric": "BM25", "agent": "billing", "domain": "billing",
                       "query_terms": ["pro", "plan"], "expansions": [{"term": "plan", "matched": "plans",
                       "similarity": 0.7}], "top_k": 5, "chunk_count": 1, "indexed_chunks": 300,
                       "latency_ms": 0.2},
              "timestamp": "2026-11-24T10:00:00.000Z", "status": "success",
              "chunks": [{"id": 3, "content": "x", "similarity": 0.7, "source": "billing/a.md"}]}],
    "metrics": {"tokensUsed": 10, "cost": 0.001, "latency": 2.5, "cache_status": "miss"},
    "agent_status": {"orchestrator": "complete", "billing": "complete", "technical": "idle", "policy": "idle"}})");
}

TEST(Validation, StrictResponseValidationRejectsExtrasAtEveryLevel) {
  EXPECT_TRUE(ValidateChatResponse(ValidResponse()).empty());
  struct Mutation {
    const char* name;
    std::function<void(Json&)> apply;
    std::string field;
    std::string rule;
  };
  const std::vector<Mutation> mutations = {
      {"extra top-level key", [](Json& j) { j["message_id"] = "x"; }, "message_id", "unknown_field"},
      {"extra metrics key", [](Json& j) { j["metrics"]["strategy"] = "x"; }, "metrics.strategy", "unknown_field"},
      {"extra log key", [](Json& j) { j["logs"][0]["turn"] = 1; }, "logs[0].turn", "unknown_field"},
      {"extra chunk key", [](Json& j) { j["logs"][0]["chunks"][0]["score"] = 1; }, "logs[0].chunks[0].score",
       "unknown_field"},
      {"similarity above 1", [](Json& j) { j["logs"][0]["chunks"][0]["similarity"] = 1.5; },
       "logs[0].chunks[0].similarity", "range"},
      {"string chunk id", [](Json& j) { j["logs"][0]["chunks"][0]["id"] = "3"; }, "logs[0].chunks[0].id", "type"},
      {"log id not uuid", [](Json& j) { j["logs"][0]["id"] = "log-1"; }, "logs[0].id", "format"},
      {"bad timestamp", [](Json& j) { j["logs"][0]["timestamp"] = "now"; }, "logs[0].timestamp", "format"},
      {"unknown agent", [](Json& j) { j["agent"] = "sales"; }, "agent", "enum"},
      {"unknown cache status", [](Json& j) { j["metrics"]["cache_status"] = "stale"; }, "metrics.cache_status",
       "enum"},
      {"missing agent status", [](Json& j) { j["agent_status"].erase("policy"); }, "agent_status.policy", "required"},
      {"confidence above 1", [](Json& j) { j["confidence"] = 2; }, "confidence", "range"},
      {"a log type outside the original four", [](Json& j) { j["logs"][0]["type"] = "llm"; }, "logs[0].type", "enum"},
      {"extra data key", [](Json& j) { j["logs"][0]["data"]["note"] = "x"; }, "logs[0].data.note", "unknown_field"},
      {"extra key inside a data list", [](Json& j) { j["logs"][0]["data"]["expansions"][0]["why"] = "x"; },
       "logs[0].data.expansions[0].why", "unknown_field"},
      {"missing data key", [](Json& j) { j["logs"][0]["data"].erase("metric"); }, "logs[0].data", "type"},
      {"wrong data type", [](Json& j) { j["logs"][0]["data"]["top_k"] = "5"; }, "logs[0].data", "type"},
      {"unknown agent in data", [](Json& j) { j["logs"][0]["data"]["agent"] = "sales"; }, "logs[0].data.agent",
       "value"},
      {"data of another type", [](Json& j) { j["logs"][0]["type"] = "cache"; }, "logs[0].data", "type"},
      {"negative tokens", [](Json& j) { j["metrics"]["tokensUsed"] = -1; }, "metrics.tokensUsed", "range"},
  };
  for (const auto& m : mutations) {
    Json j = ValidResponse();
    m.apply(j);
    const auto errs = ValidateChatResponse(j);
    const bool found =
        std::any_of(errs.begin(), errs.end(), [&](const FieldError& e) { return e.field == m.field && e.rule == m.rule; });
    EXPECT_TRUE(found) << m.name << ": " << ValidationError{errs}.ToDetails().dump();
  }
  EXPECT_FALSE(ParseChatResponse("<html>502 Bad Gateway</html>").ok());
}

}  // namespace
}  // namespace oai
