// Side by side with Debian's myrepos: registry features its users rely on, written in TOML.
// `lib`, `deleted`, $VAR in repository paths; and myrepos' key names, which mr refuses
// with the TOML spelling (a difference on purpose). Skipped when myrepos is not installed.
#include "myrepos_fixture.hpp"

namespace mr::test {

namespace {

class MyreposRegistry : public MyreposTest {
protected:
  void SetUp() override {
    MyreposTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    make_repo(home() / "src/alpha");
    make_repo(home() / "src/beta");
  }

  void expect_same_merged(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& extra_env = {}) {
    const auto theirs = merged(k_myrepos_binary, args, extra_env);
    const auto ours = merged(mr_binary(), args, extra_env);
    EXPECT_EQ(ours.out, theirs.out) << args.back();
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << args.back();
  }
};

} // namespace

TEST_F(MyreposRegistry, LibFromSettingsThenTheRepository) {
  write_registries("[DEFAULT]\nlib = greet() { echo \"hello $1\"; }\n\n"
                   "[src/alpha]\ncheckout = git clone 'x' 'alpha'\nlib = own() { echo alpha; }\n"
                   "hi = greet you; own 2>/dev/null || echo no own\n\n"
                   "[src/beta]\ncheckout = git clone 'x' 'beta'\nhi = greet you; own 2>/dev/null "
                   "|| echo no own\n",
                   "[settings]\nlib = 'greet() { echo \"hello $1\"; }'\n"
                   "[commands]\nhi = 'greet you; own 2>/dev/null || echo no own'\n"
                   "[repos.\"src/alpha\"]\nlib = 'own() { echo alpha; }'\n"
                   "[repos.\"src/beta\"]\n");
  // beta has no `own` of its own.
  expect_same_merged({"-j1", "hi"});
}

TEST_F(MyreposRegistry, LibReachesHooksAndSkipPredicates) {
  write_registries(
      "[DEFAULT]\nlib = never() { return 1; }\n\n"
      "[src/alpha]\ncheckout = git clone 'x' 'alpha'\nskip = never\n"
      "pre_hi = echo hook; never || echo hooked\nhi = echo hi\n",
      "[settings]\nlib = 'never() { return 1; }'\n"
      "[repos.\"src/alpha\"]\nskip = 'never'\n"
      "commands.pre_hi = 'echo hook; never || echo hooked'\ncommands.hi = 'echo hi'\n");
  expect_same_merged({"-j1", "-d", "src/alpha", "hi"});
}

TEST_F(MyreposRegistry, DeletedIsSkippedWhenGoneAndFailsWhileStillThere) {
  write_registries("[src/alpha]\ncheckout = git clone 'x' 'alpha'\ndeleted = true\n\n"
                   "[src/beta]\ncheckout = git clone 'x' 'beta'\n\n"
                   "[src/gone]\ncheckout = git clone 'x' 'gone'\ndeleted = true\n",
                   "[repos.\"src/alpha\"]\ndeleted = true\n[repos.\"src/beta\"]\n"
                   "[repos.\"src/gone\"]\ndeleted = true\n");
  for (const auto& args : std::vector<std::vector<std::string>>{{"-j1", "status"},
                                                                {"-j1", "-q", "status"},
                                                                {"-j1", "-f", "list"},
                                                                {"-j1", "-s", "list"},
                                                                {"-j1", "checkout"}}) {
    expect_same(args, home(), true);
  }
  EXPECT_FALSE(fs::exists(home() / "src/gone"));
}

TEST_F(MyreposRegistry, DeletedPredicate) {
  write_registries("[src/alpha]\ncheckout = git clone 'x' 'alpha'\n"
                   "deleted = test -e \"$MR_REPO/.retired\"\n\n"
                   "[src/beta]\ncheckout = git clone 'x' 'beta'\n"
                   "deleted = test -e \"$MR_REPO/.retired\"\n",
                   "[repos.\"src/alpha\"]\ndeleted = 'test -e \"$MR_REPO/.retired\"'\n"
                   "[repos.\"src/beta\"]\ndeleted = 'test -e \"$MR_REPO/.retired\"'\n");
  write_file(home() / "src/beta/.retired", "");
  expect_same({"-j1", "status"}, home(), true);
}

TEST_F(MyreposRegistry, VariablesInRepositoryPaths) {
  make_repo(home() / "work/gamma");
  make_repo(home() / "work/delta");
  write_registries("[$MR_TEST_WORK/gamma]\ncheckout = git clone 'x' 'gamma'\n\n"
                   "[${MR_TEST_WORK}/delta]\ncheckout = git clone 'x' 'delta'\n",
                   "[repos.\"$MR_TEST_WORK/gamma\"]\n[repos.\"${MR_TEST_WORK}/delta\"]\n");
  const std::map<std::string, std::string> env = {{"MR_TEST_WORK", (home() / "work").string()}};
  expect_same({"list"}, home(), true, env);
  expect_same({"-d", "work/gamma", "list"}, home(), true, env);
  // A difference on purpose: myrepos' shell turns an unset variable into nothing (here
  // "/gamma"); mr refuses the registry and names the variable.
  const auto r = mr({"list"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: " + registry().string() +
                       ":1:8: repo path '$MR_TEST_WORK/gamma': variable $MR_TEST_WORK is not set "
                       "(export it, or write the path out)\n");
}

TEST_F(MyreposRegistry, MyreposKeyNamesAreRefusedWithTheTomlSpelling) {
  // myrepos runs git_update for update; in mr's [commands] it would be a command nobody
  // runs, so the registry is refused before any work.
  write_registries("[src/alpha]\ncheckout = git clone 'x' 'alpha'\ngit_update = echo pulled\n",
                   "[commands]\ngit_update = \"echo pulled\"\n[repos.\"src/alpha\"]\n");
  const auto theirs = myrepos({"-j1", "update"}, home());
  EXPECT_NE(theirs.out.find("pulled"), std::string::npos) << theirs.out;
  auto r = mr({"update"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "mr: error: " + registry().string() +
                       ":2:1: 'git_update' is myrepos' spelling: write update = ... in "
                       "[commands]\n");
  write_file(registry(), "[commands]\nskip = \"true\"\n");
  r = mr({"list"}, home());
  EXPECT_EQ(r.err, "mr: error: " + registry().string() +
                       ":2:1: 'skip' is a repository setting, not a command: write skip = ... in "
                       "the repository's table, beside its url\n");
  write_file(registry(), "[repos.\"src/alpha\"]\ncheckout = \"git clone x alpha\"\n");
  r = mr({"list"}, home());
  EXPECT_NE(r.err.find("unknown key 'checkout' in repo 'src/alpha': commands go in the "
                       "repository's commands table (commands.checkout = ...)"),
            std::string::npos)
      << r.err;
}

} // namespace mr::test
