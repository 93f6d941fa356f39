#include <gtest/gtest.h>

#include <mr/registry/edit.hpp>

#include "cli_fixture.hpp"

namespace mr::registry {

namespace {

class RegistryEdit : public ::testing::Test {
protected:
  RegistryEdit() { fs::create_directories(home()); }
  fs::path home() const { return m_tmp.path() / "home"; }
  fs::path root_file() const { return home() / ".mrconfig.toml"; }
  LoadOptions options() const { return {root_file(), home(), false}; }
  util::Place place(const fs::path& p) const {
    fs::create_directories(p);
    return {p, util::physical(p)};
  }
  Result<EditOutcome> add(const fs::path& p, std::optional<std::string> url) {
    return register_repo({options(), place(p), std::move(url)});
  }

  test::TempDir m_tmp;
};

} // namespace

TEST_F(RegistryEdit, RegisterCreatesTheFileAndAppends) {
  auto r = add(home() / "src/a", "u1");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, EditKind::added);
  EXPECT_EQ(r->file, root_file());
  ASSERT_TRUE(add(home() / "src/b", std::nullopt));
  EXPECT_EQ(test::read_file(root_file()), "[repos.\"src/a\"]\nurl = \"u1\"\n\n[repos.\"src/b\"]\n");
}

TEST_F(RegistryEdit, ReRegisteringUpdatesInPlaceAndNeverDuplicates) {
  test::write_file(root_file(),
                   "# my repos\n[repos.\"src/a\"] # first\nurl = \"old\"\ntags = [\"w\"]\n");
  auto r = add(home() / "src/a", "new");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, EditKind::updated);
  EXPECT_EQ(test::read_file(root_file()),
            "# my repos\n[repos.\"src/a\"] # first\nurl = \"new\"\ntags = [\"w\"]\n");
  r = add(home() / "src/a", "new");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, EditKind::unchanged);
  r = add(home() / "src/a", std::nullopt);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, EditKind::unchanged);
}

TEST_F(RegistryEdit, ReRegisteringUpdatesTheIncludedFileThatDefinesTheRepo) {
  test::write_file(home() / "more.toml", "[repos.x]\nurl = \"old\"\n");
  test::write_file(root_file(), "include = \"more.toml\"\n");
  auto r = add(home() / "x", "new");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->file, home() / "more.toml");
  EXPECT_EQ(test::read_file(home() / "more.toml"), "[repos.x]\nurl = \"new\"\n");
  EXPECT_EQ(test::read_file(root_file()), "include = \"more.toml\"\n");
}

TEST_F(RegistryEdit, KeysAreRelativeTildeOrAbsolute) {
  const auto outside = m_tmp.path() / "elsewhere/r";
  EXPECT_EQ(key_for({home() / "a/b", home() / "a/b"}, root_file(), home()), "a/b");
  EXPECT_EQ(key_for({home(), home()}, root_file(), home()), ".");
  EXPECT_EQ(key_for({home() / "x", home() / "x"}, home() / "cfg/r.toml", home()), "~/x");
  EXPECT_EQ(key_for({outside, outside}, root_file(), home()), outside.string());
}

TEST_F(RegistryEdit, ADollarInADirectoryNameIsRecordedSoItIsNotReadAsAVariable) {
  // Repository paths expand $NAME; a '$' of the name itself is written "\$".
  EXPECT_EQ(key_for({home() / "a$b", home() / "a$b"}, root_file(), home()), "a\\$b");
  const auto outside = m_tmp.path() / "x$HOME";
  EXPECT_EQ(key_for({outside, outside}, home() / "cfg/r.toml", home()),
            (m_tmp.path() / "x\\$HOME").string());
  ASSERT_TRUE(add(home() / "src/$HOME", "u"));
  ASSERT_TRUE(add(home() / "src/a\\$b", "u")); // a backslash of its own, then a '$'
  auto r = load(options());
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->repos.size(), 2u);
  EXPECT_EQ(r->repos[0].path, home() / "src/$HOME");
  EXPECT_EQ(r->repos[1].path, home() / "src/a\\$b");
  ASSERT_TRUE(add(home() / "src/$HOME", "u")); // found again, not added twice
  EXPECT_EQ(load(options())->repos.size(), 2u);
}

TEST_F(RegistryEdit, ABrokenRegistryIsNeverWritten) {
  const std::string broken = "[repos.a]\nurl = \n";
  test::write_file(root_file(), broken);
  EXPECT_FALSE(add(home() / "b", "u"));
  EXPECT_FALSE(unregister_repo(options(), place(home() / "a")));
  EXPECT_EQ(test::read_file(root_file()), broken);
}

TEST_F(RegistryEdit, UnregisterRemovesTheTable) {
  ASSERT_TRUE(add(home() / "a", "1"));
  ASSERT_TRUE(add(home() / "b", "2"));
  auto r = unregister_repo(options(), place(home() / "a/deep/inside"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, EditKind::removed);
  EXPECT_EQ(r->repo, home() / "a");
  EXPECT_EQ(test::read_file(root_file()), "[repos.\"b\"]\nurl = \"2\"\n");
  auto missing = unregister_repo(options(), place(m_tmp.path() / "nowhere"));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("is not registered in"), std::string::npos);
}

TEST_F(RegistryEdit, AnEditThatWouldNotParseIsRefused) {
  // [repos.x] cannot be appended after an inline `repos = {...}`.
  const std::string inline_repos = "repos = { a = {} }\n";
  test::write_file(root_file(), inline_repos);
  auto r = add(home() / "b", "u");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("would not parse"), std::string::npos);
  EXPECT_EQ(test::read_file(root_file()), inline_repos);
}

TEST_F(RegistryEdit, PathsThatAreNotUtf8AreRefusedNotMangled) {
  auto r = add(home() / "bad\xff", "u");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not valid UTF-8"), std::string::npos);
  EXPECT_FALSE(fs::exists(root_file()));
}

} // namespace mr::registry
