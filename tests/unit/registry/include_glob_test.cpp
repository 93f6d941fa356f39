#include <filesystem>
#include <stop_token>

#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "registry/include_glob.hpp"

namespace mr::registry {

namespace fs = std::filesystem;

namespace {

class IncludeGlob : public ::testing::Test {
protected:
  const fs::path& dir() const { return m_tmp.path(); }

  std::vector<std::string> expand(std::string_view pattern, std::size_t matches = 1000,
                                  std::size_t visits = 100000) {
    auto r = expand_include_glob(dir(), pattern, {matches, visits, {}});
    EXPECT_TRUE(r);
    std::vector<std::string> out;
    for (const auto& p : r.value_or(std::vector<fs::path>{})) {
      out.push_back(p.lexically_relative(dir()).string());
    }
    return out;
  }

  test::TempDir m_tmp;
};

using Names = std::vector<std::string>;

} // namespace

TEST_F(IncludeGlob, MatchesAsGlobDoes) {
  for (const char* f : {"c.d/b.toml", "c.d/a.toml", "c.d/.hidden.toml", "c.d/x.txt", "d/1.toml",
                        "e/2.toml", "f", "star*/s.toml"}) {
    test::write_file(dir() / f, "");
  }
  fs::create_directory_symlink("d", dir() / "l");
  EXPECT_EQ(expand("c.d/*.toml"), (Names{"c.d/a.toml", "c.d/b.toml"})); // sorted, no dot files
  EXPECT_EQ(expand("c.d/.*.toml"), (Names{"c.d/.hidden.toml"}));
  EXPECT_EQ(expand("c.d/[ab].toml"), (Names{"c.d/a.toml", "c.d/b.toml"}));
  EXPECT_EQ(expand("c.d/?.t*"), (Names{"c.d/a.toml", "c.d/b.toml", "c.d/x.txt"}));
  // Directories (and links to them) in the middle.
  EXPECT_EQ(expand("*/[0-9].toml"), (Names{"d/1.toml", "e/2.toml", "l/1.toml"}));
  EXPECT_EQ(expand("star\\*/*.toml"), (Names{"star*/s.toml"}));
  EXPECT_EQ(expand("nothere/*"), Names{});
  auto abs = expand_include_glob("/nowhere", (dir() / "d/*.toml").string(), {10, 100, {}});
  ASSERT_TRUE(abs);
  EXPECT_EQ(*abs, std::vector<fs::path>{dir() / "d/1.toml"});
}

TEST_F(IncludeGlob, StopsAtEachLimitAndWhenAskedTo) {
  fs::create_directories(dir() / "d");
  for (const char* name : {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}) {
    fs::create_directory_symlink(".", dir() / "d" / name);
  }
  // Ten to the power of ten paths, none of them matching: stops at the visit limit, at once.
  auto r = expand_include_glob(dir(), "d/*/*/*/*/*/*/*/*/*/z*", {1000, 100000, {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, GlobFailure::Kind::too_many_visits);
  r = expand_include_glob(dir(), "d/*/*", {99, 100000, {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, GlobFailure::Kind::too_many_matches);
  EXPECT_TRUE(expand_include_glob(dir(), "d/*/*", {100, 100000, {}}));
  std::stop_source stop;
  stop.request_stop();
  r = expand_include_glob(dir(), "d/*", {100, 100000, stop.get_token()});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, GlobFailure::Kind::interrupted);
}

} // namespace mr::registry
