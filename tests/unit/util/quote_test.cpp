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

} // namespace mr::util
