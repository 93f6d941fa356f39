// Side by side with Debian's myrepos: a repository that is registered but not checked out.
// No header, only "failed to chdir" and the empty line, for every action and under -q, -m
// and -s; -d may name it (checkout clones it); `skip = lazy` and the rest of myrepos' shell
// library. Skipped when myrepos is not installed.
#include "myrepos_fixture.hpp"

namespace mr::test {

namespace {

class MyreposMissing : public MyreposTest {
protected:
  void SetUp() override {
    MyreposTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    make_repo(home() / "src/alpha");
    m_upstream = make_repo(root() / "upstream/beta", false);
    write_registries(ini(""), toml(""));
  }

  // The registry with `beta_extra` in beta's section (INI, TOML).
  std::string ini(const std::string& beta_extra) const {
    return "[src/alpha]\ncheckout = git clone 'x' 'alpha'\nhello = echo hi\n\n"
           "[src/beta]\ncheckout = git clone '" +
           m_upstream.string() + "' 'beta'\nhello = echo hi\n" + beta_extra;
  }
  std::string toml(const std::string& beta_extra) const {
    return "[commands]\nhello = \"echo hi\"\n[repos.\"src/alpha\"]\n[repos.\"src/beta\"]\nurl = "
           "\"" +
           m_upstream.string() + "\"\n" + beta_extra;
  }

  fs::path beta() const { return home() / "src/beta"; }

  // Runs checkout with `args` through `tool`; expects beta cloned, then removes it.
  RunResult clone_with(bool myrepos_tool, const std::vector<std::string>& args) {
    auto r = myrepos_tool ? myrepos(args, home()) : mr(args, home());
    EXPECT_TRUE(fs::is_directory(beta() / ".git")) << (myrepos_tool ? "myrepos" : "mr") << "\n"
                                                   << r.out << r.err;
    fs::remove_all(beta());
    return r;
  }

