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
};

TEST_F(ActionArgs, StatusRefusesAnOptionItDoesNotUnderstand) {
  const auto r = mr({"status", "--porcelain"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "mr: error: status does not support '--porcelain' (it understands "
                   "-u/--untracked-files=no|normal|all; for anything else use mr run git "
                   "status ...)\n");
}

TEST_F(ActionArgs, UpdateTakesNoArguments) {
  const auto r = mr({"update", "origin"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "mr: error: 'origin': this action takes no arguments (for git's own "
                   "options: mr run git ...)\n");
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
