#include <gtest/gtest.h>

#include <mr/registry/locate.hpp>

#include "cli_fixture.hpp"

namespace mr::registry {

namespace {

RootEnvironment config_env(const char* config) {
  RootEnvironment env;
  env.config = config;
  return env;
}

} // namespace

TEST(LocateRoots, OptionWinsThenEnvironment) {
  auto r =
      locate_roots(std::filesystem::path("my.toml"), config_env("/env.toml"), "/work", "/home/u");
  ASSERT_EQ(r.files.size(), 1U);
  EXPECT_EQ(r.files[0].path, "/work/my.toml");
  EXPECT_EQ(r.files[0].source, RootSource::option);
  r = locate_roots(std::nullopt, config_env("rel/env.toml"), "/work", "/home/u");
  ASSERT_EQ(r.files.size(), 1U);
  EXPECT_EQ(r.files[0].path, "/work/rel/env.toml");
  EXPECT_EQ(r.files[0].source, RootSource::environment);
  r = locate_roots(std::filesystem::path("~/x.toml"), {}, "/work", "/home/u");
  EXPECT_EQ(r.files[0].path, "/home/u/x.toml");
}

TEST(LocateRoots, HomeFileThenTheNearestOneBelowHome) {
  test::TempDir tmp;
  const auto home = tmp.path() / "home";
  std::filesystem::create_directories(home / "a/b/c");
  auto r = locate_roots(std::nullopt, config_env(""), home / "a/b/c", home);
  ASSERT_EQ(r.files.size(), 1U);
  EXPECT_EQ(r.files[0].path, home / ".mrconfig.toml");
  EXPECT_EQ(r.files[0].source, RootSource::home);

  test::write_file(home / "a/.mrconfig.toml", "");
  r = locate_roots(std::nullopt, {}, home / "a/b/c", home);
  ASSERT_EQ(r.files.size(), 2U);
  EXPECT_EQ(r.files[0].path, home / ".mrconfig.toml");
  EXPECT_EQ(r.files[1].path, home / "a/.mrconfig.toml");
  EXPECT_EQ(r.files[1].source, RootSource::nearest);

  // Files above $HOME are not looked at from inside it.
  test::write_file(tmp.path() / ".mrconfig.toml", "");
  r = locate_roots(std::nullopt, {}, home, home);
  ASSERT_EQ(r.files.size(), 1U);
  EXPECT_EQ(r.files[0].source, RootSource::home);
}

TEST(LocateRoots, ANestedMrTakesItsParentsRootsWhileMrConfigIsWhatTheParentSet) {
  RootEnvironment env;
  env.config = "/home/u/inc/a.toml";
  env.config_for = "/home/u/inc/a.toml";
  env.roots = "/home/u/.mrconfig.toml\n/srv/p/.mrconfig.toml";
  env.trust_all = "1";
  auto r = locate_roots(std::nullopt, env, "/work", "/home/u");
  ASSERT_EQ(r.files.size(), 2U);
  EXPECT_EQ(r.files[0].path, "/home/u/.mrconfig.toml");
  EXPECT_EQ(r.files[1].path, "/srv/p/.mrconfig.toml");
  EXPECT_EQ(r.files[1].source, RootSource::inherited);
  EXPECT_FALSE(r.files[1].owner_only); // the parent checked it (a -c file needs no check)
  EXPECT_TRUE(r.inherited_trust_all);
  EXPECT_EQ(r.exported(), env.roots);
  EXPECT_EQ((Roots{{{"/a\nb/.mrconfig.toml", RootSource::nearest}}}.exported()), "");

  // -c still means that file alone.
  r = locate_roots(std::filesystem::path("/c.toml"), env, "/work", "/home/u");
  ASSERT_EQ(r.files.size(), 1U);
  EXPECT_FALSE(r.inherited_trust_all);

  // MR_CONFIG changed since: the user asked for that file.
  env.config = "/home/u/other.toml";
  r = locate_roots(std::nullopt, env, "/work", "/home/u");
  ASSERT_EQ(r.files.size(), 1U);
  EXPECT_EQ(r.files[0].path, "/home/u/other.toml");
  EXPECT_EQ(r.files[0].source, RootSource::environment);
  EXPECT_FALSE(r.inherited_trust_all);
}

TEST(LocateRoots, NewReposGoToTheRootThatHoldsThemMostClosely) {
  Roots roots{{{"/home/u/.mrconfig.toml", RootSource::home},
               {"/home/u/src/p/.mrconfig.toml", RootSource::nearest}}};
  const auto for_path = [&](const char* p) { return root_for(roots, {p, p}).path; };
  EXPECT_EQ(for_path("/home/u/src/p/x"), "/home/u/src/p/.mrconfig.toml");
  EXPECT_EQ(for_path("/home/u/src/p"), "/home/u/src/p/.mrconfig.toml");
  EXPECT_EQ(for_path("/home/u/src/q"), "/home/u/.mrconfig.toml");
  EXPECT_EQ(for_path("/elsewhere"), "/home/u/.mrconfig.toml");
}

} // namespace mr::registry
