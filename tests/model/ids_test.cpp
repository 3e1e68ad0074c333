// Random v4 UUIDs are well formed and distinct; timestamps are ISO 8601 UTC with milliseconds.
#include <set>

#include <gtest/gtest.h>

#include "model/ids.h"
#include "model/validation.h"

namespace oai {
namespace {

TEST(Ids, UuidsAreVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewUuidV4();
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    EXPECT_EQ(id, NormalizeUuid(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Ids, TimestampsAreIso8601Utc) {
  using namespace std::chrono;
  const auto t = system_clock::time_point(milliseconds(1795514400123));  // 2026-11-24T10:00:00.123Z
  EXPECT_EQ(FormatIso8601(t), "2026-11-24T10:00:00.123Z");
  EXPECT_EQ(FormatIso8601(system_clock::time_point(milliseconds(0))), "1970-01-01T00:00:00.000Z");
  EXPECT_TRUE(IsIso8601(NowIso8601()));
  // The same second, the second before, the next day and back: each is written from its own time (the formatter
  // keeps the last second's text).
  EXPECT_EQ(FormatIso8601(system_clock::time_point(milliseconds(1795514400999))), "2026-11-24T10:00:00.999Z");
  EXPECT_EQ(FormatIso8601(system_clock::time_point(milliseconds(1795514400007))), "2026-11-24T10:00:00.007Z");
  EXPECT_EQ(FormatIso8601(system_clock::time_point(milliseconds(1795514399500))), "2026-11-24T09:59:59.500Z");
  EXPECT_EQ(FormatIso8601(system_clock::time_point(milliseconds(1795600800050))), "2026-11-25T10:00:00.050Z");
  EXPECT_EQ(FormatIso8601(system_clock::time_point(milliseconds(-1))), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIso8601(t), "2026-11-24T10:00:00.123Z");
}

}  // namespace
}  // namespace oai
