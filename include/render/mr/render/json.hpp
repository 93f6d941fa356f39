// A small writer for the one-line JSON objects of --json (NDJSON). Keys keep insertion
// order so the output is stable; strings are escaped and made valid UTF-8.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mr::render {

class JsonObject {
public:
  JsonObject& add(std::string_view key, std::string_view value);
  JsonObject& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  JsonObject& add(std::string_view key, std::int64_t value);
  JsonObject& add(std::string_view key, int value) { return add(key, std::int64_t{value}); }
  JsonObject& add(std::string_view key, std::size_t value);
  JsonObject& add(std::string_view key, double value);
  JsonObject& add(std::string_view key, bool value);
  JsonObject& add(std::string_view key, const std::vector<std::string>& values);
  JsonObject& add_null(std::string_view key);
  JsonObject& add_raw(std::string_view key, std::string_view json); // a nested, already-valid value
  JsonObject& append(const JsonObject& other);                      // all of other's members

  bool empty() const { return m_body.empty(); }
  std::string str() const { return "{" + m_body + "}"; }
  // The members without the braces: "\"a\":1,\"b\":2".
  const std::string& body() const { return m_body; }

private:
  void key(std::string_view k);
  std::string m_body;
};

// `s` as a JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD.
std::string json_quote(std::string_view s);

// The inside of a JSON string literal (no quotes) for text that arrives in pieces: the
// concatenation of what feed() and finish() return equals json_quote() of the whole text
// without its quotes, even when a piece ends inside a UTF-8 sequence.
class JsonStringStream {
public:
  std::string feed(std::string_view piece);
  std::string finish();

private:
  std::string m_carry; // the start of a UTF-8 sequence cut by the end of the last piece
};

} // namespace mr::render
