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

TEST(TrustList, ListedFilesAndSymlinksToThemAreTrusted) {
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

} // namespace mr::registry
