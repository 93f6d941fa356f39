// Streams as myrepos keeps them: when mr's stdout and stderr are different files, a
// repository's stdout goes to mr's stdout and its stderr to mr's stderr, each in its block
// and in registry order; when they are one file, one block keeps their order. Side by side
// with Debian's myrepos, through the shell's own redirections.
#include "myrepos_fixture.hpp"

namespace mr::test {

namespace {

class MyreposStreams : public MyreposTest {
protected:
  void SetUp() override {
    MyreposTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    make_repo(home() / "a", false);
    make_repo(home() / "b", false);
    write_registries("[a]\ncheckout = true\n\n[b]\ncheckout = true\n",
                     "[repos.\"a\"]\n[repos.\"b\"]\n");
  }

  // `tool ARGS... REDIRECTION` run by the shell in $HOME, stdin /dev/null.
  RunResult through_shell(const fs::path& tool, const std::vector<std::string>& args,
                          const std::string& redirection) {
    std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$@\" " + redirection, "sh",
                                     tool.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions options;
    options.cwd = home();
    options.env = env_for(home());
    return run(argv, options);
  }

  // Both tools print the same on each stream, with the same exit status.
  void expect_same_through(const std::vector<std::string>& args, const std::string& redirection) {
    SCOPED_TRACE(redirection);
    const auto theirs = through_shell(k_myrepos_binary, args, redirection);
    const auto ours = through_shell(mr_binary(), args, redirection);
    EXPECT_EQ(ours.out, theirs.out);
    EXPECT_EQ(ours.err, theirs.err);
    EXPECT_EQ(ours.exit_code, theirs.exit_code);
  }
};

const std::vector<std::string> k_both_streams = {
    "run", "sh", "-c", "echo out; echo err >&2; echo out2; echo err2 >&2"};
// b fails: its reason line is on stderr, its blank line on stdout.
const std::vector<std::string> k_one_fails = {
    "run", "sh", "-c",
    "echo out; echo err >&2; case $MR_REPO in */b) echo late >&2; exit 3;; esac; echo out2"};

} // namespace

TEST_F(MyreposStreams, WithStderrDiscardedOnlyTheOutputIsLeft) {
  expect_same_through(k_both_streams, "2>/dev/null");
  expect_same_through(k_one_fails, "2>/dev/null");
  const auto ours = through_shell(mr_binary(), k_both_streams, "2>/dev/null");
  EXPECT_EQ(ours.out, "mr run: " + (home() / "a").string() + "\nout\nout2\n\nmr run: " +
                          (home() / "b").string() + "\nout\nout2\n\nmr run: finished (2 ok)\n");
}

TEST_F(MyreposStreams, WithStdoutDiscardedOnlyTheErrorsAreLeft) {
  expect_same_through(k_both_streams, ">/dev/null");
  expect_same_through(k_one_fails, ">/dev/null");
  const auto ours = through_shell(mr_binary(), k_one_fails, ">/dev/null");
  EXPECT_EQ(ours.err, "err\nerr\nlate\nmr run: command failed\n");
}

TEST_F(MyreposStreams, OneFileForBothKeepsTheOrderWritten) {
  expect_same_through(k_both_streams, "2>&1");
  expect_same_through(k_one_fails, "2>&1");
  const auto ours = through_shell(mr_binary(), k_both_streams, "2>&1");
  EXPECT_EQ(ours.out, "mr run: " + (home() / "a").string() +
                          "\nout\nerr\nout2\nerr2\n\nmr run: " + (home() / "b").string() +
                          "\nout\nerr\nout2\nerr2\n\nmr run: finished (2 ok)\n");
}

// Two pipes (as tests and most scripts capture a program): each stream its own, as myrepos.
TEST_F(MyreposStreams, TwoPipesEachGetTheirOwnStream) {
  expect_same(k_both_streams, home(), true);
  expect_same(k_one_fails, home(), true);
}

// --json (mr's own) keeps one `output` with both streams in the order written.
TEST_F(MyreposStreams, JsonKeepsBothStreamsInOutput) {
  const auto r = mr({"--json", "run", "sh", "-c", "echo out; echo err >&2; echo out2"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"output\":\"out\\nerr\\nout2\\n\""), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

// A pre_ hook's stderr is the repository's stderr too.
TEST_F(MyreposStreams, HooksStderrGoesToStderr) {
  write_registries("[a]\ncheckout = true\npre_run = echo hook-out; echo hook-err >&2\n",
                   "[repos.\"a\"]\n[repos.\"a\".commands]\n"
                   "pre_run = \"echo hook-out; echo hook-err >&2\"\n");
  const auto ours = through_shell(mr_binary(), {"run", "echo", "main"}, "");
  EXPECT_EQ(ours.out,
            "mr run: " + (home() / "a").string() + "\nhook-out\nmain\n\nmr run: finished (1 ok)\n");
  EXPECT_EQ(ours.err, "hook-err\n");
  expect_same_through({"run", "echo", "main"}, "");
}

// `mr update 2>/dev/null` (update runs in process in mr, git pull in myrepos): git's
// fetch lines are stderr, pull's own lines stdout, in both tools.
TEST_F(MyreposStreams, UpdateKeepsGitsFetchLinesOnStderr) {
  const auto repo = make_repo(home() / "u");
  git(repo, {"push", "-q", "-u", "origin", "main"});
  const auto old = git(repo, {"rev-parse", "HEAD"});
  const auto other = root() / "other";
  git(root(),
      {"clone", "-q", "-b", "main", (root() / "remotes" / "u.git").string(), other.string()});
  write_file(other / "new.txt", "new\n");
  git(other, {"add", "new.txt"});
  git(other, {"commit", "-q", "-m", "new"});
  git(other, {"push", "-q", "origin", "main"});
  write_registries("[u]\ncheckout = true\n", "[repos.\"u\"]\n");
  const auto rewind = [&] {
    git(repo, {"reset", "-q", "--hard", old.substr(0, old.size() - 1)});
    git(repo, {"update-ref", "refs/remotes/origin/main", old.substr(0, old.size() - 1)});
  };
  const auto theirs = through_shell(k_myrepos_binary, {"update"}, "2>/dev/null");
  rewind();
  const auto ours = through_shell(mr_binary(), {"update"}, "2>/dev/null");
  EXPECT_EQ(ours.out, theirs.out);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_NE(ours.out.find("Fast-forward\n"), std::string::npos) << ours.out;
  EXPECT_EQ(ours.out.find("From "), std::string::npos) << ours.out;
  rewind();
  const auto errors = through_shell(mr_binary(), {"update"}, ">/dev/null");
  EXPECT_NE(errors.err.find("From " + (root() / "remotes" / "u").string()), std::string::npos)
      << errors.err;
}

} // namespace mr::test
