// Server-sent events: what the server writes is read back whole, however the bytes are split on the way.
#include "model/sse.h"

#include <gtest/gtest.h>

#include <vector>

namespace oai {
namespace {

std::vector<SseEvent> ReadInPieces(const std::string& text, std::size_t piece) {
  std::vector<SseEvent> out;
  SseParser parser([&](SseEvent e) { out.push_back(std::move(e)); });
  for (std::size_t i = 0; i < text.size(); i += piece) parser.Feed(std::string_view(text).substr(i, piece));
  return out;
}

TEST(Sse, WhatIsWrittenIsReadBackInAnySplit) {
  const std::string text = FormatSse({1, "agent_status", R"({"agent":"billing","status":"active"})"}) +
                           FormatSse({2, "message_chunk", R"({"content":"Ünïcödé – 日本 [1]. "})"});
  for (std::size_t piece : {1u, 2u, 3u, 7u, 1000u}) {
    const auto events = ReadInPieces(text, piece);
    ASSERT_EQ(events.size(), 2u) << piece;
    EXPECT_EQ(events[0].id, 1);
    EXPECT_EQ(events[0].name, "agent_status");
    EXPECT_EQ(events[0].data, R"({"agent":"billing","status":"active"})");
    EXPECT_EQ(events[1].id, 2);
    EXPECT_EQ(events[1].data, R"({"content":"Ünïcödé – 日本 [1]. "})");
  }
}

TEST(Sse, CrLfLinesDataLinesCommentsAndUnnamedEvents) {
  const auto events = ReadInPieces(": keep-alive\r\nretry: 100\r\nid: 7\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\r", 3);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, 7);
  EXPECT_EQ(events[0].name, "message");
  EXPECT_EQ(events[0].data, "a\nb");
  EXPECT_EQ(events[1].id, 0);
  EXPECT_EQ(events[1].data, "c");
}

TEST(Sse, AnEventWithoutItsBlankLineIsNotDelivered) {
  EXPECT_TRUE(ReadInPieces("id: 1\nevent: done\ndata: {}\n", 4).empty());
}

}  // namespace
}  // namespace oai
