// Registry commands, overrides, aliases, hooks, skip predicates and the shell defaults
// (README "Commands, hooks and skip", mr(1) COMMANDS; myrepos' command lookup).
#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class Commands : public CliTest {
protected:
  Commands() {
    for (const char* name : {"a", "b"}) {
      fs::create_directories(home() / "ws" / name);
    }
  }
  std::string a() const { return (home() / "ws/a").string(); }
  std::string b() const { return (home() / "ws/b").string(); }
};

} // namespace

TEST_F(Commands, ACommandsTableCommandRunsEverywhereWithItsArguments) {
  write_file(registry(),
             "[commands]\nhello = 'echo \"hello $1 from $(basename $MR_REPO) ($MR_ACTION)\"'\n"
             "[repos.\"ws/a\"]\n[repos.\"ws/b\"]\n");
  const auto r = mr({"hello", "world"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mr hello: " + a() + "\nhello world from a (hello)\n\nmr hello: " + b() +
                       "\nhello world from b (hello)\n\nmr hello: finished (2 ok)\n");
  EXPECT_EQ(mr({"hel", "x"}, home()).exit_code, 0); // prefixes work for them too
}

TEST_F(Commands, PerRepoCommandsOverrideAndOthersAreSkipped) {
  write_file(registry(), "[commands]\nbuild = 'echo generic'\n"
                         "[repos.\"ws/a\"]\n[repos.\"ws/a\".commands]\nbuild = 'echo special'\n"
                         "test = 'echo testing a'\n[repos.\"ws/b\"]\n");
  git(home() / "ws/b", {"init", "-q"}); // a repository: skipped when it has no command
  auto r = mr({"build"}, home());
  EXPECT_EQ(r.out, "mr build: " + a() + "\nspecial\n\nmr build: " + b() +
                       "\ngeneric\n\nmr build: finished (2 ok)\n");
  r = mr({"-s", "test"}, home());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "mr test: " + a() +
                       "\ntesting a\n\nmr test: finished (1 ok; 1 skipped)\n"
                       "mr test: (skipped: " +
                       b() + "/)\n");
  EXPECT_EQ(r.err, "mr test: no defined action for git repository " + b() + ", skipping\n");
  EXPECT_EQ(mr({"-m", "test"}, home()).err, ""); // -m hides the skip notice
}

