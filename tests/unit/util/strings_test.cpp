#include <gtest/gtest.h>

#include <mr/util/strings.hpp>

namespace mr::util {

TEST(Strings, TrimRemovesSurroundingWhitespaceOnly) {
  EXPECT_EQ(trim("  a b \t\n"), "a b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \t "), "");
}

TEST(Strings, SplitLinesDropsTheNewlinesAndAFinalEmptyLine) {
  EXPECT_EQ(split_lines("a\nb\n"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(split_lines("a\n\nb"), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_TRUE(split_lines("").empty());
}

TEST(Strings, ParseUnsignedAcceptsOnlyWholeDecimalNumbers) {
  unsigned long n = 99;
  EXPECT_TRUE(parse_unsigned("0", n));
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(parse_unsigned("4096", n));
  EXPECT_EQ(n, 4096u);
  EXPECT_FALSE(parse_unsigned("", n));
  EXPECT_FALSE(parse_unsigned("8x", n));
  EXPECT_FALSE(parse_unsigned("-1", n));
  EXPECT_FALSE(parse_unsigned(" 1", n));
  EXPECT_FALSE(parse_unsigned("99999999999999999999999", n));
}

TEST(Strings, ShellQuoteSurvivesSingleQuotes) {
  EXPECT_EQ(shell_quote("plain"), "'plain'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(Strings, JoinPutsTheSeparatorBetweenParts) {
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(join({}, ", "), "");
}

TEST(Strings, AsciiLowerLeavesOtherBytesAlone) {
  EXPECT_EQ(ascii_lower("HTTPS://Example.ORG"), "https://example.org");
  EXPECT_EQ(ascii_lower(".GiT"), ".git");
  EXPECT_EQ(ascii_lower("\xc3\x89T\xc3\xa9"), "\xc3\x89t\xc3\xa9"); // UTF-8 untouched
}

TEST(Strings, WithoutTrailingSlashesKeepsTheRoot) {
  EXPECT_EQ(without_trailing_slashes("/a/b//"), "/a/b");
  EXPECT_EQ(without_trailing_slashes("/"), "/");
  EXPECT_EQ(without_trailing_slashes("///"), "/");
  EXPECT_EQ(without_trailing_slashes("a"), "a");
}

TEST(Strings, ConsumePrefixOnlyWhenItIsThere) {
  std::string_view s = "--untracked-files=no";
  EXPECT_FALSE(consume_prefix(s, "-u"));
  EXPECT_EQ(s, "--untracked-files=no");
  EXPECT_TRUE(consume_prefix(s, "--untracked-files="));
  EXPECT_EQ(s, "no");
  EXPECT_TRUE(consume_prefix(s, ""));
  EXPECT_EQ(s, "no");
}

} // namespace mr::util

TEST(Strings, Base64AsRfc4648) {
  // RFC 4648 section 10 test vectors.
  EXPECT_EQ(mr::util::base64(""), "");
  EXPECT_EQ(mr::util::base64("f"), "Zg==");
  EXPECT_EQ(mr::util::base64("fo"), "Zm8=");
  EXPECT_EQ(mr::util::base64("foo"), "Zm9v");
  EXPECT_EQ(mr::util::base64("foob"), "Zm9vYg==");
  EXPECT_EQ(mr::util::base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(mr::util::base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(mr::util::base64("fo", false), "Zm8");
  EXPECT_EQ(mr::util::base64(std::string("\xff\xfe\x00", 3)), "//4A");
}
