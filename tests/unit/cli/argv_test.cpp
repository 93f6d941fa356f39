#include <gtest/gtest.h>

#include <mr/cli/argv.hpp>

namespace mr::cli {

namespace {
using Words = std::vector<std::string>;
} // namespace

TEST(SplitArgs, OptionsStopAtTheAction) {
  auto s = split_args({"-q", "-d", "dir", "status", "-s", "--x"});
  EXPECT_EQ(s.options, (Words{"-q", "-d", "dir"}));
  EXPECT_EQ(s.rest, (Words{"status", "-s", "--x"}));
  EXPECT_EQ(s.switches, s.options);
}

TEST(SplitArgs, BareJobsAndDepthGetAnExplicitZero) {
  EXPECT_EQ(split_args({"-j", "status"}).options, (Words{"-j0"}));
  EXPECT_EQ(split_args({"-j", "status"}).rest, (Words{"status"}));
  EXPECT_EQ(split_args({"-j", "4", "status"}).options, (Words{"-j", "4"}));
  EXPECT_EQ(split_args({"-j8", "status"}).options, (Words{"-j8"}));
  EXPECT_EQ(split_args({"-qj", "list"}).options, (Words{"-qj0"}));
  EXPECT_EQ(split_args({"-qj", "3", "list"}).options, (Words{"-qj", "3"}));
  EXPECT_EQ(split_args({"--jobs", "list"}).options, (Words{"--jobs=0"}));
  EXPECT_EQ(split_args({"--jobs", "2", "list"}).options, (Words{"--jobs", "2"}));
  EXPECT_EQ(split_args({"-n", "list"}).options, (Words{"-n0"}));
  EXPECT_EQ(split_args({"--no-recurse", "1", "list"}).options, (Words{"--no-recurse", "1"}));
  EXPECT_EQ(split_args({"-j"}).options, (Words{"-j0"}));
  EXPECT_EQ(split_args({"-j", "-q", "list"}).options, (Words{"-j0", "-q"}));
}

TEST(SplitArgs, ValuesThatLookLikeActionsAreConsumedByTheirOptions) {
  auto s = split_args({"-c", "list", "-g", "work", "--order", "completion", "-dx", "status"});
  EXPECT_EQ(s.rest, (Words{"status"}));
  s = split_args({"-qd", "dir", "--color=never", "list"});
  EXPECT_EQ(s.options, (Words{"-qd", "dir", "--color=never"}));
  EXPECT_EQ(s.rest, (Words{"list"}));
}

TEST(SplitArgs, DoubleDashEndsOptions) {
  auto s = split_args({"-q", "--", "-weird"});
  EXPECT_EQ(s.options, (Words{"-q"}));
  EXPECT_EQ(s.rest, (Words{"-weird"}));
}

} // namespace mr::cli
