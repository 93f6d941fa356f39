// Where a repository of an untrusted registry file may be: inside the file's directory,
// with every symlink on the way resolved.
#include <gtest/gtest.h>

#include <mr/registry/registry.hpp>

#include "cli_fixture.hpp"

namespace mr::registry {

namespace {

class RepoTable : public ::testing::Test {
protected:
  RepoTable() {
    fs::create_directories(home());
    fs::create_directories(proj() / "real");
  }
  fs::path home() const { return m_tmp.path() / "home"; }
  fs::path proj() const { return m_tmp.path() / "proj"; }
  fs::path file() const { return proj() / ".mrconfig.toml"; }

  Result<Registry> load_untrusted(const std::string& text, bool trust_all = false) {
    test::write_file(file(), text);
    return load({file(), home(), trust_all});
  }

  test::TempDir m_tmp;
};

} // namespace

TEST_F(RepoTable, AnUntrustedFileKeepsItsReposInsideItsDirectory) {
  fs::create_directory_symlink("real", proj() / "in");
  fs::create_directory_symlink("../home", proj() / "out");
  auto ok = load_untrusted("[repos.\"in/a\"]\n[repos.\"real/b\"]\n[repos.\"new/c\"]\n");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->repos.size(), 3u);
  EXPECT_EQ(ok->repos[0].path, proj() / "in/a"); // as written: what headers print
  EXPECT_EQ(ok->repos[0].confined_to, proj());
  EXPECT_EQ(ok->root_confined_to, proj());

  auto out = load_untrusted("[repos.ok]\n\n[repos.\"out/.ssh/x\"]\nurl = \"u\"\n");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            file().string() + ":3:8: repo path 'out/.ssh/x' resolves to " +
                (home() / ".ssh/x").string() + ", outside " + proj().string() +
                ", the directory of this untrusted registry file (list it in ~/.mrtrust or run "
                "with -t)");
}

TEST_F(RepoTable, ATrustedFileMayPointAnywhere) {
  fs::create_directory_symlink("../home", proj() / "out");
  auto r = load_untrusted("[repos.\"out/x\"]\n", /*trust_all=*/true);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->repos[0].confined_to);
  EXPECT_FALSE(r->root_confined_to);
}

TEST_F(RepoTable, AChainedFileIsConfinedToItsRepository) {
  const auto repo = home() / "src/evil";
  test::write_file(repo / ".mrconfig.toml", "[repos.\"up/x\"]\n");
  fs::create_directory_symlink("..", repo / "up");
  test::write_file(home() / ".mrconfig.toml", "[repos.\"src/evil\"]\nchain = true\n");
  auto r = load({home() / ".mrconfig.toml", home(), false});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind((repo / ".mrconfig.toml").string() +
                                        ":1:8: repo path 'up/x' resolves to " +
                                        (home() / "src/x").string() + ", outside " + repo.string(),
                                    0),
            0u)
      << r.error().message;
}

TEST_F(RepoTable, AMissingUntrustedRootIsConfinedToo) {
  auto r = load({proj() / "new.toml", home(), false});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->root_confined_to, proj());
  r = load({home() / ".mrconfig.toml", home(), false});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->root_confined_to);
}

} // namespace mr::registry
