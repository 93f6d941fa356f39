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

// register_new_repos: many requests for one root file.
class RegisterMany : public RegistryEdit {
protected:
  RegisterRequest request(const fs::path& p, std::optional<std::string> url,
                          std::optional<std::string> branch = std::nullopt) {
    return {options(), place(p), std::move(url), {"t"}, std::move(branch)};
  }
};

TEST_F(RegisterMany, AddsTheNewOnesInOneWriteAndLeavesTheOthers) {
  const std::string mine = "# mine\n[repos.\"src/a\"]\nurl = \"old\"\n";
  test::write_file(root_file(), mine);
  const auto result = register_new_repos({request(home() / "src/a", "new", "main"),
                                          request(home() / "src/b", "ub", "main"),
                                          request(home() / "src/c", std::nullopt)});
  EXPECT_TRUE(result.file_errors.empty());
  ASSERT_EQ(result.outcomes.size(), 3u);
  ASSERT_TRUE(result.outcomes[0] && result.outcomes[1] && result.outcomes[2]);
  EXPECT_EQ(result.outcomes[0]->kind, EditKind::unchanged);
  EXPECT_EQ(result.outcomes[1]->kind, EditKind::added);
  EXPECT_EQ(result.outcomes[1]->tags, std::vector<std::string>{"t"});
  EXPECT_EQ(result.outcomes[2]->kind, EditKind::added);
  EXPECT_EQ(test::read_file(root_file()),
            mine + "\n[repos.\"src/b\"]\nurl = \"ub\"\nbranch = \"main\"\ntags = [\"t\"]\n\n"
                   "[repos.\"src/c\"]\ntags = [\"t\"]\n");
}

TEST_F(RegisterMany, ARequestTheFileCannotHoldFailsAlone) {
  const auto result = register_new_repos(
      {request(home() / "a", "u"), request(home() / "b\nc", "u"), request(home() / "d", "u")});
  ASSERT_EQ(result.outcomes.size(), 3u);
  EXPECT_TRUE(result.outcomes[0]);
  ASSERT_FALSE(result.outcomes[1]);
  EXPECT_NE(result.outcomes[1].error().message.find("control character"), std::string::npos);
  EXPECT_TRUE(result.outcomes[2]);
  EXPECT_TRUE(result.file_errors.empty());
  EXPECT_EQ(
      test::read_file(root_file()),
      "[repos.\"a\"]\nurl = \"u\"\ntags = [\"t\"]\n\n[repos.\"d\"]\nurl = \"u\"\ntags = [\"t\"]\n");
}

TEST_F(RegisterMany, AFileThatDoesNotLoadFailsEveryRequestOnceAndStaysAsItWas) {
  const std::string bad = "[repos.a]\nbogus = 1\n";
  test::write_file(root_file(), bad);
  const auto result = register_new_repos({request(home() / "b", "u"), request(home() / "c", "u")});
  ASSERT_EQ(result.file_errors.size(), 1u);
  EXPECT_FALSE(result.outcomes[0]);
  EXPECT_FALSE(result.outcomes[1]);
  EXPECT_EQ(test::read_file(root_file()), bad);
}

TEST_F(RegisterMany, TheSameDirectoryTwiceIsAddedOnce) {
  fs::create_directories(home() / "real");
  fs::create_directory_symlink(home() / "real", home() / "link");
  const auto result =
      register_new_repos({request(home() / "real", "u"), request(home() / "link", "u")});
  ASSERT_TRUE(result.outcomes[0] && result.outcomes[1]);
  EXPECT_EQ(result.outcomes[0]->kind, EditKind::added);
  EXPECT_EQ(result.outcomes[1]->kind, EditKind::unchanged);
  EXPECT_EQ(test::read_file(root_file()), "[repos.\"real\"]\nurl = \"u\"\ntags = [\"t\"]\n");
}

TEST_F(RegisterMany, ADryRunAnswersAndWritesNothing) {
  const auto result = register_new_repos({request(home() / "a", "u")}, /*dry_run=*/true);
  ASSERT_TRUE(result.outcomes[0]);
  EXPECT_EQ(result.outcomes[0]->kind, EditKind::added);
  EXPECT_FALSE(fs::exists(root_file()));
}

TEST_F(RegisterMany, AStopBeforeTheWriteWritesNothing) {
  std::stop_source stop;
  stop.request_stop();
  auto req = request(home() / "a", "u");
  req.load.stop = stop.get_token();
  const auto result = register_new_repos({req});
  ASSERT_EQ(result.file_errors.size(), 1u);
  EXPECT_TRUE(result.file_errors[0].cancelled());
  EXPECT_FALSE(fs::exists(root_file()));
}

} // namespace mr::registry
