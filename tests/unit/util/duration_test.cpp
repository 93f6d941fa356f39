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

TEST(Duration, HugeValuesSaturateInsteadOfOverflowing) {
  // 99999999999999999 s and 10^9 h overflow milliseconds' and then nanoseconds' range: they
  // used to come out as small or negative durations, so a run timed out at once.
  for (const char* huge : {"99999999999999999", "1000000000h", "999999999999h",
                           "99999999999999999999999ms", "5124095576h1m"}) {
    const auto d = parse_duration(huge);
    ASSERT_TRUE(d.has_value()) << huge;
    EXPECT_GT(*d, k_max_duration) << huge;
  }
  EXPECT_EQ(parse_duration("8760h"), k_max_duration);
  EXPECT_EQ(seconds_duration(30), milliseconds(30'000));
  EXPECT_EQ(seconds_duration(~std::uint64_t{0}), milliseconds::max());
}

TEST(Duration, FormatsCompactly) {
  EXPECT_EQ(format_duration(milliseconds(5'400'000)), "1h30m");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
}

} // namespace mr::util
