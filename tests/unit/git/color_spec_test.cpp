// git's colour values, parsed as git parses them: each compared with what git itself
// prints for it (`git config --get-color`).
#include <gtest/gtest.h>

#include "git/color_spec.hpp"
#include "process.hpp"

namespace mr::git {
namespace {

std::optional<std::string> gits(const std::string& spec) {
  test::RunOptions options;
  options.env["GIT_CONFIG_NOSYSTEM"] = "1";
  options.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  options.env["HOME"] = "/nonexistent";
  options.env["PATH"] = "/usr/bin:/bin";
  options.cwd = "/";
  const auto r = test::run({"git", "-c", "x.y=" + spec, "config", "--get-color", "x.y"}, options);
  if (r.exit_code != 0) {
    return std::nullopt;
  }
  return r.out;
}

TEST(ColorSpec, EveryFormGitAcceptsGivesGitsBytes) {
  for (const std::string spec : {"red",
                                 "blue bold",
                                 "bold blue",
                                 "green black",
                                 "brightred",
                                 "BrightBlue ul",
                                 "normal",
                                 "normal red",
                                 "default",
                                 "default default",
                                 "-1",
                                 "0",
                                 "7",
                                 "8",
                                 "15",
                                 "16",
                                 "255",
                                 "#ff0000",
                                 "#00Ff7f blue",
                                 "reset",
                                 "reset bold",
                                 "bold dim italic ul blink reverse strike",
                                 "no-bold",
                                 "nobold red",
                                 "no-ul no-reverse",
                                 "yellow reverse",
                                 "  cyan  \t ul  ",
                                 "magenta normal bold",
                                 "white brightblack"}) {
    SCOPED_TRACE("'" + spec + "'");
    const auto theirs = gits(spec);
    ASSERT_TRUE(theirs.has_value());
    EXPECT_EQ(parse_color_spec(spec), theirs);
  }
}

TEST(ColorSpec, WhatGitRejectsIsRejected) {
  for (const std::string spec :
       {"blue red green", "purple", "256", "-2", "#ff00", "#gg0000", "bolder", "no-", "1.5"}) {
    SCOPED_TRACE("'" + spec + "'");
    EXPECT_FALSE(gits(spec).has_value());
    EXPECT_FALSE(parse_color_spec(spec).has_value());
  }
}

TEST(ColorSpec, AnEmptyValueIsNoColour) {
  EXPECT_EQ(parse_color_spec(""), std::string());
  EXPECT_EQ(gits(""), std::string());
}

TEST(ColorSpec, TheSettingDecidesOnlyWhenItIsAlwaysOrNever) {
  EXPECT_TRUE(git_colors(std::string("always"), false));
  EXPECT_FALSE(git_colors(std::string("never"), true));
  EXPECT_FALSE(git_colors(std::string("false"), true));
  EXPECT_TRUE(git_colors(std::string("auto"), true));
  EXPECT_FALSE(git_colors(std::string("auto"), false));
  EXPECT_TRUE(git_colors(std::string("true"), true));
  EXPECT_FALSE(git_colors(std::nullopt, false));
}

} // namespace
} // namespace mr::git
