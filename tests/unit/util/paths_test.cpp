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
