// An action's arguments are checked once, before any repository runs: a bad one is a usage
// error (one line, exit status 2), not something each repository ignores or fails on.
#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class ActionArgs : public CliTest {
protected:
  void SetUp() override {
    make_repo(home() / "ws" / "a", false);
    write_file(registry(), "[repos.\"ws/a\"]\n");
  }

  // mr ARGS is a usage error saying `message`, with nothing run.
  void expect_refused(const std::vector<std::string>& args, const std::string& message) {
    const auto r = mr(args, home());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "mr: error: " + message + "\n");
  }
};

TEST_F(ActionArgs, StatusRefusesAnOptionNeitherMrNorGitKnows) {
  expect_refused({"status", "--bogus"}, "'--bogus' is not an option of mr status or of git "
                                        "status (usage: mr status [-uMODE | GIT-STATUS-ARGS...])");
}

TEST_F(ActionArgs, UpdateRefusesAnOptionGitPullDoesNotHave) {
  expect_refused({"update", "-uno"}, "'-uno' is not an option of mr update or of git pull "
                                     "(usage: mr update [GIT-PULL-ARGS...])");
}

TEST_F(ActionArgs, AnAmbiguousAbbreviationIsAUsageError) {
  expect_refused({"fetch", "--pru"}, "'--pru' is ambiguous for git fetch: --prune, --prune-tags "
                                     "(usage: mr fetch [GIT-FETCH-ARGS...])");
}

TEST_F(ActionArgs, CheckoutStillTakesNoArguments) {
  expect_refused({"checkout", "--depth=1"}, "'--depth=1': this action takes no arguments (for "
                                            "git's own options: mr run git ...)");
}

TEST_F(ActionArgs, ListTakesNoArguments) {
  // Each of these used to print a plain list, the argument dropped.
  const std::string rest = "': this action takes no arguments (mr's own options go before it: "
                           "mr -q list)";
  expect_refused({"list", "foo"}, "'foo" + rest);
  expect_refused({"list", "--json"}, "'--json" + rest);
  expect_refused({"ls", "-q"}, "'-q" + rest);
  expect_refused({"ls", "--dirty"}, "'--dirty" + rest);
}

TEST_F(ActionArgs, AnOptionOfGitsRunsGitWithIt) {
  const auto r = mr({"status", "--porcelain=v2", "--branch"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("# branch.head main\n"), std::string::npos) << r.out;
}

TEST_F(ActionArgs, GoodArgumentsStillRun) {
  const auto r = mr({"status", "-uno"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(ActionArgs, ARegistryCommandOfTheSameNameTakesAnyArguments) {
  write_file(registry(), "[commands]\nstatus = 'echo \"args: $*\"'\n[repos.\"ws/a\"]\n");
  const auto r = mr({"status", "--porcelain"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("args: --porcelain"), std::string::npos) << r.out;
}

} // namespace

} // namespace mr::test
