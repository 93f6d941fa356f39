#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>

#include <mr/util/path_memo.hpp>
#include <mr/util/paths.hpp>

#include "temp_dir.hpp"

namespace mr::util {

namespace {

// A tree with every kind of step a repository path can take: symlinked parents (relative,
// absolute, through ".."), symlinked leaves, a dangling link, a regular file in the way,
// a loop, and plain directories.
struct Tree {
  test::TempDir tmp;
  const fs::path& t = tmp.path();

  Tree() {
    fs::create_directories(t / "real/ws/a");
    fs::create_directories(t / "real/ws/b");
    fs::create_directories(t / "other/x");
    fs::create_directory_symlink("real", t / "link");                  // a symlinked parent
    fs::create_directory_symlink(t / "real/ws", t / "abs");            // absolute target
    fs::create_directory_symlink("../../other/x", t / "real/ws/leaf"); // a symlinked leaf
    fs::create_directory_symlink("../ws/a", t / "real/ws/up");         // ".." in a link
    fs::create_symlink("nowhere/deeper", t / "real/ws/dangling");
    fs::create_symlink("loop2", t / "real/ws/loop1");
    fs::create_symlink("loop1", t / "real/ws/loop2");
    write_file(t / "real/ws/file");
  }

  static void write_file(const fs::path& p) {
    FILE* f = std::fopen(p.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }

  std::vector<fs::path> paths() const {
    std::vector<fs::path> out;
    for (const char* top : {"real/ws", "link/ws", "abs"}) {
      for (const char* rest :
           {"", "/a", "/b", "/leaf", "/up", "/dangling", "/dangling/z", "/file", "/file/z",
            "/missing", "/missing/z", "/loop1", "/loop1/z", "/leaf/y", "/up/y/z"}) {
        out.push_back(t / (std::string(top) + rest));
      }
    }
    out.push_back("/");
    out.push_back(t);
    out.push_back(t / "link");
    out.push_back(t / "link/ws/../ws/a"); // not normal: handed to the functions
    out.push_back(t / "link/ws/");
    return out;
  }
};

} // namespace

TEST(PathMemo, KnowsNormalAbsolutePaths) {
  EXPECT_TRUE(PathMemo::is_normal_absolute("/"));
  EXPECT_TRUE(PathMemo::is_normal_absolute("/a/b.c/..d"));
  EXPECT_FALSE(PathMemo::is_normal_absolute(""));
  EXPECT_FALSE(PathMemo::is_normal_absolute("a/b"));
  EXPECT_FALSE(PathMemo::is_normal_absolute("//a"));
  EXPECT_FALSE(PathMemo::is_normal_absolute("/a//b"));
  EXPECT_FALSE(PathMemo::is_normal_absolute("/a/"));
  EXPECT_FALSE(PathMemo::is_normal_absolute("/a/./b"));
  EXPECT_FALSE(PathMemo::is_normal_absolute("/a/.."));
}

TEST(PathMemo, PhysicalAnswersAsPhysical) {
  Tree tree;
  PathMemo memo;
  for (int pass = 0; pass < 2; ++pass) { // the second pass answers from what it remembers
    for (const auto& p : tree.paths()) {
      EXPECT_EQ(memo.physical(p).native(), physical(p).native()) << p;
    }
  }
}

TEST(PathMemo, ResolveAnswersAsResolvePathWithTheSameErrors) {
  Tree tree;
  PathMemo memo;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& p : tree.paths()) {
      const auto expected = resolve_path(p);
      const auto got = memo.resolve(p);
      ASSERT_EQ(bool(got), bool(expected)) << p;
      if (expected) {
        EXPECT_EQ(got->native(), expected->native()) << p;
      } else {
        EXPECT_EQ(got.error().message, expected.error().message) << p;
      }
    }
  }
}

// The loop check counts the links the parents took too: 40 links in all, as the kernel.
TEST(PathMemo, ResolveCountsLinksAcrossRememberedParents) {
  test::TempDir tmp;
  const auto& t = tmp.path();
  fs::create_directories(t / "d");
  // c0 -> d, c1 -> c0, ... : going through cK follows K + 1 links.
  fs::create_directory_symlink("d", t / "c0");
  for (int k = 1; k < 45; ++k) {
    fs::create_directory_symlink("c" + std::to_string(k - 1), t / ("c" + std::to_string(k)));
  }
  fs::create_directory_symlink("../c30", t / "d/inner"); // 31 more links from d
  PathMemo memo;
  for (const char* p : {"c5/inner", "c8/inner", "c9/inner", "c9/inner/x", "c39/x", "c40/x"}) {
    const auto expected = resolve_path(t / p);
    const auto got = memo.resolve(t / p);
    ASSERT_EQ(bool(got), bool(expected)) << p;
    if (!expected) {
      EXPECT_EQ(got.error().message, expected.error().message);
    }
  }
  EXPECT_FALSE(resolve_path(t / "c9/inner/x")); // the case above is one that fails
}

// What is shared: one entry per distinct parent directory, whatever the number of paths.
TEST(PathMemo, RemembersEachDirectoryOnce) {
  test::TempDir tmp;
  const auto& t = tmp.path();
  for (int g = 0; g < 3; ++g) {
    for (int k = 0; k < 20; ++k) {
      fs::create_directories(t / ("g" + std::to_string(g)) / ("repo" + std::to_string(k)));
    }
  }
  PathMemo memo;
  for (int g = 0; g < 3; ++g) {
    for (int k = 0; k < 20; ++k) {
      const auto p = t / ("g" + std::to_string(g)) / ("repo" + std::to_string(k));
      EXPECT_EQ(memo.physical(p), p);
    }
  }
  std::size_t depth = 0;
  for (const auto& part : t.relative_path()) {
    (void)part;
    ++depth;
  }
  EXPECT_EQ(memo.directories(), depth + 3); // t and its ancestors, then g0, g1, g2
}

// A directory examined once is not examined again: a PathMemo is for one pass.
TEST(PathMemo, AnswersFromWhatItSawFirst) {
  test::TempDir tmp;
  const auto& t = tmp.path();
  fs::create_directories(t / "ws/a");
  fs::create_directories(t / "elsewhere/b");
  PathMemo memo;
  EXPECT_EQ(memo.physical(t / "ws/a"), t / "ws/a");
  ASSERT_TRUE(memo.resolve(t / "ws/a"));
  fs::rename(t / "ws", t / "old");
  fs::create_directory_symlink("elsewhere", t / "ws");
  EXPECT_EQ(physical(t / "ws/b"), t / "elsewhere/b");
  EXPECT_EQ(memo.physical(t / "ws/b"), t / "ws/b");
  EXPECT_EQ(*memo.resolve(t / "ws/b"), t / "ws/b");
}

} // namespace mr::util
