#include <gtest/gtest.h>

#include <mr/registry/locate.hpp>

#include "cli_fixture.hpp"

namespace mr::registry {

TEST(LocateRoot, OptionWinsThenEnvironment) {
  auto r = locate_root(std::filesystem::path("my.toml"), "/env.toml", "/work", "/home/u");
  EXPECT_EQ(r.path, "/work/my.toml");
  EXPECT_EQ(r.source, RootSource::option);
  r = locate_root(std::nullopt, "rel/env.toml", "/work", "/home/u");
  EXPECT_EQ(r.path, "/work/rel/env.toml");
  EXPECT_EQ(r.source, RootSource::environment);
  r = locate_root(std::filesystem::path("~/x.toml"), nullptr, "/work", "/home/u");
  EXPECT_EQ(r.path, "/home/u/x.toml");
}

TEST(LocateRoot, NearestFileUpToHomeElseHomeFile) {
  test::TempDir tmp;
  const auto home = tmp.path() / "home";
  std::filesystem::create_directories(home / "a/b/c");
  auto r = locate_root(std::nullopt, "", home / "a/b/c", home);
  EXPECT_EQ(r.path, home / ".mrconfig.toml");
  EXPECT_EQ(r.source, RootSource::home);

  test::write_file(home / "a/.mrconfig.toml", "");
  r = locate_root(std::nullopt, nullptr, home / "a/b/c", home);
  EXPECT_EQ(r.path, home / "a/.mrconfig.toml");
  EXPECT_EQ(r.source, RootSource::nearest);

  // Files above $HOME are not looked at from inside it.
  test::write_file(tmp.path() / ".mrconfig.toml", "");
  r = locate_root(std::nullopt, nullptr, home, home);
  EXPECT_EQ(r.source, RootSource::home);
}

} // namespace mr::registry
