#include <gtest/gtest.h>

#include <mr/render/json.hpp>

namespace mr::render {

TEST(Json, QuotesAndEscapes) {
  EXPECT_EQ(json_quote("a\"b\\c\nd\te"), R"("a\"b\\c\nd\te")");
  EXPECT_EQ(json_quote(std::string_view("\x01", 1)), R"("\u0001")");
  EXPECT_EQ(json_quote("café ✓"), "\"café ✓\"");
}

TEST(Json, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(json_quote("a\xff"
                       "b"),
            "\"a\xEF\xBF\xBD"
            "b\"");
  EXPECT_EQ(json_quote("\xC3"), "\"\xEF\xBF\xBD\"");                 // truncated sequence
  EXPECT_EQ(json_quote("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\""); // overlong
}

TEST(Json, ObjectsKeepInsertionOrder) {
  JsonObject o;
  o.add("b", 1).add("a", "x").add("t", true).add("n", std::vector<std::string>{"p", "q"});
  o.add_null("z").add("d", 2.5).add("i", 10.0);
  EXPECT_EQ(o.str(), R"({"b":1,"a":"x","t":true,"n":["p","q"],"z":null,"d":2.5,"i":10})");
  JsonObject p;
  p.add("k", std::size_t{3});
  o.append(p);
  EXPECT_EQ(o.str(), R"({"b":1,"a":"x","t":true,"n":["p","q"],"z":null,"d":2.5,"i":10,"k":3})");
  EXPECT_EQ(JsonObject().append(p).str(), R"({"k":3})");
}

TEST(Json, AStringStreamedInPiecesEqualsTheWholeQuoted) {
  // Every split point, including inside multi-byte sequences and around invalid bytes.
  const std::string text = "a\"\xC3\xA9\xE2\x9C\x93\xF0\x9F\x98\x80\xff\xC3\n\x01z\xE2\x9C";
  const std::string whole = json_quote(text);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    for (std::size_t cut2 = cut; cut2 <= text.size(); ++cut2) {
      JsonStringStream s;
      std::string out = "\"";
      out += s.feed(std::string_view(text).substr(0, cut));
      out += s.feed(std::string_view(text).substr(cut, cut2 - cut));
      out += s.feed(std::string_view(text).substr(cut2));
      out += s.finish() + "\"";
      ASSERT_EQ(out, whole) << cut << " " << cut2;
    }
  }
}

} // namespace mr::render
