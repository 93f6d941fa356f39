#include <gtest/gtest.h>

#include <mr/cmd/command_table.hpp>

namespace mr::cmd {

namespace {
std::string resolved(std::string_view typed, const registry::Registry& reg = {}) {
  auto r = resolve_action(typed, reg);
  return r ? r->action : "error: " + r.error().message;
}
} // namespace

TEST(CommandTable, ExactNamesAndUniquePrefixes) {
  EXPECT_EQ(resolved("list"), "list");
  EXPECT_EQ(resolved("li"), "list");
  EXPECT_EQ(resolved("reg"), "register");
  EXPECT_EQ(resolved("unr"), "unregister");
}

TEST(CommandTable, BuiltinAliasesResolveAndDoNotMakePrefixesAmbiguous) {
  EXPECT_EQ(resolved("ls"), "list");
  EXPECT_EQ(resolved("ci"), "commit");
  registry::Registry reg;
  reg.aliases = {{"lis", "list"}};
  EXPECT_EQ(resolved("li", reg), "list"); // list and lis both mean list
  EXPECT_EQ(resolved("l"), "error: ambiguous action \"l\" (matches: list, ll, log, ls)");
  EXPECT_EQ(resolved("ll"), "summary");
  EXPECT_EQ(resolved("st"), "status"); // as myrepos: mr st
  EXPECT_EQ(resolved("su"), "summary");
}

// Abbreviations that worked with myrepos keep their meaning although mr has more actions:
// among several matches, myrepos' own (and the registry's) count first.
TEST(CommandTable, AnAbbreviationMeansMyreposActionBeforeOneOnlyMrHas) {
  EXPECT_EQ(resolved("di"), "diff");  // not discover
  EXPECT_EQ(resolved("s"), "status"); // not summary
  EXPECT_EQ(resolved("dis"), "discover");
  EXPECT_EQ(resolved("im"), "import");
  EXPECT_EQ(resolved("un"), "unregister");
  registry::Registry reg;
  reg.commands = {{"dist", "make dist"}};
  EXPECT_EQ(resolved("di", reg), "error: ambiguous action \"di\" (matches: diff, discover, dist)");
}

TEST(CommandTable, RegistryCommandsAreActions) {
  registry::Registry reg;
  reg.commands = {{"pullr", "git pull --rebase"}, {"pre_status", "echo hook"}};
  registry::Repo repo;
  repo.commands = {{"test", "make check"}, {"post_test", "echo done"}};
  reg.repos.push_back(repo);
  auto r = resolve_action("pul", reg);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->action, "pullr");
  EXPECT_EQ(r->builtin, nullptr);
  EXPECT_EQ(resolved("tes", reg), "test");
  EXPECT_FALSE(resolve_action("pre_status", reg)); // hooks are not actions
  EXPECT_FALSE(resolve_action("post_test", reg));
  // A registry command with a built-in's name is still the built-in action.
  reg.commands["list"] = "echo mine";
  r = resolve_action("list", reg);
  ASSERT_TRUE(r);
  EXPECT_NE(r->builtin, nullptr);
}

TEST(CommandTable, UnknownAndAmbiguousNamesListTheCandidates) {
  registry::Registry reg;
  reg.aliases = {{"rel", "list"}};
  EXPECT_EQ(resolved("reg", reg), "register");
  EXPECT_EQ(resolved("re", reg), "error: ambiguous action \"re\" (matches: record, register, rel)");
  EXPECT_EQ(
      resolved("zz", reg),
      "error: unknown action \"zz\" (known actions: checkout, ci, clean, co, commit, config, diff, "
      "discover, "
      "fetch, grep, import, list, ll, log, ls, push, record, register, rel, run, status, summary, "
      "unregister, update)");
}

TEST(CommandTable, UserAliasesComeFirst) {
  registry::Registry reg;
  reg.aliases = {{"show", "list"}, {"ls", "register"}, {"bad", "nothing"}};
  EXPECT_EQ(resolved("show", reg), "list");
  EXPECT_EQ(resolved("ls", reg), "register");
  EXPECT_EQ(resolved("bad", reg), "error: alias \"bad\" names unknown action \"nothing\"");
}

TEST(CommandTable, AliasesDoNotChainAndTheErrorSaysSo) {
  // As myrepos: an alias's target is not an alias again.
  registry::Registry reg;
  reg.aliases = {{"loop1", "loop2"}, {"loop2", "list"}, {"mine", "ll"}, {"self", "self"}};
  EXPECT_EQ(resolved("loop2", reg), "list");
  EXPECT_EQ(resolved("loop1", reg), "error: alias \"loop1\" names another alias, \"loop2\", and "
                                    "aliases do not chain: name the action (\"list\")");
  EXPECT_EQ(resolved("mine", reg), "error: alias \"mine\" names another alias, \"ll\", and "
                                   "aliases do not chain: name the action (\"summary\")");
  EXPECT_EQ(resolved("self", reg), "error: alias \"self\" names itself");
}

} // namespace mr::cmd
