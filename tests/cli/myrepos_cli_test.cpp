// Side by side with Debian's myrepos (/usr/bin/mr): the command line. Variables that would
// point git at another repository (refused unless --force-env), options given twice (the
// last wins), myrepos' -p/--path (accepted, ignored). Where mr words things its own way the
// test pins the difference. Skipped when myrepos is not installed.
#include "myrepos_fixture.hpp"

namespace mr::test {

namespace {

class MyreposCli : public MyreposTest {
protected:
  void SetUp() override {
    MyreposTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    make_repo(home() / "src/a");
    make_repo(home() / "src/b");
    git(home() / "src/a", {"commit", "--allow-empty", "-q", "-m", "only in a"});
    write_registries("[src/a]\ncheckout = git clone 'x' 'a'\n\n"
                     "[src/b]\ncheckout = git clone 'x' 'b'\n",
                     "[repos.\"src/a\"]\n[repos.\"src/b\"]\n");
  }
};

const char* const k_dangerous[] = {"GIT_DIR",       "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                                   "GIT_WORK_TREE", "VCSH_COMMAND",   "VCSH_DIRECTORY",
                                   "VCSH_REPO_NAME"};

std::string refusal(const std::string& name) {
  return "mr: error: environment variable " + name +
         " is set: git would act on what it names instead of each repository (unset it, or "
         "run mr --force-env)\n";
}

} // namespace

TEST_F(MyreposCli, AGitDirInTheEnvironmentIsRefusedBeforeAnyWork) {
  // Without the check, b's header showed a's history.
  const std::map<std::string, std::string> env = {{"GIT_DIR", (home() / "src/a/.git").string()}};
  const std::vector<std::string> args = {"-d", "src/b", "log", "--oneline"};
  const auto theirs = myrepos(args, home(), env);
  const auto ours = mr(args, home(), env);
  EXPECT_EQ(ours.exit_code, 2);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.out, "");
  EXPECT_EQ(ours.out, theirs.out);
  // The difference, on purpose: one "mr: error:" line naming the way out.
  EXPECT_EQ(ours.err, refusal("GIT_DIR"));
  EXPECT_EQ(theirs.err, "mr: environment variable 'GIT_DIR' is set.\n"
                        "mr: The variables above would lead to very interesting effects.\n"
                        "    Unfortunately, most of those effects result in data loss so we stop "
                        "here.\n");
}

TEST_F(MyreposCli, EveryVariableOfMyreposListIsRefusedOneLineEach) {
  std::map<std::string, std::string> env;
  std::string expected;
  for (const char* name : k_dangerous) {
    const auto one = mr({"list"}, home(), {{name, "x"}});
    EXPECT_EQ(one.exit_code, 2) << name;
    EXPECT_EQ(one.err, refusal(name));
    EXPECT_EQ(myrepos({"list"}, home(), {{name, "x"}}).exit_code, 2) << name;
    env[name] = "x";
    expected += refusal(name);
  }
  const auto all = mr({"list"}, home(), env);
  EXPECT_EQ(all.exit_code, 2);
  EXPECT_EQ(all.err, expected);
}

TEST_F(MyreposCli, EmptyOrZeroDoesNotCount) {
  // myrepos tests Perl truth: "" and "0" are false.
  expect_same({"list"}, home(), true, {{"GIT_DIR", ""}, {"GIT_WORK_TREE", "0"}});
}

TEST_F(MyreposCli, ForceEnvRunsWithTheVariablesPassedOn) {
  const std::map<std::string, std::string> env = {{"GIT_DIR", (home() / "src/a/.git").string()}};
  expect_same({"--force-env", "-d", "src/b", "log", "--format=%s"}, home(), false, env);
  const auto ours = mr({"--force-env", "-d", "src/b", "log", "--format=%s"}, home(), env);
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_NE(ours.out.find("only in a"), std::string::npos) << ours.out;
}