// As myrepos: with no command for the action, a directory of no repository type fails,
// one that is missing fails to be entered, one of another type than git is skipped.
TEST_F(Commands, NoCommandFailsWhereThereIsNoRepository) {
  write_file(registry(), "[repos.\"ws/a\"]\n[repos.\"ws/a\".commands]\nhi = 'echo hi'\n"
                         "[repos.\"ws/b\"]\n[repos.\"ws/c\"]\n[repos.\"ws/d\"]\n");
  fs::create_directories(home() / "ws/d/.hg");
  const auto r = mr({"-j1", "hi"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "mr hi: " + a() + "\nhi\n\n\n\nmr hi: finished (1 ok; 2 failed; 1 skipped)\n");
  const auto c = (home() / "ws/c").string();
  const auto d = (home() / "ws/d").string();
  EXPECT_EQ(r.err, "mr hi: unknown repository type and no defined hi command for " + b() +
                       "\nmr hi: failed to chdir to " + c +
                       "/: No such file or directory\nmr hi: no defined action for hg "
                       "repository " +
                       d + ", skipping\n");
}

TEST_F(Commands, ARegistryCommandReplacesABuiltIn) {
  write_file(registry(), "[repos.\"ws/a\"]\n[repos.\"ws/a\".commands]\nlist = 'echo listing'\n"
                         "[repos.\"ws/b\"]\n");
  const auto r = mr({"list"}, home());
  EXPECT_EQ(r.out,
            "mr list: " + a() + "\nlisting\n\nmr list: " + b() + "\n\nmr list: finished (2 ok)\n");
}

TEST_F(Commands, AliasesReachRegistryCommands) {
  write_file(registry(), "[commands]\npullr = 'echo pulled'\n[alias]\npr = \"pullr\"\n"
                         "[repos.\"ws/a\"]\n");
  EXPECT_EQ(mr({"pr"}, home()).out, "mr pullr: " + a() + "\npulled\n\nmr pullr: finished (1 ok)\n");
}

TEST_F(Commands, CommandsRunWithSetE) {
  write_file(registry(),
             "[commands]\nsteps = '''\nfalse\necho not reached\n'''\n[repos.\"ws/a\"]\n");
  const auto r = mr({"steps"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "mr steps: " + a() + "\n\nmr steps: finished (1 failed)\n");
}

TEST_F(Commands, PreAndPostHooks) {
  write_file(registry(), "[commands]\npre_run = 'echo pre $MR_ACTION'\npost_run = 'echo post'\n"
                         "[repos.\"ws/a\"]\n[repos.\"ws/b\"]\n[repos.\"ws/b\".commands]\n"
                         "pre_run = 'echo b refuses; exit 1'\n");
  const auto r = mr({"run", "echo", "body"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "mr run: " + a() + "\npre run\nbody\npost\n\nmr run: " + b() +
                       "\nb refuses\n\nmr run: finished (1 ok; 1 failed)\n");
  EXPECT_EQ(r.err, "mr run: pre_run failed\n");
}

TEST_F(Commands, APostHookDoesNotRunAfterAFailure) {
  write_file(registry(), "[commands]\npost_run = 'echo post'\n[repos.\"ws/a\"]\n");
  const auto r = mr({"run", "false"}, home());
  EXPECT_EQ(r.out, "mr run: " + a() + "\n\nmr run: finished (1 failed)\n");
}

TEST_F(Commands, SkipPredicatesGetTheActionAndForceIgnoresThem) {
  write_file(registry(), "[repos.\"ws/a\"]\nskip = 'test \"$1\" = run'\n[repos.\"ws/b\"]\n"
                         "skip = 'true'\n");
  auto r = mr({"run", "echo", "x"}, home());
  EXPECT_EQ(r.out, "mr run: finished (2 skipped)\n");
  r = mr({"list"}, home());
  EXPECT_EQ(r.out, "mr list: " + a() + "\n\nmr list: finished (1 ok; 1 skipped)\n");
  r = mr({"-f", "run", "echo", "x"}, home());
  EXPECT_EQ(r.out, "mr run: " + a() + "\nx\n\nmr run: " + b() + "\nx\n\nmr run: finished (2 ok)\n");
}

TEST_F(Commands, ACommandReadingStdinDoesNotHang) {
  write_file(registry(), "[commands]\nreadit = 'cat; echo read done'\n[repos.\"ws/a\"]\n");
  for (const char* jobs : {"-j1", "-j2"}) {
    RunOptions options;
    options.cwd = home();
    options.env = env_for(home());
    options.stdin_open_pipe = true; // a stdin that never ends
    const auto r = run({mr_binary().string(), jobs, "readit"}, options);
    EXPECT_EQ(r.exit_code, 0) << jobs;
    EXPECT_EQ(r.out, "mr readit: " + a() + "\nread done\n\nmr readit: finished (1 ok)\n");
  }
}

TEST_F(Commands, InsideARepoCommandsRunInTheCurrentDirectory) {
  write_file(registry(), "[commands]\nwhere = 'pwd'\n[repos.\"ws/a\"]\n");
  fs::create_directories(home() / "ws/a/sub");
  const auto r = mr({"where"}, home() / "ws/a/sub");
  EXPECT_EQ(r.out, "mr where: " + a() + " (in subdir sub)\n" + a() +
                       "/sub\n\n"
                       "mr where: finished (1 ok)\n");
}

using ShellDefaults = CliTest;

TEST_F(ShellDefaults, CommitPushesAndNothingToCommitIsNotAFailure) {
  const auto clean = make_repo(home() / "src/clean");
  const auto dirty = make_repo(home() / "src/dirty");
  for (const auto& repo : {clean, dirty}) {
    git(repo, {"push", "-q", "origin", "main"});
    ASSERT_EQ(mr({"register"}, repo).exit_code, 0);
  }
  write_file(dirty / "README", "changed\n");
  const auto r = mr({"commit", "-m", "via mr"}, home() / "src");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("nothing to commit, working tree clean"), std::string::npos);
  EXPECT_NE(r.out.find("finished (2 ok)"), std::string::npos);
  EXPECT_EQ(git(dirty, {"log", "-1", "--format=%s"}), "via mr\n");
  EXPECT_EQ(git(root() / "remotes/dirty.git", {"log", "-1", "--format=%s", "main"}), "via mr\n");
  EXPECT_EQ(mr({"ci", "-m", "again"}, home() / "src").exit_code, 0);
}

// git always runs: its options work even on a clean tree, and its refusals fail.
TEST_F(ShellDefaults, CommitAndRecordRunGitEvenWithNothingToCommit) {
  const auto repo = make_repo(home() / "src/a");
  git(repo, {"push", "-q", "origin", "main"});
  ASSERT_EQ(mr({"register"}, repo).exit_code, 0);
  auto r = mr({"record", "--allow-empty", "-m", "empty on purpose"}, repo);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(git(repo, {"log", "-1", "--format=%s"}), "empty on purpose\n");
  write_file(repo / "README", "changed\n");
  ASSERT_EQ(mr({"record", "-m", "tpyo"}, repo).exit_code, 0);
  r = mr({"commit", "--amend", "-m", "reworded"}, repo);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(git(repo, {"log", "-1", "--format=%s"}), "reworded\n");
  EXPECT_EQ(git(root() / "remotes/a.git", {"log", "-1", "--format=%s", "main"}), "reworded\n");
  for (const char* action : {"record", "commit"}) {
    r = mr({action, "-m"}, repo); // -m without its value: git refuses
    EXPECT_NE(r.exit_code, 0) << action << r.out;
    EXPECT_NE(r.err.find("requires a value"), std::string::npos) << action << r.err;
  }
}

// Nothing to commit succeeds, and commit then pushes nothing: a local commit stays local.
TEST_F(ShellDefaults, NothingToCommitSucceedsWithoutPushing) {
  const auto repo = make_repo(home() / "src/a");
  git(repo, {"push", "-q", "origin", "main"});
  git(repo, {"commit", "-q", "--allow-empty", "-m", "not for the remote yet"});
  write_file(repo / "untracked", "not added\n");
  ASSERT_EQ(mr({"register"}, repo).exit_code, 0);
  for (const char* action : {"commit", "record"}) {
    const auto r = mr({action, "-m", "nothing"}, repo);
    EXPECT_EQ(r.exit_code, 0) << action << r.out << r.err;
    EXPECT_NE(r.out.find("finished (1 ok)"), std::string::npos) << action << r.out;
  }
  EXPECT_EQ(git(repo, {"log", "-1", "--format=%s"}), "not for the remote yet\n");
  EXPECT_EQ(git(root() / "remotes/a.git", {"log", "-1", "--format=%s", "main"}), "initial\n");
}

TEST_F(ShellDefaults, GrepNeverFailsAndMinimalShowsOnlyMatches) {
  const auto a = make_repo(home() / "src/a");
  const auto b = make_repo(home() / "src/b");
  write_file(b / "notes", "needle here\n");
  git(b, {"add", "notes"});
  ASSERT_EQ(mr({"register"}, a).exit_code, 0);
  ASSERT_EQ(mr({"register"}, b).exit_code, 0);
  const auto r = mr({"-m", "grep", "needle"}, home());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "mr grep: " + b.string() + "\nnotes:needle here\n\n");
}

TEST_F(ShellDefaults, CleanShowsThenRemoves) {
  const auto a = make_repo(home() / "src/a");
  ASSERT_EQ(mr({"register"}, a).exit_code, 0);
  write_file(a / "junk.o", "x");
  auto r = mr({"clean"}, a);
  EXPECT_EQ(r.out,
            "mr clean: " + a.string() + "\nWould remove junk.o\n\nmr clean: finished (1 ok)\n");
  EXPECT_TRUE(fs::exists(a / "junk.o"));
  r = mr({"clean", "-f"}, a);
  EXPECT_EQ(r.out, "mr clean: " + a.string() + "\nRemoving junk.o\n\nmr clean: finished (1 ok)\n");
  EXPECT_FALSE(fs::exists(a / "junk.o"));
}

TEST_F(ShellDefaults, LogNeverWaitsForAPager) {
  const auto a = make_repo(home() / "src/a");
  for (int i = 0; i < 60; ++i) {
    git(a, {"commit", "-q", "--allow-empty", "-m", "commit " + std::to_string(i)});
  }
  ASSERT_EQ(mr({"register"}, a).exit_code, 0);
  write_file(registry(), read_file(registry()) +
                             "[commands]\npage = '\"$PAGER\" README; \"$GIT_PAGER\" README'\n");
  // Under a terminal, with a pager configured that would wait for a key press.
  RunOptions options;
  options.cwd = home();
  options.env = env_for(home());
  options.env["PAGER"] = "less";
  options.env["GIT_PAGER"] = "less";
  options.env["TERM"] = "xterm";
  options.stderr_tty = true;
  for (const char* action : {"log", "page"}) {
    const auto r = run({"timeout", "20", mr_binary().string(), "-j2", action}, options);
    EXPECT_EQ(r.exit_code, 0) << action << r.err;
    EXPECT_NE(r.out.find(std::string(action) == "log" ? "commit 59" : "hello\nhello\n"),
              std::string::npos)
        << r.out;
  }
}

} // namespace mr::test
