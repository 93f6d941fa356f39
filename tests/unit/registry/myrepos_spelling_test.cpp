// myrepos' key names in a TOML registry are errors that give mr's spelling; $VAR in
// repository paths; lib and deleted.
#include <cstdlib>

#include <gtest/gtest.h>

#include <mr/registry/registry.hpp>

#include "cli_fixture.hpp"
#include "registry/myrepos_spelling.hpp"

namespace mr::registry {

namespace {

class MyreposSpelling : public ::testing::Test {
protected:
  fs::path home() const { return m_tmp.path() / "home"; }
  fs::path root_file() const { return home() / ".mrconfig.toml"; }

  Result<Registry> load_root(std::string_view text, bool trust_all = true) {
    test::write_file(root_file(), text);
    return load({root_file(), home(), trust_all});
  }
  // A file beside the root that no one trusts.
  Result<Registry> load_untrusted(std::string_view text) {
    const auto file = home() / "proj" / ".mrconfig.toml";
    test::write_file(file, text);
    return load({file, home(), false});
  }
  std::string error_of(const Result<Registry>& r) {
    if (r) {
      ADD_FAILURE() << "expected an error";
      return {};
    }
    return r.error().message;
  }

  test::TempDir m_tmp;
};

const char* lookup(const std::string& name) {
  if (name == "SRC") {
    return "/srv/src";
  }
  if (name == "EMPTY") {
    return "";
  }
  return nullptr;
}

} // namespace

TEST_F(MyreposSpelling, PerTypeCommandsNameTheTomlSpelling) {
  EXPECT_EQ(error_of(load_root("[commands]\ngit_update = \"git pull\"\n")),
            root_file().string() +
                ":2:1: 'git_update' is myrepos' spelling: write update = ... in [commands]");
  EXPECT_EQ(error_of(load_root("[repos.a.commands]\ngit_status = \"git status\"\n")),
            root_file().string() + ":2:1: 'git_status' is myrepos' spelling: write status = ... "
                                   "in this repository's commands table");
  EXPECT_NE(error_of(load_root("[commands]\nsvn_update = \"svn up\"\n"))
                .find("'svn_update' is myrepos' way to support svn repositories; mr manages git "
                      "repositories only"),
            std::string::npos);
  EXPECT_NE(error_of(load_root("[commands]\ngit_test = \"true\"\n")).find("leave it out"),
            std::string::npos);
}

TEST_F(MyreposSpelling, RepositorySettingsAreNotCommands) {
  for (const char* key : {"skip", "deleted", "order", "chain"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(error_of(load_root(std::string("[commands]\n") + key + " = \"true\"\n")),
              root_file().string() + ":2:1: '" + key +
                  "' is a repository setting, not a command: write " + key +
                  " = ... in the repository's table, beside its url");
  }
  EXPECT_NE(error_of(load_root("[commands]\nlib = \"f() { :; }\"\n"))
                .find("write lib = ... in [settings] (every repository) or in a repository's "
                      "table"),
            std::string::npos);
  EXPECT_NE(error_of(load_root("[commands]\nupdate_append = \"x\"\n"))
                .find("write the whole command as update = ... in [commands]"),
            std::string::npos);
  EXPECT_NE(error_of(load_root("[commands]\nupdate_default = \"x\"\n"))
                .find("write update = ... in [commands]"),
            std::string::npos);
  EXPECT_NE(error_of(load_root("[commands]\nfixups = \"x\"\n")).find("post_checkout"),
            std::string::npos);
}

TEST_F(MyreposSpelling, OrdinaryCommandsAndTheCheckoutOverrideStayAllowed) {
  auto r = load_root("[commands]\ncheckout = \"git clone x y\"\nunit_test = \"make check\"\n"
                     "pre_update = \"true\"\ngitk = \"gitk\"\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->commands.size(), 4u);
}

TEST_F(MyreposSpelling, MyreposKeysInARepositoryTableSayWhereTheyGo) {
  EXPECT_EQ(error_of(load_root("[repos.a]\ncheckout = \"git clone x a\"\n")),
            root_file().string() +
                ":2:1: unknown key 'checkout' in repo 'a': commands go in the repository's "
                "commands table (commands.checkout = ...); for a clone, url = ... is enough");
  EXPECT_NE(error_of(load_root("[repos.a]\ngit_update = \"git pull\"\n"))
                .find("write commands.update = ... in this table"),
            std::string::npos);
}

TEST_F(MyreposSpelling, LibAndDeletedAreRead) {
  auto r = load_root("[settings]\nlib = \"a() { :; }\"\n[repos.x]\nlib = \"b() { :; }\"\n"
                     "deleted = true\n[repos.y]\ndeleted = \"test -e stop\"\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->settings.lib, "a() { :; }\n");
  ASSERT_EQ(r->repos.size(), 2u);
  EXPECT_EQ(r->repos[0].lib, "b() { :; }");
  EXPECT_TRUE(r->repos[0].deleted);
  EXPECT_FALSE(r->repos[1].deleted);
  EXPECT_EQ(r->repos[1].deleted_predicate, "test -e stop");
}

TEST_F(MyreposSpelling, UntrustedFilesMayNotHaveLibOrDeletedCommands) {
  EXPECT_NE(error_of(load_untrusted("[repos.a]\nlib = \"x\"\n"))
                .find("'lib' is not allowed in an untrusted registry file"),
            std::string::npos);
  EXPECT_NE(error_of(load_untrusted("[repos.a]\ndeleted = \"true\"\n"))
                .find("a 'deleted' command is not allowed in an untrusted registry file"),
            std::string::npos);
  auto r = load_untrusted("[repos.a]\ndeleted = true\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->repos[0].deleted);
}

TEST(ExpandVariables, ReplacesNamesAndBracedNames) {
  EXPECT_EQ(expand_variables("$SRC/a", lookup).value(), "/srv/src/a");
  EXPECT_EQ(expand_variables("${SRC}x/$EMPTY", lookup).value(), "/srv/srcx/");
  EXPECT_EQ(expand_variables("plain/path", lookup).value(), "plain/path");
  EXPECT_EQ(expand_variables("a\\$SRC/b\\c", lookup).value(), "a$SRC/b\\c"); // "\$" is a '$'
}

TEST(ExpandVariables, AnUnsetVariableOrALoneDollarIsAnError) {
  EXPECT_EQ(expand_variables("$NOPE/a", lookup).error().message,
            "variable $NOPE is not set (export it, or write the path out)");
  EXPECT_EQ(expand_variables("a/$", lookup).error().message,
            "'$' must start a variable, $NAME or ${NAME}");
  EXPECT_FALSE(expand_variables("${SRC", lookup));
  EXPECT_FALSE(expand_variables("$(pwd)", lookup));
}

TEST_F(MyreposSpelling, RepositoryPathsExpandVariablesInTrustedFilesOnly) {
  ::setenv("MR_TEST_SPELLING_DIR", "/srv/x", 1);
  auto r =
      load_root("[repos.\"$MR_TEST_SPELLING_DIR/a\"]\n[repos.\"~/${MR_TEST_SPELLING_DIR}\"]\n");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->repos.size(), 2u);
  EXPECT_EQ(r->repos[0].path, "/srv/x/a");
  EXPECT_EQ(r->repos[0].key, "$MR_TEST_SPELLING_DIR/a");
  EXPECT_EQ(r->repos[1].path, home() / "srv/x");
  ::unsetenv("MR_TEST_SPELLING_DIR");
  EXPECT_EQ(error_of(load_root("[repos.\"$MR_TEST_SPELLING_DIR/a\"]\n")),
            root_file().string() + ":1:8: repo path '$MR_TEST_SPELLING_DIR/a': variable "
                                   "$MR_TEST_SPELLING_DIR is not set (export it, or write the "
                                   "path out)");
  EXPECT_NE(error_of(load_untrusted("[repos.\"$HOME/a\"]\n"))
                .find("names a variable, which is not allowed in an untrusted registry file"),
            std::string::npos);
}

} // namespace mr::registry
