// The user's git configuration, which mr reads once per run (src/git/shared_config.hpp):
// every way git finds it must give what git gives, and ownership must follow git's rules.
#include <unistd.h>

#include "git_states.hpp"

namespace mr::test {

namespace {

class UserGitConfig : public GitStates {
protected:
  // A clone with an untracked text file and an untracked log file.
  fs::path repo() {
    const auto r = cloned("repo");
    put(r, "new.txt", "n\n");
    put(r, "debug.log", "l\n");
    write_file(registry(), "[repos.\"" + r.string() + "\"]\n");
    return r;
  }

  // git status -s (what myrepos shows first) with the same environment.
  std::string git_short(const fs::path& cwd, const std::map<std::string, std::string>& env = {}) {
    RunOptions options;
    options.cwd = cwd;
    options.env = env_for(cwd);
    for (const auto& [k, v] : env) {
      options.env[k] = v;
    }
    const auto r = run({"git", "status", "-s"}, options);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  void expect_like_git(const fs::path& cwd, const std::map<std::string, std::string>& env,
                       const std::string& untracked_shown) {
    const auto git = git_short(cwd, env);
    EXPECT_EQ(git, untracked_shown) << "the test's premise: git shows this";
    EXPECT_EQ(one_block({"status"}, cwd, env).substr(0, git.size()), git);
  }
};

} // namespace

TEST_F(UserGitConfig, GlobalFileAndItsIncludes) {
  const auto r = repo();
  write_file(home() / "more.gitconfig", "[status]\n\tshowUntrackedFiles = no\n");
  write_file(home() / ".gitconfig", "[include]\n\tpath = more.gitconfig\n");
  expect_like_git(r, {}, "");
}

TEST_F(UserGitConfig, XdgConfigAndItsDefaultIgnoreFile) {
  const auto r = repo();
  write_file(home() / ".config/git/ignore", "*.log\n");
  expect_like_git(r, {}, "?? new.txt\n");
  write_file(home() / "xdg/git/config", "[status]\n\tshowUntrackedFiles = no\n");
  expect_like_git(r, {{"XDG_CONFIG_HOME", (home() / "xdg").string()}}, "");
}

TEST_F(UserGitConfig, ExcludesFileFromTheGlobalConfigWins) {
  const auto r = repo();
  write_file(home() / ".config/git/ignore", "*.log\n");
  write_file(home() / "my-ignores", "*.txt\n");
  write_file(home() / ".gitconfig", "[core]\n\texcludesFile = ~/my-ignores\n");
  expect_like_git(r, {}, "?? debug.log\n");
}

TEST_F(UserGitConfig, HomeRelativePathInTheRepositorysOwnConfig) {
  const auto r = repo();
  write_file(home() / "local-ignores", "debug.log\n");
  g(r, {"config", "core.excludesFile", "~/local-ignores"});
  expect_like_git(r, {}, "?? new.txt\n");
  expect_like_git(r,
                  {{"GIT_CONFIG_COUNT", "1"},
                   {"GIT_CONFIG_KEY_0", "status.showUntrackedFiles"},
                   {"GIT_CONFIG_VALUE_0", "all"}},
                  "?? new.txt\n");
}

TEST_F(UserGitConfig, GitConfigGlobalReplacesTheUsualFiles) {
  const auto r = repo();
  write_file(home() / ".gitconfig", "[status]\n\tshowUntrackedFiles = no\n");
  write_file(home() / "other.gitconfig", "[core]\n\texcludesFile = ~/ign\n");
  write_file(home() / "ign", "new.txt\n");
  expect_like_git(r, {{"GIT_CONFIG_GLOBAL", (home() / "other.gitconfig").string()}},
                  "?? debug.log\n");
}

TEST_F(UserGitConfig, GitConfigCountIsTheCommandLineLevel) {
  const auto r = repo();
  write_file(home() / ".gitconfig", "[status]\n\tshowUntrackedFiles = normal\n");
  expect_like_git(r,
                  {{"GIT_CONFIG_COUNT", "1"},
                   {"GIT_CONFIG_KEY_0", "Status.ShowUntrackedFiles"},
                   {"GIT_CONFIG_VALUE_0", "no"}},
                  "");
}

TEST_F(UserGitConfig, GitConfigCountThatGitRefusesIsIgnored) {
  // git refuses to run with a count that is not a number or a missing key; mr, which
  // cannot refuse (libgit2 ignores these variables), reads no further than git would.
  const auto r = repo();
  const std::map<std::string, std::string> bogus = {
      {"GIT_CONFIG_COUNT", "1x"},
      {"GIT_CONFIG_KEY_0", "status.showUntrackedFiles"},
      {"GIT_CONFIG_VALUE_0", "no"}};
  EXPECT_EQ(one_block({"status"}, r, bogus), "?? debug.log\n?? new.txt\n");
  const std::map<std::string, std::string> gap = {{"GIT_CONFIG_COUNT", "2"},
                                                  {"GIT_CONFIG_KEY_1", "status.showUntrackedFiles"},
                                                  {"GIT_CONFIG_VALUE_1", "no"}};
  EXPECT_EQ(one_block({"status"}, r, gap), "?? debug.log\n?? new.txt\n");
  // A count of four billion with one entry: read at once, not four billion lookups.
  const std::map<std::string, std::string> huge = {
      {"GIT_CONFIG_COUNT", "4000000000"},
      {"GIT_CONFIG_KEY_0", "status.showUntrackedFiles"},
      {"GIT_CONFIG_VALUE_0", "no"}};
  EXPECT_EQ(one_block({"status"}, r, huge), "");
}

TEST_F(UserGitConfig, SystemFileUnlessNoSystem) {
  const auto r = repo();
  write_file(home() / "system.gitconfig", "[status]\n\tshowUntrackedFiles = no\n");
  const std::map<std::string, std::string> system = {
      {"GIT_CONFIG_SYSTEM", (home() / "system.gitconfig").string()}, {"GIT_CONFIG_NOSYSTEM", "0"}};
  expect_like_git(r, system, "");
  auto nosystem = system;
  nosystem["GIT_CONFIG_NOSYSTEM"] = "1";
  expect_like_git(r, nosystem, "?? debug.log\n?? new.txt\n");
}

TEST_F(UserGitConfig, ConditionalIncludesStillFollowTheRepository) {
  const auto r = repo();
  const auto other = cloned("other");
  put(other, "x.log", "x\n");
  write_file(home() / "work.gitconfig", "[status]\n\tshowUntrackedFiles = no\n");
  write_file(home() / ".gitconfig",
             "[includeIf \"gitdir:" + r.string() + "/\"]\n\tpath = work.gitconfig\n");
  write_file(registry(), "[repos.\"" + r.string() + "\"]\n[repos.\"" + other.string() + "\"]\n");
  const auto out = mr({"status"}, root() / "ws");
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(git_short(r), "");
  EXPECT_EQ(git_short(other), "?? x.log\n");
  EXPECT_EQ(out.out, "mr status: " + other.string() + "\n?? x.log\n\nmr status: " + r.string() +
                         "\n\nmr status: finished (2 ok)\n");
}

TEST_F(UserGitConfig, ARepositoryOfAnotherUserNeedsSafeDirectory) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to give a repository to another user";
  }
  const auto r = repo();
  ASSERT_EQ(std::system(("chown -R 65534:65534 '" + r.string() + "'").c_str()), 0);
  const auto refused = mr({"status"}, r);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "mr status: repository owned by another user (uid 65534); if you trust "
                         "it: git config --global --add safe.directory " +
                             r.string() + "\n");
  EXPECT_NE(git_result(r, {"status"}).exit_code, 0) << "git refuses it too";

  // The path itself, or `*` (which git accepts and libgit2 1.5 did not); an empty value
  // clears the list, as in git.
  for (const std::string& value : {r.string(), std::string("*")}) {
    write_file(home() / ".gitconfig", "[safe]\n\tdirectory = " + value + "\n");
    EXPECT_EQ(one_block({"status"}, r), git_status_text(r)) << value;
  }
  write_file(home() / ".gitconfig", "[safe]\n\tdirectory = " + r.string() + "/\n");
  EXPECT_EQ(mr({"status"}, r).exit_code, 1) << "git compares the path exactly";
  EXPECT_NE(git_result(r, {"status"}).exit_code, 0);
  write_file(home() / ".gitconfig", "[safe]\n\tdirectory = *\n\tdirectory =\n");
  EXPECT_EQ(mr({"status"}, r).exit_code, 1);
  EXPECT_NE(git_result(r, {"status"}).exit_code, 0);
  // The repository's own config cannot vouch for itself.
  write_file(home() / ".gitconfig", "");
  (void)std::system(
      ("git config --file '" + (r / ".git/config").string() + "' safe.directory '*'").c_str());
  EXPECT_EQ(mr({"status"}, r).exit_code, 1);
}

} // namespace mr::test