TEST_F(MyreposCli, ForceEnvRunsGitForEveryActionWithAGitDefinition) {
  // status, diff, update and fetch used to work in process, where GIT_DIR does not reach,
  // and described other repositories than commit would act on.
  const std::map<std::string, std::string> env = {{"GIT_DIR", "/nonexist"}};
  expect_same({"--force-env", "status"}, home(), true, env);
  const auto ours = mr({"--force-env", "status"}, home(), env);
  EXPECT_EQ(ours.exit_code, 1);
  EXPECT_NE(ours.err.find("fatal: not a git repository: '/nonexist'"), std::string::npos)
      << ours.err;
  for (const char* action : {"diff", "fetch", "update"}) {
    expect_same({"--force-env", action}, home(), true, env);
    const auto r = mr({"--force-env", action}, home(), env);
    EXPECT_EQ(r.exit_code, 1) << action;
    EXPECT_NE(r.err.find("ot a git repository"), std::string::npos) << action << ": " << r.err;
  }
  // With a's git directory, b's diff is git's: a's index against b's files.
  write_file(home() / "src/b/README", "changed in b\n");
  expect_same({"--force-env", "-d", "src/b", "diff"}, home(), true,
              {{"GIT_DIR", (home() / "src/a/.git").string()}});
}

TEST_F(MyreposCli, ForceEnvRefusesWhatHasNoGitCommand) {
  const std::map<std::string, std::string> env = {{"GIT_DIR", "/nonexist"}};
  for (const char* action : {"summary", "checkout"}) {
    const auto r = mr({"--force-env", action}, home(), env);
    EXPECT_EQ(r.exit_code, 2) << action;
    EXPECT_EQ(r.out, "") << action;
    EXPECT_EQ(r.err, std::string("mr: error: ") + action +
                         " cannot honour GIT_DIR (--force-env): mr does it in process, where "
                         "git's variables do not reach, and has no git command to run in its "
                         "place; unset it, or use mr run git ...\n");
  }
  // list reads only the registry.
  EXPECT_EQ(mr({"--force-env", "list"}, home(), env).exit_code, 0);
}

TEST_F(MyreposCli, HelpAndVersionStillWorkWithTheVariablesSet) {
  const std::map<std::string, std::string> env = {{"GIT_DIR", "x"}};
  EXPECT_EQ(mr({"--help"}, home(), env).exit_code, 0);
  EXPECT_EQ(mr({"--version"}, home(), env).exit_code, 0);
}

TEST_F(MyreposCli, ARepeatedOptionTakesItsLastValue) {
  expect_same({"-d", "src/a", "-d", "src/b", "list"}, home(), true);
  expect_same({"-d", "src/b", "--directory", "src/a", "list"}, home(), true);
  expect_same({"-j4", "-j1", "list"}, home(), true);
  expect_same({"-n", "0", "-n", "5", "list"}, home(), true);
  expect_same({"-n", "5", "-n", "0", "list"}, home() / "src/a", true);
  write_file(home() / "other.toml", "[repos.\"src/b\"]\n");
  write_file(home() / "other.ini", "[src/b]\ncheckout = git clone 'x' 'b'\n");
  EXPECT_EQ(mr({"-c", "other.toml", "-c", ".mrconfig.toml", "list"}, home()).out,
            myrepos({"-c", "other.ini", "-c", ".mrconfig", "list"}, home()).out);
}

TEST_F(MyreposCli, PathIsAcceptedAndIgnored) {
  expect_same({"-p", "list"}, home(), true);
  expect_same({"--path", "list"}, home(), true);
  expect_same({"-pq", "list"}, home(), true);
}

TEST_F(MyreposCli, InteractiveIsOneAtATime) {
  expect_same({"-i", "list"}, home(), true);
  expect_same({"--interactive", "-j1", "list"}, home(), true);
  // The difference, on purpose: myrepos runs -i -j2 and its shells would share the terminal.
  EXPECT_EQ(myrepos({"-i", "-j2", "list"}, home()).exit_code, 0);
  const auto ours = mr({"-i", "-j2", "list"}, home());
  EXPECT_EQ(ours.exit_code, 2);
  EXPECT_EQ(ours.err.rfind("mr: error: option -i needs -j1", 0), 0u) << ours.err;
}

} // namespace mr::test
