#include <string>

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "registry/nesting.hpp"

namespace mr::registry {

namespace {

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += s;
  }
  return out;
}

// The error for `text`, or "" when it passes.
std::string refusal(const std::string& text, std::size_t limit = 64) {
  auto r = check_nesting(text, "f.toml", limit);
  return r ? "" : r.error().message;
}

} // namespace

TEST(Nesting, OrdinaryRegistriesPass) {
  const std::string text = R"(# a comment with [[[ { and "quotes
include = ["~/.config/mr/*.toml"]
[settings]
timeout = "5m"
[commands]
weird = """ ]]]] {{{{ "" \""" a.b.c """
raw = ''' [[[[ '''' 
[repos."src/a.b.c"]
url = 'https://x/[a].git'
tags = ["a", "b",
        "c"]
order = 1.5
[repos."src/a.b.c".commands]
x.y = "z"
point = { x = 1, y = [1, [2, [3]]], z = {} }
[[array.of.tables]]
d = 1979-05-27T07:32:00Z
)";
  ASSERT_NO_THROW((void)toml::parse(text)) << "the sample must be valid TOML";
  EXPECT_EQ(refusal(text), "");
  // Its deepest point: [repos."src/a.b.c".commands] point.y[1][1], nine levels.
  EXPECT_EQ(refusal(text, 9), "");
  EXPECT_EQ(refusal(text, 8).rfind("f.toml:15:30: nested more than 8 levels deep", 0), 0u);
}

TEST(Nesting, CountsEveryKindOfLevelTogether) {
  EXPECT_EQ(refusal("[a.b]\nc.d = 1\n", 4), "");
  EXPECT_NE(refusal("[a.b]\nc.d.e = 1\n", 4), "");
  EXPECT_EQ(refusal("a = [[1]]\n", 3), "");
  EXPECT_NE(refusal("a = [[[1]]]\n", 3), "");
  EXPECT_EQ(refusal("a = {b = {c = 1}}\n", 5), "");
  EXPECT_NE(refusal("a = {b = {c.d = 1}}\n", 5), "");
  EXPECT_EQ(refusal("[[a.b]]\n", 3), "");
  EXPECT_NE(refusal("[[a.b.c]]\n", 3), "");
}

TEST(Nesting, FiftyThousandLevelsOfEachKindAreRefusedWithTheirPlace) {
  const std::size_t n = 50'000;
  const std::pair<std::string, std::string> cases[] = {
      {"[" + repeat("a.", n) + "a]\n", "f.toml:1:129: "},
      {"x = " + repeat("[", n) + "\n", "f.toml:1:68: "},
      {"x = " + repeat("{a=", n) + "\n", "f.toml:1:98: "},
      {repeat("a.", n) + "a = 1\n", "f.toml:1:128: "},
      {"\n\n[[" + repeat("a.", n) + "a]]\n", "f.toml:3:128: "},
  };
  for (const auto& [text, where] : cases) {
    const auto msg = refusal(text);
    EXPECT_EQ(msg.rfind(where + "nested more than 64 levels deep", 0), 0u) << msg;
  }
}

TEST(Nesting, StringsAndCommentsDoNotCount) {
  EXPECT_EQ(refusal("x = \"" + repeat("[", 1000) + "\"\n# " + repeat("{", 1000) + "\n"), "");
  EXPECT_EQ(refusal("x = '''\n" + repeat("[", 1000) + "\n'''\n"), "");
  EXPECT_EQ(refusal("[\"" + repeat("a.", 1000) + "\"]\n"), "");
}

} // namespace mr::registry
