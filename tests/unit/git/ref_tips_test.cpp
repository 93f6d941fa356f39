#include <algorithm>

#include <gtest/gtest.h>

#include <mr/git/library.hpp>

#include "cli_fixture.hpp"
#include "git/ref_tips.hpp"

namespace mr::git {

namespace {

namespace fs = std::filesystem;

class RefTipsTest : public test::CliTest {
protected:
  RefTipsTest() { initialise(); }
  Library m_git;

  // What git itself says: the commits under refs/heads and refs/remotes, sorted.
  std::vector<std::string> git_tips(const fs::path& repo, const char* where) {
    auto lines = test::lines_of(git(repo, {"for-each-ref", "--format=%(objectname)", where}));
    std::sort(lines.begin(), lines.end());
    return lines;
  }
  static std::vector<std::string> hex(const std::vector<git_oid>& ids) {
    std::vector<std::string> out;
    for (const auto& id : ids) {
      out.emplace_back(git_oid_tostr_s(&id));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  void expect_like_git(const fs::path& repo) {
    const auto tips = read_ref_tips((repo / ".git/").string());
    ASSERT_TRUE(tips);
    EXPECT_EQ(hex(tips->branches), git_tips(repo, "refs/heads"));
    EXPECT_EQ(hex(tips->remotes), git_tips(repo, "refs/remotes"));
  }
};

} // namespace

TEST_F(RefTipsTest, LooseAndPackedRefsAsGitSeesThem) {
  const auto repo = make_repo(root() / "r");
  git(repo, {"push", "-q", "origin", "main"});
  git(repo, {"fetch", "-q", "origin"});
  git(repo, {"remote", "set-head", "origin", "main"}); // a symbolic remote HEAD
  git(repo, {"branch", "feature/deep/name"});
  expect_like_git(repo);

  git(repo, {"pack-refs", "--all"}); // everything packed
  expect_like_git(repo);

  git(repo, {"commit", "-q", "--allow-empty", "-m", "newer than the packed one"});
  git(repo, {"branch", "loose-only"});
  expect_like_git(repo); // a loose main overrides the packed one

  test::write_file(repo / ".git/refs/heads/main.lock", "garbage");
  expect_like_git(repo); // a ref being written is not a ref
}

TEST_F(RefTipsTest, ADanglingRemoteHeadPointsNowhere) {
  const auto repo = make_repo(root() / "r");
  git(repo, {"push", "-q", "origin", "main"});
  git(repo, {"fetch", "-q", "origin"});
  test::write_file(repo / ".git/refs/remotes/origin/HEAD", "ref: refs/remotes/origin/gone\n");
  const auto tips = read_ref_tips((repo / ".git/").string());
  ASSERT_TRUE(tips);
  EXPECT_EQ(tips->remotes.size(), 1U); // origin/main only
}

TEST_F(RefTipsTest, AnythingUnusualIsLeftToLibgit2) {
  const auto repo = make_repo(root() / "r");
  test::write_file(repo / ".git/refs/heads/broken", "not an object id\n");
  EXPECT_FALSE(read_ref_tips((repo / ".git/").string()));
  fs::remove(repo / ".git/refs/heads/broken");
  test::write_file(repo / ".git/refs/heads/elsewhere", "ref: refs/tags/v1\n");
  EXPECT_FALSE(read_ref_tips((repo / ".git/").string())); // a branch we cannot place
}

TEST_F(RefTipsTest, NoRefsAtAll) {
  const auto repo = root() / "empty";
  git(root(), {"init", "-q", repo.string()});
  const auto tips = read_ref_tips((repo / ".git/").string());
  ASSERT_TRUE(tips);
  EXPECT_TRUE(tips->branches.empty());
  EXPECT_TRUE(tips->remotes.empty());
}

} // namespace mr::git
