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

TEST(TextEdit, SetReplacesOnlyTheValue) {
  const std::string text =
      "# top\n[repos.a]   # keep me\nurl   =   \"old\"   # and me\ntags = []\n";
  auto r = set_value(text, k_file, {"repos", "a"}, "url", "\"new\"");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "# top\n[repos.a]   # keep me\nurl   =   \"new\"   # and me\ntags = []\n");
}

TEST(TextEdit, SetHandlesUnicodeBeforeTheValue) {
  const std::string text = "[repos.\"café\"]\nurl = \"ééé\"\n";
  auto r = set_value(text, k_file, {"repos", "café"}, "url", "\"x\"");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.\"café\"]\nurl = \"x\"\n");
}

TEST(TextEdit, SetAddsALineAfterTheTablesLastStatement) {
  auto r = set_value("[repos.a]\nbranch = \"main\"\n[repos.b]\n", k_file, {"repos", "b"}, "url",
                     "\"u\"");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.a]\nbranch = \"main\"\n[repos.b]\nurl = \"u\"\n");
  // Not into a multi-line string, nor among the comments and blank lines before the next
  // table.
  const std::string text = "[repos.a] # a\nlib = \"\"\"\n# x\"\"\" # lib\n\n# b\n[repos.b]\n";
  r = set_value(text, k_file, {"repos", "a"}, "order", "2");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.a] # a\nlib = \"\"\"\n# x\"\"\" # lib\norder = 2\n\n# b\n[repos.b]\n");
  r = set_value("[repos.a]", k_file, {"repos", "a"}, "url", "\"u\"");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.a]\nurl = \"u\"\n");
}

TEST(TextEdit, SetWorksOnInlineTables) {
  auto r =
      set_value("[repos]\na = { tags = [] }\nb = {}\n", k_file, {"repos", "a"}, "url", "\"u\"");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos]\na = { url = \"u\", tags = [] }\nb = {}\n");
  r = set_value(*r, k_file, {"repos", "b"}, "url", "\"v\"");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos]\na = { url = \"u\", tags = [] }\nb = { url = \"v\" }\n");
}

TEST(TextEdit, StringArrayAndSetTags) {
  EXPECT_EQ(append_repo("", "a", nullptr, {"work", "q\""}),
            "[repos.\"a\"]\ntags = [\"work\", \"q\\\"\"]\n");
  EXPECT_EQ(string_array({}), "[]");
  // An array over several lines is replaced whole; the comment after it stays.
  auto r = set_value("[repos.a]\ntags = [\n  \"x\",\n] # t\nurl = \"u\"\n", k_file, {"repos", "a"},
                     "tags", string_array({"x", "y"}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.a]\ntags = [\"x\", \"y\"] # t\nurl = \"u\"\n");
  r = set_value("[repos]\na = { url = \"u\" }\n", k_file, {"repos", "a"}, "tags",
                string_array({"t"}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos]\na = { tags = [\"t\"], url = \"u\" }\n");
}

TEST(TextEdit, SetAddsToATableWrittenWithDottedKeysUnderTheNearestHeader) {
  auto r = set_value("[repos]\na.branch = \"x\"\n", k_file, {"repos", "a"}, "url", "\"u\"");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos]\na.branch = \"x\"\na.url = \"u\"\n");
}

TEST(TextEdit, SetCreatesAMissingSubTableAsADottedKey) {
  const std::string text = "[repos.\"src/a\"] # mine\nurl = \"u\"\n\n[repos.b]\n";
  auto r = set_value(text, k_file, {"repos", "src/a", "commands"}, "test", "\"make\"");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.\"src/a\"] # mine\nurl = \"u\"\ncommands.test = \"make\"\n\n[repos.b]\n");
  // A sub-table with its own header gets the line after that header.
  r = set_value("[repos.a]\n[repos.a.commands]\nx = \"1\"\n", k_file, {"repos", "a", "commands"},
                "y.z", "\"2\"");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.a]\n[repos.a.commands]\nx = \"1\"\n\"y.z\" = \"2\"\n");
}

TEST(TextEdit, SetAddsAMissingTopLevelTableAtTheEnd) {
  auto r = set_value("# c\n[repos.a]\nurl = \"u\"", k_file, {"settings"}, "jobs", "4");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "# c\n[repos.a]\nurl = \"u\"\n\n[settings]\njobs = 4\n");
  r = set_value("", k_file, {"alias"}, "up", "\"update\"");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[alias]\nup = \"update\"\n");
  r = set_value("[settings]\n# why\njobs = 2 # two\n", k_file, {"settings"}, "jobs", "8");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[settings]\n# why\njobs = 8 # two\n");
}

TEST(TextEdit, SetRefusesAValueThatIsNotOneValue) {
  // What would change another key (or not parse) is refused, not written.
  auto r = set_value("[settings]\njobs = 2\n", k_file, {"settings"}, "jobs", "2\nlib = \"x\"");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("edit the file by hand"), std::string::npos)
      << r.error().message;
  r = set_value("[settings]\njobs = 2\n", k_file, {"settings"}, "jobs", "\"unterminated");
  ASSERT_FALSE(r);
}

TEST(TextEdit, RemoveTakesTheStatementLinesOnly) {
  const std::string text =
      "[repos.a]\n# the order\norder = 5 # five\ntags = [\n  \"x\",\n]\nurl = \"u\"\n";
  auto r = remove_value(text, k_file, {"repos", "a"}, "order");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.a]\n# the order\ntags = [\n  \"x\",\n]\nurl = \"u\"\n");
  r = remove_value(*r, k_file, {"repos", "a"}, "tags");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.a]\n# the order\nurl = \"u\"\n");
  // Not there: unchanged.
  r = remove_value(*r, k_file, {"repos", "a"}, "branch");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.a]\n# the order\nurl = \"u\"\n");
  r = remove_value(*r, k_file, {"settings"}, "jobs");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.a]\n# the order\nurl = \"u\"\n");
}

TEST(TextEdit, RemoveFromInlineTablesTakesOneComma) {
  const std::string text = "[repos]\na = { url = \"u\", order = 2, tags = [] } # c\n";
  auto r = remove_value(text, k_file, {"repos", "a"}, "url");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos]\na = { order = 2, tags = [] } # c\n");
  r = remove_value(*r, k_file, {"repos", "a"}, "tags");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos]\na = { order = 2 } # c\n");
  r = remove_value(*r, k_file, {"repos", "a"}, "order");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos]\na = {} # c\n");
}

TEST(TextEdit, RemoveTheLastDottedKeyOfATable) {
  auto r = remove_value("[repos.a]\ncommands.t = \"x\"\nurl = \"u\"\n", k_file,
                        {"repos", "a", "commands"}, "t");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "[repos.a]\nurl = \"u\"\n");
}

TEST(TextEdit, KeyText) {
  EXPECT_EQ(key_text("jobs"), "jobs");
  EXPECT_EQ(key_text("a-b_1"), "a-b_1");
  EXPECT_EQ(key_text("a.b"), "\"a.b\"");
  EXPECT_EQ(key_text("src/a"), "\"src/a\"");
  EXPECT_EQ(key_text(""), "\"\"");
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
