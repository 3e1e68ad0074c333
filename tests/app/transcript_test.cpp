// Where a click on an answer's text lands: on a "[n]" citation marker (which opens that source) or not.
#include "app/transcript.h"

#include <gtest/gtest.h>

namespace oai::app {
namespace {

TEST(Transcript, AClickOnACitationMarkerNamesItsNumber) {
  const std::string text = "Annual plans can be refunded within 30 days [1]. Refunds take 5 days [12].";
  const int one = static_cast<int>(text.find("[1]"));
  for (int at : {one, one + 1, one + 2, one + 3}) EXPECT_EQ(CitationAt(text, at), 1) << at;
  const int twelve = static_cast<int>(text.find("[12]"));
  for (int at : {twelve, twelve + 2, twelve + 4}) EXPECT_EQ(CitationAt(text, at), 12) << at;
  EXPECT_EQ(CitationAt(text, one - 2), 0);  // "days", before the marker
  EXPECT_EQ(CitationAt(text, 3), 0);
  EXPECT_EQ(CitationAt("a [x] b", 3), 0);
  EXPECT_EQ(CitationAt("[1", 1), 0);
  EXPECT_EQ(CitationAt(text, -1), 0);
  EXPECT_EQ(CitationAt(text, static_cast<int>(text.size()) + 5), 0);
}

}  // namespace
}  // namespace oai::app
