#include <gtest/gtest.h>

#include <mr/git/library.hpp>

#include "cli_fixture.hpp"
#include "git/handles.hpp"
#include "git/refs.hpp"

namespace mr::git {

namespace {

namespace fs = std::filesystem;

class Refs : public test::CliTest {
protected:
  Refs() { initialise(); }

  // A repository with main pushed and tracked, a nested branch, a symbolic origin/HEAD.
  fs::path repo() {
    const auto r = make_repo(root() / "r");
    git(r, {"push", "-q", "-u", "origin", "main"});
    git(r, {"remote", "set-head", "origin", "main"});
    git(r, {"branch", "feature/deep/name"});
    return r;
  }

  // git's own view: `git for-each-ref` over refs/heads, as "name sha" lines.
  std::vector<std::string> git_branches(const fs::path& r) {
    return test::lines_of(
        git(r, {"for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"}));
  }
  static std::vector<std::string> lines(const std::vector<std::pair<std::string, git_oid>>& in) {
    std::vector<std::string> out;
    for (const auto& [name, id] : in) {
      out.push_back(name + " " + git_oid_tostr_s(&id));
    }
    return out;
  }
  std::string git_sha(const fs::path& r, const std::string& ref) {
    auto out = git(r, {"rev-parse", ref});
    out.pop_back();
    return out;
  }
  static std::string sha(const std::optional<git_oid>& id) {
    return id ? git_oid_tostr_s(&*id) : "<none>";
  }

  Library m_git;
};

} // namespace

TEST_F(Refs, BranchesLooseAndPackedAsGitSeesThem) {
  const auto r = repo();
  RefStore loose_store((r / ".git/").string());
  EXPECT_EQ(lines(loose_store.branches().value()), git_branches(r));

  git(r, {"pack-refs", "--all"});
  RefStore packed_store((r / ".git/").string());
  EXPECT_EQ(lines(packed_store.branches().value()), git_branches(r));

  // A loose ref newer than its packed copy wins; a .lock file is not a ref.
  git(r, {"commit", "-q", "--allow-empty", "-m", "newer"});
  test::write_file(r / ".git/refs/heads/main.lock", "garbage");
  RefStore mixed((r / ".git/").string());
  EXPECT_EQ(lines(mixed.branches().value()), git_branches(r));
}

TEST_F(Refs, ResolveFollowsSymbolicRefsIntoPackedRefs) {
  const auto r = repo();
  git(r, {"pack-refs", "--all"});
  RefStore store((r / ".git/").string());
  EXPECT_EQ(sha(store.resolve("refs/remotes/origin/HEAD")), git_sha(r, "origin/HEAD"));
  EXPECT_EQ(sha(store.resolve("refs/remotes/origin/main")), git_sha(r, "origin/main"));
  EXPECT_EQ(sha(store.resolve("refs/remotes/origin/nope")), "<none>");
  test::write_file(r / ".git/refs/remotes/origin/HEAD", "ref: refs/remotes/origin/gone\n");
  EXPECT_EQ(sha(store.resolve("refs/remotes/origin/HEAD")), "<none>");
}

TEST_F(Refs, AnythingUnusualIsLeftToLibgit2) {
  const auto r = repo();
  test::write_file(r / ".git/refs/heads/broken", "not an object id\n");
  EXPECT_FALSE(RefStore((r / ".git/").string()).branches());
  fs::remove(r / ".git/refs/heads/broken");
  test::write_file(r / ".git/refs/heads/elsewhere", "ref: refs/tags/v1\n");
  EXPECT_FALSE(RefStore((r / ".git/").string()).branches());
}

TEST_F(Refs, NoBranchesAtAll) {
  const auto r = root() / "empty";
  git(root(), {"init", "-q", r.string()});
  const auto branches = RefStore((r / ".git/").string()).branches();
  ASSERT_TRUE(branches);
  EXPECT_TRUE(branches->empty());
}

TEST_F(Refs, UpstreamAsGitComputesIt) {
  const auto r = repo();
  git(r, {"remote", "add", "fork", "https://example.org/fork.git"});
  git(r, {"config", "remote.fork.fetch", "+refs/heads/*:refs/remotes/mine/*"});
  git(r, {"branch", "--no-track", "side"});
  git(r, {"config", "branch.side.remote", "fork"});
  git(r, {"config", "branch.side.merge", "refs/heads/topic"});
  git(r, {"update-ref", "refs/remotes/mine/topic", "HEAD"});
  git(r, {"branch", "--no-track", "local"});
  git(r, {"config", "branch.local.remote", "."});
  git(r, {"config", "branch.local.merge", "refs/heads/main"});

  git_repository* raw = nullptr;
  ASSERT_EQ(git_repository_open(&raw, r.c_str()), 0);
  RepoPtr handle(raw);
  EXPECT_EQ(upstream_ref(raw, "main").value_or("<none>"), "refs/remotes/origin/main");
  EXPECT_EQ(upstream_ref(raw, "side").value_or("<none>"), "refs/remotes/mine/topic");
  EXPECT_EQ(upstream_ref(raw, "local").value_or("<none>"), "refs/heads/main");
  EXPECT_EQ(upstream_ref(raw, "feature/deep/name").value_or("<none>"), "<none>");
  // git agrees on the first three.
  EXPECT_EQ(git(r, {"rev-parse", "--symbolic-full-name", "side@{upstream}"}),
            "refs/remotes/mine/topic\n");
  EXPECT_EQ(git(r, {"rev-parse", "--symbolic-full-name", "local@{upstream}"}), "refs/heads/main\n");
}

} // namespace mr::git
