#include <gtest/gtest.h>

#include <mr/registry/trust.hpp>

#include "cli_fixture.hpp"

namespace mr::registry {

TEST(TrustList, TheHomeRegistryIsAlwaysTrusted) {
  test::TempDir tmp;
  auto list = TrustList::read(tmp.path());
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->trusts(tmp.path() / ".mrconfig.toml"));
  EXPECT_FALSE(list->trusts(tmp.path() / "other.toml"));
}

TEST(TrustList, ListedFilesAreTrustedWhereverTheirDirectoryIsReached) {
  test::TempDir tmp;
  const auto home = tmp.path();
  test::write_file(home / "work/.mrconfig.toml", "");
  std::filesystem::create_symlink(home / "work", home / "w");
  test::write_file(home / ".mrtrust", "  # comment\n~/work/.mrconfig.toml\n\n/abs/x.toml\n");
  auto list = TrustList::read(home);
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->trusts(home / "work/.mrconfig.toml"));
  EXPECT_TRUE(list->trusts(home / "w/.mrconfig.toml"));
  EXPECT_TRUE(list->trusts("/abs/x.toml"));
  EXPECT_FALSE(list->trusts(home / "x.toml"));
}

TEST(TrustList, ALinkToATrustedFileIsTrustedOnlyInThatFilesDirectory) {
  test::TempDir tmp;
  const auto home = tmp.path();
  test::write_file(home / ".mrconfig.toml", "");
  test::write_file(home / "work/w.toml", "");
  test::write_file(home / ".mrtrust", "~/work/w.toml\n");
  std::filesystem::create_directories(home / "proj");
  std::filesystem::create_symlink("../.mrconfig.toml", home / "proj/.mrconfig.toml");
  std::filesystem::create_symlink("../work/w.toml", home / "proj/w.toml");
  std::filesystem::create_symlink("w.toml", home / "work/.mrconfig.toml");
  auto list = TrustList::read(home);
  ASSERT_TRUE(list);
  EXPECT_FALSE(list->trusts(home / "proj/.mrconfig.toml"));
  EXPECT_FALSE(list->trusts(home / "proj/w.toml"));
  EXPECT_TRUE(list->trusts(home / "work/.mrconfig.toml")); // beside its target
  EXPECT_EQ(list->listed_target(home / "proj/w.toml"), home / "work/w.toml");
  EXPECT_EQ(list->listed_target(home / "proj/.mrconfig.toml"), home / ".mrconfig.toml");
  EXPECT_EQ(list->listed_target(home / "other.toml"), std::nullopt);
}

} // namespace mr::registry
