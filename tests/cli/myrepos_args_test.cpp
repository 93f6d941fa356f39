// Side by side with Debian's myrepos: the arguments after an action. What mr does in
// process prints what myrepos prints; any other option of the git command behind the
// action runs git with it, as myrepos does; anything else is a usage error before any
// repository runs. Skipped when myrepos is not installed.
#include "myrepos_fixture.hpp"

namespace mr::test {

namespace {

class MyreposArgs : public MyreposTest {
protected:
  void SetUp() override {
    MyreposTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    for (const char* name : {"alpha", "beta"}) {
      const auto repo = make_repo(home() / "src" / name);
      git(repo, {"push", "-q", "-u", "origin", "main"});
    }
    write_registries("[src/alpha]\ncheckout = git clone 'x' 'alpha'\n\n"
                     "[src/beta]\ncheckout = git clone 'x' 'beta'\n",
                     "[repos.\"src/alpha\"]\n[repos.\"src/beta\"]\n");
  }

  fs::path repo(const char* name) const { return home() / "src" / name; }

  // Changes of every kind in alpha: modified, staged, untracked, ignored; beta is clean.
  void make_changes() {
    const auto a = repo("alpha");
    write_file(a / ".gitignore", "*.log\n");
    write_file(a / "README", "hello again\n");
    write_file(a / "staged.txt", "new\n");
    git(a, {"add", "staged.txt"});
    write_file(a / "notes.txt", "untracked\n");
    write_file(a / "build.log", "ignored\n");
  }

  // A commit in the remote of `name` that its work tree does not have.
  void push_from_elsewhere(const char* name, const char* file) {
    const auto other = root() / "other" / name;
    if (!fs::exists(other)) {
      git(root(), {"clone", "-q", "-b", "main",
                   (root() / "remotes" / (std::string(name) + ".git")).string(), other.string()});
    }
    git(other, {"pull", "-q"});
    write_file(other / file, std::string(file) + " from elsewhere\n");
    git(other, {"add", file});
    git(other, {"commit", "-q", "-m", std::string("elsewhere: ") + file});
    git(other, {"push", "-q"});
  }

  void commit_here(const char* name, const char* file) {
    write_file(repo(name) / file, "mine\n");
    git(repo(name), {"add", file});
    git(repo(name), {"commit", "-q", "-m", std::string("mine: ") + file});
  }

  // Runs myrepos, puts the workspace (repositories and remotes) back as it was, then runs
  // mr: for actions that change the repositories. Returns mr's result.
  RunResult expect_same_from(const std::vector<std::string>& args) {
    const fs::path saved = root() / "saved";
    fs::create_directories(saved);
    for (const char* dir : {"home", "remotes"}) {
      fs::copy(root() / dir, saved / dir, fs::copy_options::recursive);
    }
    // home() is root()/home: check it, since the copy depends on it.
    EXPECT_EQ(home(), root() / "home");
    const auto theirs = merged(k_myrepos_binary, args);
    for (const char* dir : {"home", "remotes"}) {
      fs::remove_all(root() / dir);
      fs::rename(saved / dir, root() / dir);
    }
    const auto ours = merged(mr_binary(), args);
    EXPECT_EQ(ours.out, theirs.out);
    EXPECT_EQ(ours.exit_code, theirs.exit_code);
    return ours;
  }

  // The commits and the status of every repository: what a refused action must not change.
  std::string state() {
    std::string s;
    for (const char* name : {"alpha", "beta"}) {
      s += git(repo(name), {"rev-parse", "HEAD", "origin/main"});
      s += git(repo(name), {"status", "--porcelain", "--ignored"});
    }
    return s;
  }
};

} // namespace

TEST_F(MyreposArgs, DiffNameOnlyRunsGitDiff) {
  make_changes();
  expect_same({"diff", "--name-only"}, home());
  expect_same({"diff", "--name-status", "--cached"}, home());
  expect_same({"diff", "-U1"}, home());
  expect_same({"diff", "--stat=40", "HEAD"}, home());
}

TEST_F(MyreposArgs, DiffStatStaysInProcessAndPrintsTheSame) {
  make_changes();
  expect_same({"diff", "--stat"}, home());
  expect_same({"diff", "--cached", "--stat"}, home());
  // In process: only mr's own diff counts what it shows for --json.
  const auto json = mr({"--json", "diff", "--stat"}, home());
  EXPECT_NE(json.out.find("\"insertions\":1"), std::string::npos) << json.out;
}

TEST_F(MyreposArgs, StatusOptionsOfGitRunGitStatus) {
  make_changes();
  commit_here("beta", "unpushed.txt");
  git(repo("beta"), {"stash", "list"});
  expect_same({"status", "--ignored"}, home());
  expect_same({"status", "--porcelain"}, home());
  expect_same({"status", "-b"}, home());
  expect_same({"status", "-sb", "--", "README"}, home());
  expect_same({"status", "-uno"}, home()); // in process
}

TEST_F(MyreposArgs, LogTakesGitsOptions) {
  commit_here("alpha", "one.txt");
  expect_same({"log", "--oneline", "-1"}, home());
  expect_same({"log", "--format=%s", "--max-count=2"}, home());
}

TEST_F(MyreposArgs, FetchDryRunRunsGitFetch) {
  push_from_elsewhere("alpha", "theirs.txt");
  const auto before = state();
  const auto theirs = merged(k_myrepos_binary, {"fetch", "--dry-run"});
  const auto ours = merged(mr_binary(), {"fetch", "--dry-run"});
  EXPECT_EQ(ours.out, theirs.out);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_NE(ours.out.find("main       -> origin/main"), std::string::npos) << ours.out;
  EXPECT_EQ(state(), before) << "--dry-run fetched";
}

TEST_F(MyreposArgs, UpdateRebaseRunsGitPullRebase) {
  commit_here("alpha", "mine.txt");
  push_from_elsewhere("alpha", "theirs.txt");
  push_from_elsewhere("beta", "theirs.txt");
  const auto r = expect_same_from({"update", "--rebase"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  // It did rebase: mine on top of theirs.
  EXPECT_EQ(git(repo("alpha"), {"log", "--format=%s", "-2"}),
            "mine: mine.txt\nelsewhere: theirs.txt\n");
}

TEST_F(MyreposArgs, UpdateFfOnlyRunsGitPullFfOnly) {
  commit_here("alpha", "mine.txt"); // diverges: git refuses
  push_from_elsewhere("alpha", "theirs.txt");
  push_from_elsewhere("beta", "theirs.txt"); // fast-forwards
  const auto r = expect_same_from({"update", "--ff-only"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("Not possible to fast-forward"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Fast-forward"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(repo("beta") / "theirs.txt"));
}

TEST_F(MyreposArgs, AnOptionNeitherKnowsIsAUsageErrorBeforeAnyWork) {
  make_changes();
  push_from_elsewhere("alpha", "theirs.txt");
  const auto before = state();
  for (const std::vector<std::string>& args : {std::vector<std::string>{"fetch", "--bogus"},
                                               {"summary", "--bogus"},
                                               {"status", "--bogus"},
                                               {"update", "--bogus"},
                                               {"diff", "--bogus"},
                                               {"status", "-uno", "-x"}}) {
    const auto r = mr(args, home());
    SCOPED_TRACE(args[0] + " " + args[1]);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("mr: error: '" + args.back() + "' is not an option of mr " + args[0]),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(state(), before);
}

} // namespace mr::test
