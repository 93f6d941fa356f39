#include <gtest/gtest.h>

#include "registry/text_edit.hpp"

namespace mr::registry::text_edit {

namespace {
const std::filesystem::path k_file = "/h/.mrconfig.toml";

std::string removed(std::string_view text, std::string_view key) {
  auto r = remove_repo(text, k_file, key);
  if (!r) {
    ADD_FAILURE() << r.error().message;
    return {};
  }
  return *r;
}
} // namespace

TEST(TextEdit, AppendAddsATableAfterABlankLineButANewFileStartsWithIt) {
  const std::string url = "https://x/y.git";
  EXPECT_EQ(append_repo("", "src/a", &url), "[repos.\"src/a\"]\nurl = \"https://x/y.git\"\n");
  EXPECT_EQ(append_repo("# mine", "b", nullptr), "# mine\n\n[repos.\"b\"]\n");
}

TEST(TextEdit, AppendQuotesAwkwardNames) {
  EXPECT_EQ(append_repo("", "it's \"q\" \\ é", nullptr), "[repos.\"it's \\\"q\\\" \\\\ é\"]\n");
}

TEST(TextEdit, SetUrlReplacesOnlyTheValue) {
  const std::string text =
      "# top\n[repos.a]   # keep me\nurl   =   \"old\"   # and me\ntags = []\n";
  auto r = set_repo_url(text, k_file, "a", "new");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "# top\n[repos.a]   # keep me\nurl   =   \"new\"   # and me\ntags = []\n");
}

TEST(TextEdit, SetUrlHandlesUnicodeBeforeTheValue) {
  const std::string text = "[repos.\"café\"]\nurl = \"ééé\"\n";
  auto r = set_repo_url(text, k_file, "café", "x");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "[repos.\"café\"]\nurl = \"x\"\n");
}

TEST(TextEdit, SetUrlAddsALineAfterTheHeader) {
  auto r = set_repo_url("[repos.a]\nbranch = \"main\"\n[repos.b]\n", k_file, "b", "u");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "[repos.a]\nbranch = \"main\"\n[repos.b]\nurl = \"u\"\n");
  r = set_repo_url("[repos.a]", k_file, "a", "u");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "[repos.a]\nurl = \"u\"\n");
}

TEST(TextEdit, SetUrlWorksOnInlineTables) {
  auto r = set_repo_url("[repos]\na = { tags = [] }\nb = {}\n", k_file, "a", "u");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "[repos]\na = { url = \"u\", tags = [] }\nb = {}\n");
  r = set_repo_url(*r, k_file, "b", "v");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "[repos]\na = { url = \"u\", tags = [] }\nb = { url = \"v\" }\n");
}

TEST(TextEdit, AppendAndSetTags) {
  EXPECT_EQ(append_repo("", "a", nullptr, {"work", "q\""}),
            "[repos.\"a\"]\ntags = [\"work\", \"q\\\"\"]\n");
  // An array over several lines is replaced whole; the comment after it stays.
  auto r =
      set_repo_tags("[repos.a]\ntags = [\n  \"x\",\n] # t\nurl = \"u\"\n", k_file, "a", {"x", "y"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.a]\ntags = [\"x\", \"y\"] # t\nurl = \"u\"\n");
  r = set_repo_tags("[repos]\na = { url = \"u\" }\n", k_file, "a", {"t"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos]\na = { tags = [\"t\"], url = \"u\" }\n");
}

TEST(TextEdit, SetUrlRefusesDottedKeys) {
  auto r = set_repo_url("[repos]\na.branch = \"x\"\n", k_file, "a", "u");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("dotted keys"), std::string::npos);
}

TEST(TextEdit, RemoveTakesTheTableAndOneSeparator) {
  const std::string text =
      "\n[repos.a]\nurl = \"1\"\n\n[repos.b]\nurl = \"2\"\n\n[repos.c]\nurl = \"3\"\n";
  EXPECT_EQ(removed(text, "b"), "\n[repos.a]\nurl = \"1\"\n\n[repos.c]\nurl = \"3\"\n");
  EXPECT_EQ(removed(text, "c"), "\n[repos.a]\nurl = \"1\"\n\n[repos.b]\nurl = \"2\"\n");
  EXPECT_EQ(removed(text, "a"), "\n[repos.b]\nurl = \"2\"\n\n[repos.c]\nurl = \"3\"\n");
}

TEST(TextEdit, RemoveKeepsCommentsThatBelongToOtherTables) {
  const std::string text =
      "# header comment\n\n# about a\n[repos.a]\nurl = \"1\" # inline\n# about b\n[repos.b]\n";
  EXPECT_EQ(removed(text, "a"), "# header comment\n\n# about b\n[repos.b]\n");
  EXPECT_EQ(removed(text, "b"), "# header comment\n\n# about a\n[repos.a]\nurl = \"1\" # inline\n");
}

TEST(TextEdit, RemoveTakesSubTablesEvenWhenSeparated) {
  const std::string text =
      "[repos.a]\nurl = \"1\"\n[repos.b]\n[repos.a.commands]\nx = \"y\"\n[settings]\njobs = 2\n";
  EXPECT_EQ(removed(text, "a"), "[repos.b]\n[settings]\njobs = 2\n");
}

TEST(TextEdit, RemoveIgnoresHeaderLookalikesInsideMultilineStrings) {
  const std::string text =
      "[repos.a.commands]\nx = \"\"\"\n[repos.b]\n\"\"\"\n[repos.c]\nurl = \"3\"\n";
  EXPECT_EQ(removed(text, "a"), "[repos.c]\nurl = \"3\"\n");
}

TEST(TextEdit, RemoveInlineTableLine) {
  EXPECT_EQ(removed("[repos]\na = { url = \"1\" }\nb = { url = \"2\" } # two\n", "b"),
            "[repos]\na = { url = \"1\" }\n");
}

TEST(TextEdit, RemoveRefusesWhatItCannotCutCleanly) {
  EXPECT_FALSE(remove_repo("[repos]\na.url = \"1\"\n", k_file, "a"));
  EXPECT_FALSE(remove_repo("[repos]\na = { url = \"1\" }\n", k_file, "zzz"));
}

} // namespace mr::registry::text_edit
