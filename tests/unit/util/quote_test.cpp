#include <gtest/gtest.h>

#include <mr/util/quote.hpp>

namespace mr::util {

TEST(Quote, ValidUtf8) {
  EXPECT_TRUE(is_valid_utf8("plain café ✓ 日本 🎉"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80")); // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xe2\x9c"));     // truncated
}

TEST(Quote, EscapesWhatJsonAndTomlBothRequire) {
  EXPECT_EQ(quote_string("a\"b\\c\n\t\x7f"), "\"a\\\"b\\\\c\\n\\t\\u007f\"");
}

TEST(Quote, EscapesInvisibleUnicodeControls) {
  // U+0085 (NEL), U+202E (right-to-left override), U+2066 (isolate); the characters beside
  // them (U+00A0, U+202F, U+2065) are printable and stay as they are.
  EXPECT_EQ(quote_string("a\u0085b\u202Ec\u2066d"), "\"a\\u0085b\\u202ec\\u2066d\"");
  EXPECT_EQ(quote_string("\u00A0\u202F\u2065 \u00e9"), "\"\u00A0\u202F\u2065 \u00e9\"");
}

} // namespace mr::util
