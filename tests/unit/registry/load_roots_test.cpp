// Loading several root files together: ~/.mrconfig.toml and the nearest .mrconfig.toml.
#include <gtest/gtest.h>

#include <mr/registry/registry.hpp>

#include "cli_fixture.hpp"

namespace mr::registry {

namespace {

class RegistryRoots : public ::testing::Test {
protected:
  fs::path home() const { return m_tmp.path() / "home"; }
  fs::path home_file() const { return home() / ".mrconfig.toml"; }
  fs::path project_file() const { return home() / "src/p/.mrconfig.toml"; }

  // Both roots, with `writes_to` (one of them) as LoadOptions::root.
  Result<Registry> load_both(const fs::path& writes_to) {
    return load({writes_to,
                 home(),
                 false,
                 false,
                 {},
                 {{home_file(), RootSource::home}, {project_file(), RootSource::nearest}}});
  }

  static std::vector<std::string> paths(const Registry& r) {
    std::vector<std::string> out;
    for (const auto& repo : r.repos) {
      out.push_back(repo.path.string());
    }
    return out;
  }

  test::TempDir m_tmp;
};

} // namespace

TEST_F(RegistryRoots, BothRootFilesAreLoadedHomeFirst) {
  test::write_file(home_file(), "[repos.\"src/a\"]\n[repos.\"src/p/w\"]\n");
  test::write_file(project_file(), "[repos.x]\n[repos.y]\n");
  auto r = load_both(project_file());
  ASSERT_TRUE(r) << r.error().message;
  const auto h = home().string();
  EXPECT_EQ(paths(*r), (std::vector<std::string>{h + "/src/a", h + "/src/p/w", h + "/src/p/x",
                                                 h + "/src/p/y"}));
  EXPECT_EQ(r->files, (std::vector<fs::path>{home_file(), project_file()}));
  EXPECT_EQ(r->root, project_file());
  EXPECT_TRUE(r->root_exists);
  // The project's file is not trusted: new repositories stay inside its directory.
  EXPECT_EQ(r->root_confined_to, util::physical(project_file().parent_path()));
  EXPECT_TRUE(r->repos[0].trusted);
  EXPECT_FALSE(r->repos[2].trusted);
}

TEST_F(RegistryRoots, ARepositoryBothListIsTheHomeFilesOnce) {
  test::write_file(home_file(), "[repos.\"src/p/x\"]\nurl = \"home\"\n");
  test::write_file(project_file(), "[repos.x]\nurl = \"project\"\n[repos.y]\n");
  auto r = load_both(home_file());
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->repos.size(), 2u);
  EXPECT_EQ(r->repos[0].url, "home");
  EXPECT_EQ(r->repos[0].location.file, home_file());
  // Within one root's files a repository listed twice is still an error.
  test::write_file(project_file(), "[repos.y]\n[repos.\"./y\"]\n");
  auto dup = load_both(home_file());
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("duplicate repo"), std::string::npos) << dup.error().message;
}

TEST_F(RegistryRoots, AFileBothRootsReachIsLoadedOnce) {
  // The home file chains the project's: found again as the nearest file, it adds nothing.
  test::write_file(home_file(), "[repos.\"src/p\"]\nchain = true\n");
  test::write_file(project_file(), "[repos.x]\n");
  auto r = load_both(project_file());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->repos.size(), 2u);
  EXPECT_EQ(r->files.size(), 2u);
  // A missing home file is skipped.
  fs::remove(home_file());
  r = load_both(home_file());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->root_exists);
  EXPECT_EQ(paths(*r), std::vector<std::string>{home().string() + "/src/p/x"});
}

TEST_F(RegistryRoots, AMyreposFileIsNamedAsOneWithHowToConvertIt) {
  const auto ini = home() / ".mrconfig";
  test::write_file(ini, "# mine\n[DEFAULT]\ngit_gc = git gc \"$@\"\n\n[src/a]\n"
                        "checkout = git clone 'https://x/a.git' 'a'\n");
  auto r = load({ini, home(), false});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, ini.string() +
                                   " is a myrepos registry (INI), which mr does not read: mr "
                                   "reads TOML; convert it with mr import " +
                                   ini.string() +
                                   " (see CONVERTING FROM MYREPOS in mrconfig.toml(5))");
  EXPECT_EQ(r.error().message, convert_hint(ini));
  // Shapes that gave other errors: valid TOML with an unknown key 'DEFAULT', TOML's
  // "expected ']'", a parse error on myrepos' include.
  for (const char* text : {"[DEFAULT]\njobs = 3\n", "[src/a]\n", "include = cat /etc/mr/*\n"}) {
    test::write_file(ini, text);
    r = load({ini, home(), false});
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().message, convert_hint(ini)) << text;
  }
  // Broken TOML stays a TOML error with its line and column.
  test::write_file(ini, "[repos.a]\nurl = \"unterminated\n");
  r = load({ini, home(), false});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind(ini.string() + ":2:", 0), 0u) << r.error().message;
  test::write_file(ini, "[src/a]\norder = 3\nurl = https://x\n");
  EXPECT_NE(load({ini, home(), false}).error().message.find("myrepos"), std::string::npos);
  test::write_file(ini, "[repos.a]\nurl = https://x\n"); // mr's own table, unquoted url
  EXPECT_EQ(load({ini, home(), false}).error().message.find("myrepos"), std::string::npos);
}

} // namespace mr::registry
