#include <gtest/gtest.h>

#include <mr/registry/select.hpp>

#include "cli_fixture.hpp"

namespace mr::registry {

namespace {

Repo repo_at(const fs::path& path, std::vector<std::string> tags = {}) {
  Repo r;
  r.path = path;
  r.key = path.string();
  r.tags = std::move(tags);
  return r;
}

std::vector<std::string> paths_of(const std::vector<Selected>& selected) {
  std::vector<std::string> out;
  for (const auto& s : selected) {
    out.push_back(s.repo->path.string() + (s.subdir ? " (" + *s.subdir + ")" : ""));
  }
  return out;
}

util::Place plain(const fs::path& p) {
  return {p, p};
}

SelectOptions at(const util::Place& place, std::optional<std::size_t> depth = std::nullopt,
                 std::vector<std::string> tags = {}) {
  return {place, depth, std::move(tags)};
}

} // namespace

TEST(Select, ReposAtOrBelowTheDirectoryInRegistryOrder) {
  Registry reg;
  reg.repos = {repo_at("/h/src/a"), repo_at("/h/src/b/c"), repo_at("/h/other"), repo_at("/h/src")};
  EXPECT_EQ(paths_of(select(reg, at(plain("/h/src")))),
            (std::vector<std::string>{"/h/src/a", "/h/src/b/c", "/h/src"}));
  EXPECT_EQ(paths_of(select(reg, at(plain("/")))).size(), 4u);
  EXPECT_TRUE(select(reg, at(plain("/elsewhere"))).empty());
}

TEST(Select, DepthLimitCountsComponentsBelowTheDirectory) {
  Registry reg;
  reg.repos = {repo_at("/h/src/a"), repo_at("/h/src/b/c"), repo_at("/h")};
  EXPECT_EQ(paths_of(select(reg, at(plain("/h"), 0))), (std::vector<std::string>{"/h"}));
  EXPECT_EQ(paths_of(select(reg, at(plain("/h"), 2))),
            (std::vector<std::string>{"/h/src/a", "/h"}));
  EXPECT_EQ(paths_of(select(reg, at(plain("/h/src"), 0))), (std::vector<std::string>{"/h (src)"}));
}

TEST(Select, InsideARepoTheDeepestEnclosingOneIsUsedWithItsSubdir) {
  Registry reg;
  reg.repos = {repo_at("/h"), repo_at("/h/src/a"), repo_at("/h/src/b")};
  EXPECT_EQ(paths_of(select(reg, at(plain("/h/src/a/x/y")))),
            (std::vector<std::string>{"/h/src/a (x/y)"}));
  EXPECT_EQ(paths_of(select(reg, at(plain("/h/lib")))), (std::vector<std::string>{"/h (lib)"}));
}

TEST(Select, TagsFilterWithAnyOf) {
  Registry reg;
  reg.repos = {repo_at("/h/a", {"work"}), repo_at("/h/b", {"home", "x"}), repo_at("/h/c")};
  EXPECT_EQ(paths_of(select(reg, at(plain("/h"), std::nullopt, {"work", "x"}))),
            (std::vector<std::string>{"/h/a", "/h/b"}));
  EXPECT_TRUE(select(reg, at(plain("/h/c/sub"), std::nullopt, {"work"})).empty());
}

TEST(Select, SymlinkedParentsWorkFromEitherSide) {
  test::TempDir tmp;
  const auto storage = tmp.path() / "storage/code";
  fs::create_directories(storage / "x");
  fs::create_directories(tmp.path() / "home");
  fs::create_directory_symlink(storage, tmp.path() / "home/code");
  const auto logical_repo = tmp.path() / "home/code/x";

  Registry via_link;
  via_link.repos = {repo_at(logical_repo)};
  // From $HOME (myrepos fails here), from the link, and from the real directory.
  EXPECT_EQ(select(via_link, at(plain(tmp.path() / "home"))).size(), 1u);
  EXPECT_EQ(select(via_link, at({tmp.path() / "home/code", storage})).size(), 1u);
  EXPECT_EQ(select(via_link, at(plain(storage))).size(), 1u);
  // Inside the repo, reached through the physical path.
  fs::create_directories(storage / "x/sub");
  auto inside = select(via_link, at(plain(storage / "x/sub")));
  ASSERT_EQ(inside.size(), 1u);
  EXPECT_EQ(inside[0].subdir, "sub");

  Registry via_real;
  via_real.repos = {repo_at(storage / "x")};
  EXPECT_EQ(select(via_real, at({tmp.path() / "home/code", storage})).size(), 1u);
}

// Repositories side by side share their parent's resolution; one that is itself a
// symlink, or lies below a symlinked sibling directory, is still resolved on its own.
TEST(Select, ASymlinkedRepositoryAmongPlainOnesIsFoundFromWhereItLeads) {
  test::TempDir tmp;
  const auto ws = tmp.path() / "ws";
  const auto elsewhere = tmp.path() / "elsewhere";
  fs::create_directories(ws / "a");
  fs::create_directories(ws / "c");
  fs::create_directories(elsewhere / "b/sub");
  fs::create_directories(elsewhere / "group/d");
  fs::create_directory_symlink(elsewhere / "b", ws / "b");          // a symlinked repository
  fs::create_directory_symlink("../elsewhere/group", ws / "group"); // a symlinked parent
  Registry reg;
  reg.repos = {repo_at(ws / "a"), repo_at(ws / "b"), repo_at(ws / "c"), repo_at(ws / "group/d"),
               repo_at(ws / "missing")};
  const auto p = [&](const fs::path& x) { return x.string(); };
  EXPECT_EQ(paths_of(select(reg, at(plain(elsewhere)))),
            (std::vector<std::string>{p(ws / "b"), p(ws / "group/d")}));
  EXPECT_EQ(paths_of(select(reg, at(plain(elsewhere / "b/sub")))),
            (std::vector<std::string>{p(ws / "b") + " (sub)"}));
  EXPECT_EQ(paths_of(select(reg, at(plain(elsewhere / "group")))),
            (std::vector<std::string>{p(ws / "group/d")}));
  EXPECT_EQ(paths_of(select(reg, at(plain(elsewhere / "group/d/x")))),
            (std::vector<std::string>{p(ws / "group/d") + " (x)"}));
  EXPECT_EQ(find_enclosing(reg, plain(elsewhere / "b/sub"))->path, ws / "b");
  EXPECT_TRUE(select(reg, at(plain(tmp.path() / "none"))).empty());
}

TEST(Select, FindEnclosingPrefersTheExactRepo) {
  Registry reg;
  reg.repos = {repo_at("/h"), repo_at("/h/a")};
  EXPECT_EQ(find_enclosing(reg, plain("/h/a"))->path, "/h/a");
  EXPECT_EQ(find_enclosing(reg, plain("/h/a/deep"))->path, "/h/a");
  EXPECT_EQ(find_enclosing(reg, plain("/h/b"))->path, "/h");
  EXPECT_EQ(find_enclosing(reg, plain("/x")), nullptr);
}

} // namespace mr::registry
