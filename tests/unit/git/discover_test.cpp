// find_repositories: what the walk recognises from names alone, and its bounds.
#include <fstream>
#include <stop_token>

#include <gtest/gtest.h>

#include <mr/git/discover.hpp>

#include "temp_dir.hpp"

namespace mr::git {

namespace {

namespace fs = std::filesystem;

class FindRepositories : public ::testing::Test {
protected:
  const fs::path& top() const { return m_tmp.path(); }
  // A directory that looks like a work tree's top (its .git a directory or a file).
  void work_tree(const fs::path& relative, bool git_file = false) {
    fs::create_directories(top() / relative);
    if (git_file) {
      std::ofstream(top() / relative / ".git") << "gitdir: elsewhere\n";
    } else {
      fs::create_directories(top() / relative / ".git/objects");
    }
  }
  void bare(const fs::path& relative) {
    fs::create_directories(top() / relative / "objects");
    fs::create_directories(top() / relative / "refs");
    std::ofstream(top() / relative / "HEAD") << "ref: refs/heads/main\n";
  }
  std::vector<std::string> found(const SearchOptions& options = {}) {
    auto r = find_repositories(top(), options);
    EXPECT_TRUE(r) << r.error().message;
    std::vector<std::string> out;
    for (const auto& repo : r ? r->repos : std::vector<FoundRepo>{}) {
      out.push_back(repo.relative.string() + (repo.bare ? " (bare)" : ""));
    }
    return out;
  }

  test::TempDir m_tmp;
};

} // namespace

TEST_F(FindRepositories, WorkTreesGitFilesAndBareOnesSorted) {
  work_tree("b");
  work_tree("a/x", /*git_file=*/true);
  work_tree("b/inner");
  bare("c.git");
  work_tree("c.git/objects/not-searched");
  EXPECT_EQ(found(), (std::vector<std::string>{"a/x", "b"}));
  EXPECT_EQ(found({.nested = true, .bare = true}),
            (std::vector<std::string>{"a/x", "b", "b/inner", "c.git (bare)"}));
  auto r = find_repositories(top(), {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bare_skipped, 1u);
}

TEST_F(FindRepositories, TheDirectoryItselfMayBeTheRepository) {
  work_tree(".");
  work_tree("sub");
  EXPECT_EQ(found(), (std::vector<std::string>{""}));
  EXPECT_EQ(found({.nested = true}), (std::vector<std::string>{"", "sub"}));
}

TEST_F(FindRepositories, DeeperThanTheLimitIsAWarning) {
  work_tree("1/2/r");
  work_tree("1/2/3/r");
  auto r = find_repositories(top(), {.max_depth = 3});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->repos.size(), 1u);
  EXPECT_EQ(r->repos[0].relative, "1/2/r");
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0],
            (top() / "1/2/3").string() + ": not searched further: more than 3 directories deep");
}

TEST_F(FindRepositories, MoreEntriesThanTheLimitIsAnErrorNotAPartialAnswer) {
  for (int i = 0; i < 20; ++i) {
    work_tree("r" + std::to_string(i));
  }
  auto r = find_repositories(top(), {.max_entries = 10});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("stopped after reading 10 directory entries"), std::string::npos)
      << r.error().message;
}

TEST_F(FindRepositories, AStopEndsItAsCancelled) {
  work_tree("r");
  std::stop_source stop;
  stop.request_stop();
  auto r = find_repositories(top(), {.stop = stop.get_token()});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().cancelled());
}

TEST_F(FindRepositories, AMissingDirectoryIsAnError) {
  auto r = find_repositories(top() / "nowhere", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "cannot read " + (top() / "nowhere").string() + ": No such file or directory");
}

} // namespace mr::git
