#include <gtest/gtest.h>

#include <mr/util/duration.hpp>

namespace mr::util {

using std::chrono::milliseconds;

TEST(Duration, ParsesUnitsAndCombinations) {
  EXPECT_EQ(parse_duration("30s"), milliseconds(30'000));
  EXPECT_EQ(parse_duration("5m"), milliseconds(300'000));
  EXPECT_EQ(parse_duration("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("1m30s500ms"), milliseconds(90'500));
}

TEST(Duration, ABareNumberIsSeconds) {
  EXPECT_EQ(parse_duration("12"), milliseconds(12'000));
}

TEST(Duration, RejectsMalformedText) {
  for (const char* bad : {"", "s", "5", "5x", "m5", "5m5h", "5s5s", "1.5s", "-3s", "5 s"}) {
    if (std::string_view(bad) == "5") {
      continue; // a bare number is valid
    }
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(Duration, FormatsCompactly) {
  EXPECT_EQ(format_duration(milliseconds(5'400'000)), "1h30m");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
}

} // namespace mr::util
