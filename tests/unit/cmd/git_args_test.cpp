// Which arguments are git's: checked the way git's option parser reads them, against the
// long options the installed git lists and a table of short ones.
#include <gtest/gtest.h>

#include "cmd/git_args.hpp"

namespace mr::cmd {

namespace {

constexpr std::array<std::string_view, 1> k_more{"cached"};
constexpr GitSyntax k_syntax{.action = "act",
                             .command = "cmd",
                             .usage = "mr act [ARGS]",
                             .flags = "sb",
                             .optional_value = "u",
                             .required_value = "j",
                             .more_long = k_more};

// As git lists them: "=" marks a value; negations follow a lone "--".
const std::vector<std::string> k_long = {
    "short", "prune", "prune-tags", "depth=", "no-renames", "", "no-short"};

std::string checked(std::vector<std::string> args) {
  auto r = check_git_options(k_syntax, k_long, args);
  return r ? "ok" : r.error().message;
}

std::string refused(std::string_view arg) {
  return "'" + std::string(arg) +
         "' is not an option of mr act or of git cmd (usage: mr act [ARGS])";
}

} // namespace

TEST(GitArgs, LongOptionsByNameNegationAndUniquePrefix) {
  EXPECT_EQ(checked({"--short", "--no-short", "--prune-tags", "--cached"}), "ok");
  EXPECT_EQ(checked({"--no-prune", "--renames", "--no-renames", "--no-cached"}), "ok");
  EXPECT_EQ(checked({"--sh", "--prune-t", "--dep=1"}), "ok");
  EXPECT_EQ(checked({"--bogus"}), refused("--bogus"));
  EXPECT_EQ(checked({"--no-bogus"}), refused("--no-bogus"));
  EXPECT_EQ(checked({"--pru"}), "'--pru' is ambiguous for git cmd: --prune, --prune-tags "
                                "(usage: mr act [ARGS])");
  EXPECT_EQ(checked({"--"}), "ok");
}

TEST(GitArgs, AValueIsTheAttachedTextOrTheNextWord) {
  EXPECT_EQ(checked({"--depth=1"}), "ok");
  EXPECT_EQ(checked({"--depth", "-x"}), "ok"); // -x is the depth, for git to judge
  EXPECT_EQ(checked({"--short", "-x"}), refused("-x"));
  EXPECT_EQ(checked({"-j", "-x"}), "ok");
  EXPECT_EQ(checked({"-j4", "-x"}), refused("-x"));
}

TEST(GitArgs, ShortOptionsBundleAndTakeAttachedValues) {
  EXPECT_EQ(checked({"-sb", "-s", "-uno", "-bsu", "-sj4", "-u"}), "ok");
  EXPECT_EQ(checked({"-sx"}), refused("-sx"));
  EXPECT_EQ(checked({"-x"}), refused("-x"));
}

TEST(GitArgs, WordsAndEverythingAfterTheSeparatorAreGits) {
  EXPECT_EQ(checked({"origin", "main", "-", "--", "--bogus", "-x"}), "ok");
  EXPECT_EQ(checked({"HEAD~1", "--bogus"}), refused("--bogus"));
}

TEST(GitArgs, TheInstalledGitListsItsLongOptions) {
  const auto status = git_long_options("status");
  ASSERT_TRUE(status) << status.error().message;
  for (const char* name : {"porcelain", "ignored", "untracked-files", "branch", "no-branch"}) {
    EXPECT_NE(std::find(status->begin(), status->end(), name), status->end()) << name;
  }
  const auto diff = git_long_options("diff");
  ASSERT_TRUE(diff) << diff.error().message;
  EXPECT_NE(std::find(diff->begin(), diff->end(), "stat-width="), diff->end());
  EXPECT_NE(std::find(diff->begin(), diff->end(), "name-only"), diff->end());
}

TEST(GitArgs, AGitCommandThatDoesNotExistIsAnError) {
  const auto r = git_long_options("no-such-command");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot list the options of git no-such-command"),
            std::string::npos)
      << r.error().message;
}

} // namespace mr::cmd
