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
  EXPECT_EQ(resolved("l"), "list"); // list and ls both mean list
}

TEST(CommandTable, UnknownAndAmbiguousNamesListTheCandidates) {
  registry::Registry reg;
  reg.aliases = {{"rel", "list"}};
  EXPECT_EQ(resolved("re", reg), "error: ambiguous action \"re\" (matches: register, rel)");
  EXPECT_EQ(resolved("zz", reg),
            "error: unknown action \"zz\" (known actions: list, ls, register, rel, unregister)");
}

TEST(CommandTable, UserAliasesComeFirst) {
  registry::Registry reg;
  reg.aliases = {{"show", "list"}, {"ls", "register"}, {"bad", "nothing"}};
  EXPECT_EQ(resolved("show", reg), "list");
  EXPECT_EQ(resolved("ls", reg), "register");
  EXPECT_EQ(resolved("bad", reg), "error: alias \"bad\" names unknown action \"nothing\"");
}

} // namespace mr::cmd
