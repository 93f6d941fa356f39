#include <gtest/gtest.h>

#include <mr/git/library.hpp>
#include <mr/git/worktree.hpp>

#include "cli_fixture.hpp"

namespace mr::git {

namespace {

class Worktree : public test::CliTest {
protected:
  Worktree() { initialise(); }
  Library m_git;
};

} // namespace

TEST_F(Worktree, FindsTheTopAndOriginFromASubdirectory) {
  const auto repo = make_repo(root() / "r");
  std::filesystem::create_directories(repo / "a/b");
  auto info = inspect_for_register(repo / "a/b");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->top, repo);
  EXPECT_EQ(info->remote, "origin");
  EXPECT_EQ(info->url, (root() / "remotes/r.git").string());
}

TEST_F(Worktree, PrefersTheCurrentBranchsRemote) {
  const auto repo = make_repo(root() / "r");
  git(repo, {"remote", "add", "upstream", "https://example.org/up.git"});
  git(repo, {"config", "branch.main.remote", "upstream"});
  git(repo, {"config", "branch.main.merge", "refs/heads/main"});
  auto info = inspect_for_register(repo);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->remote, "upstream");
  EXPECT_EQ(info->url, "https://example.org/up.git");
}

TEST_F(Worktree, UsesTheOnlyRemoteWhenThereIsNoOrigin) {
  const auto repo = make_repo(root() / "r", false);
  git(repo, {"remote", "add", "mine", "git@example.org:x.git"});
  auto info = inspect_for_register(repo);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->url, "git@example.org:x.git");
}

TEST_F(Worktree, NoRemoteMeansNoUrl) {
  const auto repo = make_repo(root() / "r", false);
  auto info = inspect_for_register(repo);
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->url);
}

TEST_F(Worktree, OutsideARepositoryIsAClearError) {
  std::filesystem::create_directories(root() / "plain");
  auto info = inspect_for_register(root() / "plain");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().message, (root() / "plain").string() + ": not inside a git repository");
}

TEST_F(Worktree, BareRepositoriesAreRefused) {
  std::filesystem::create_directories(root() / "bare.git");
  git(root() / "bare.git", {"init", "-q", "--bare"});
  auto info = inspect_for_register(root() / "bare.git");
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().message.find("bare repository"), std::string::npos);
}

} // namespace mr::git