  fs::path m_upstream;
};

std::string first_line(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

std::string last_line(const std::string& s) {
  const auto end = s.size() > 0 && s.back() == '\n' ? s.size() - 1 : s.size();
  const auto start = s.rfind('\n', end == 0 ? 0 : end - 1);
  return s.substr(start == std::string::npos ? 0 : start + 1, end - (start + 1));
}

} // namespace

TEST_F(MyreposMissing, NoHeaderOnlyTheChdirLineAndTheEmptyLine) {
  const std::vector<std::vector<std::string>> actions = {
      {"status"}, {"diff"}, {"log"}, {"grep", "nomatch"}, {"run", "true"}, {"list"}, {"hello"}};
  for (const auto& action : actions) {
    for (const auto& flags : std::vector<std::vector<std::string>>{
             {"-j1"}, {"-j1", "-q"}, {"-j1", "-m"}, {"-j1", "-s"}}) {
      auto args = flags;
      args.insert(args.end(), action.begin(), action.end());
      expect_same(args, home() / "src", true);
    }
  }
}

TEST_F(MyreposMissing, DirectoryOptionNamesARepositoryNotCheckedOut) {
  expect_same({"-j1", "-d", "src/beta", "status"}, home(), true);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-j1", "-d", "src/beta", "checkout"}, {"-j1", "-f", "-d", "src/beta", "checkout"}}) {
    const auto theirs = clone_with(true, args);
    const auto ours = clone_with(false, args);
    EXPECT_EQ(ours.exit_code, theirs.exit_code);
    EXPECT_EQ(first_line(ours.out), first_line(theirs.out));
    EXPECT_EQ(last_line(ours.out), last_line(theirs.out));
    EXPECT_EQ(last_line(ours.out), "mr checkout: finished (1 ok)");
  }
}

TEST_F(MyreposMissing, DirectoryThatNothingIsRegisteredInStaysAnError) {
  // A difference on purpose: myrepos says "no repositories found" (exit 255); mr says the
  // directory does not exist, as it does for any -d it cannot use.
  const auto theirs = myrepos({"-d", "src/nothere", "status"}, home());
  EXPECT_EQ(theirs.err, "mr status: no repositories found to work on\n");
  const auto ours = mr({"-d", "src/nothere", "status"}, home());
  EXPECT_EQ(ours.exit_code, 2);
  EXPECT_EQ(ours.err,
            "mr: error: -d " + (home() / "src/nothere").string() + ": No such file or directory\n");
}

TEST_F(MyreposMissing, SkipLazyLeavesItAloneUntilForced) {
  write_registries(ini("skip = lazy\n"), toml("skip = \"lazy\"\n"));
  expect_same({"-j1", "status"}, home(), true);
  expect_same({"-j1", "-s", "list"}, home(), true);
  expect_same({"-j1", "checkout"}, home(), true);
  EXPECT_FALSE(fs::exists(beta()));
  const auto theirs = clone_with(true, {"-j1", "-f", "checkout"});
  const auto ours = clone_with(false, {"-j1", "-f", "checkout"});
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(last_line(ours.out), last_line(theirs.out));
  // Checked out, lazy no longer skips it.
  ASSERT_EQ(mr({"-f", "checkout"}, home()).exit_code, 0);
  expect_same({"-j1", "status"}, home(), true);
}

TEST_F(MyreposMissing, SkipPredicateOfAMissingRepositoryRunsInItsParent) {
  // mr-only: where myrepos runs it depends on the repository before; mr runs it where a
  // checkout would, with MR_REPO naming the repository.
  write_file(registry(), toml("skip = '[ \"$(pwd)\" = \"$HOME/src\" ] && [ \"$MR_REPO\" = "
                              "\"$HOME/src/beta\" ]'\n"));
  const auto r = mr({"-s", "status"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(last_line(r.out), "mr status: (skipped: " + beta().string() + "/)");
}

TEST_F(MyreposMissing, ShellLibraryFunctions) {
  const std::string commands = "[commands]\n"
                               "hello = 'info \"inf\"; warning \"warn\"; echo out'\n"
                               "fail = 'echo before; error \"bad\"; echo notreached'\n"
                               "since = 'if hours_since since 1; then echo first; else echo again; "
                               "fi; hours_since since 0 && echo zero'\n"
                               "[repos.\"src/alpha\"]\n";
  write_registries("[src/alpha]\ncheckout = git clone 'x' 'alpha'\n"
                   "hello = info \"inf\"; warning \"warn\"; echo out\n"
                   "fail = echo before; error \"bad\"; echo notreached\n"
                   "since = if hours_since since 1; then echo first; else echo again; fi; "
                   "hours_since since 0 && echo zero\n",
                   commands);
  for (const auto& action : {"hello", "fail"}) {
    const auto theirs = merged(k_myrepos_binary, {"-j1", action});
    const auto ours = merged(mr_binary(), {"-j1", action});
    EXPECT_EQ(ours.out, theirs.out) << action;
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << action;
  }
  const auto flag = home() / "src/alpha/.git/.mr_lastsince";
  const auto theirs_first = merged(k_myrepos_binary, {"-j1", "since"});
  const auto theirs_again = merged(k_myrepos_binary, {"-j1", "since"});
  EXPECT_TRUE(fs::exists(flag));
  fs::remove(flag);
  const auto ours_first = merged(mr_binary(), {"-j1", "since"});
  const auto ours_again = merged(mr_binary(), {"-j1", "since"});
  EXPECT_EQ(ours_first.out, theirs_first.out);
  EXPECT_EQ(ours_again.out, theirs_again.out);
  EXPECT_NE(ours_first.out.find("first\nzero\n"), std::string::npos) << ours_first.out;
  EXPECT_NE(ours_again.out.find("again\nzero\n"), std::string::npos) << ours_again.out;
}

} // namespace mr::test
