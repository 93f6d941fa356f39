#include <cstdlib>

#include <gtest/gtest.h>

#include <mr/util/paths.hpp>

#include "temp_dir.hpp"

namespace mr::util {

TEST(Paths, ExpandUserHandlesTildeAndTildeSlashOnly) {
  EXPECT_EQ(expand_user("~", "/home/u"), fs::path("/home/u"));
  EXPECT_EQ(expand_user("~/src/x", "/home/u"), fs::path("/home/u/src/x"));
  EXPECT_EQ(expand_user("~other/x", "/home/u"), fs::path("~other/x"));
  EXPECT_EQ(expand_user("src", "/home/u"), fs::path("src"));
}

TEST(Paths, AbsoluteNormalResolvesDotsAndTrailingSlashes) {
  EXPECT_EQ(absolute_normal("src/./a/../b/", "/home/u"), fs::path("/home/u/src/b"));
  EXPECT_EQ(absolute_normal("/x/y/", "/ignored"), fs::path("/x/y"));
  EXPECT_EQ(absolute_normal(".", "/home/u"), fs::path("/home/u"));
  EXPECT_EQ(absolute_normal("/", "/home"), fs::path("/"));
  // As text, not as fs::path (whose == finds "//" and "/" equal): repos are told apart by
  // their text, and lexically_normal keeps "//".
  EXPECT_EQ(absolute_normal("//", "/home").native(), "/");
  EXPECT_EQ(absolute_normal("///", "/home").native(), "/");
  EXPECT_EQ(absolute_normal("//a//", "/home").native(), "/a");
  EXPECT_EQ(absolute_normal("/.", "/home").native(), "/");
}

TEST(Paths, DepthBelowComparesWholeComponents) {
  EXPECT_EQ(depth_below("/a/b/c", "/a"), 2u);
  EXPECT_EQ(depth_below("/a", "/a"), 0u);
  EXPECT_EQ(depth_below("/a/b", "/"), 2u);
  EXPECT_FALSE(depth_below("/ab/c", "/a").has_value());
  EXPECT_FALSE(depth_below("/a", "/a/b").has_value());
}

TEST(Paths, PhysicalResolvesSymlinksAndKeepsAMissingTail) {
  test::TempDir tmp;
  fs::create_directories(tmp.path() / "real/dir");
  fs::create_directory_symlink(tmp.path() / "real", tmp.path() / "link");
  EXPECT_EQ(physical(tmp.path() / "link/dir"), tmp.path() / "real/dir");
  EXPECT_EQ(physical(tmp.path() / "link/missing/x"), tmp.path() / "real/missing/x");
}

TEST(Paths, ResolvePathFollowsEveryExistingSymlinkAsTheKernelWould) {
  test::TempDir tmp;
  const auto& t = tmp.path();
  fs::create_directories(t / "a/b");
  fs::create_directory_symlink("a/b", t / "rel");   // relative target
  fs::create_directory_symlink(t / "a", t / "abs"); // absolute target
  fs::create_symlink("../../outside/new", t / "a/b/dangling");
  fs::create_directory_symlink("..", t / "a/b/up");
  EXPECT_EQ(*resolve_path(t / "rel/x/y"), t / "a/b/x/y");
  EXPECT_EQ(*resolve_path(t / "abs/b"), t / "a/b");
  // ".." after a symlink leaves what the link points to, not the link's directory.
  EXPECT_EQ(*resolve_path(t / "rel/../c"), t / "a/c");
  EXPECT_EQ(*resolve_path(t / "a/b/up/b/up/../q"), t / "q");
  // A dangling link is followed: creating through it would create its target.
  EXPECT_EQ(*resolve_path(t / "a/b/dangling/z"), t / "outside/new/z");
  // A missing component ends the resolution; the rest is lexical.
  EXPECT_EQ(*resolve_path(t / "missing/../a/b"), t / "a/b");
  EXPECT_EQ(*resolve_path(t / "missing/more"), t / "missing/more");
}

TEST(Paths, ResolvePathReportsALoop) {
  test::TempDir tmp;
  fs::create_symlink("b", tmp.path() / "a");
  fs::create_symlink("a", tmp.path() / "b");
  auto r = resolve_path(tmp.path() / "a/x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("Too many levels of symbolic links"), std::string::npos)
      << r.error().message;
}

TEST(Paths, ResolveWithinRefusesWhatLeadsOutside) {
  test::TempDir tmp;
  const auto dir = tmp.path() / "repo";
  fs::create_directories(dir / "sub");
  fs::create_directory_symlink("../..", dir / "out");
  fs::create_directory_symlink("sub", dir / "in");
  EXPECT_EQ(*resolve_within(dir / "in/x", dir), dir / "sub/x");
  EXPECT_EQ(*resolve_within(dir, dir), dir);
  auto out = resolve_within(dir / "out/x", dir);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "resolves to " + (tmp.path().parent_path() / "x").string() +
                                     ", outside " + dir.string());
}

TEST(Paths, PlaceOfKeepsTheLogicalPathAndResolvesThePhysicalOne) {
  test::TempDir tmp;
  fs::create_directories(tmp.path() / "real/dir");
  fs::create_directory_symlink(tmp.path() / "real", tmp.path() / "link");
  const Place cwd{tmp.path(), tmp.path()};
  auto place = place_of("link/dir", cwd);
  ASSERT_TRUE(place);
  EXPECT_EQ(place->logical, tmp.path() / "link/dir");
  EXPECT_EQ(place->physical, tmp.path() / "real/dir");
  EXPECT_FALSE(place_of("nope", cwd));
}

} // namespace mr::util
