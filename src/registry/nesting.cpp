#include "nesting.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mr::registry {

namespace {

class NestingScan {
public:
  NestingScan(std::string_view text, std::size_t limit) : m_text(text), m_limit(limit) {}

  // True when the text stays within the limit; else line() and column() say where not.
  bool run() {
    while (!at_end()) {
      if (!step()) {
        return false;
      }
    }
    return true;
  }

  std::uint32_t line() const { return m_line; }
  std::uint32_t column() const { return m_column; }

private:
  enum class Mode { line_start, key, value };
  struct Frame {
    char kind;             // '[' array or '{' inline table
    std::size_t key_parts; // parts of the dotted key being read inside an inline table
  };

  bool at_end() const { return m_pos >= m_text.size(); }
  char peek(std::size_t ahead = 0) const {
    return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
  }

  void advance() {
    const char c = m_text[m_pos++];
    if (c == '\n') {
      ++m_line;
      m_column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++m_column; // columns count code points, as toml++'s do
    }
  }

  std::size_t depth() const {
    std::size_t d = m_header_depth + m_key_parts;
    for (const auto& f : m_frames) {
      d += 1 + f.key_parts;
    }
    return d;
  }

  std::size_t& key_parts() { return m_frames.empty() ? m_key_parts : m_frames.back().key_parts; }

  bool step() {
    const char c = peek();
    if (c == '#') {
      while (!at_end() && peek() != '\n') {
        advance();
      }
      return true;
    }
    if (c == '\n') {
      if (m_frames.empty()) { // a newline inside an array does not end the statement
        m_mode = Mode::line_start;
        m_key_parts = 0;
      }
      advance();
      return true;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      advance();
      return true;
    }
    if (c == '"' || c == '\'') {
      skip_string(c);
      return true;
    }
    switch (m_mode) {
    case Mode::line_start:
      if (c == '[') {
        return header();
      }
      m_mode = Mode::key;
      m_key_parts = 1;
      return depth() <= m_limit;
    case Mode::key:
      return key_char(c);
    case Mode::value:
      return value_char(c);
    }
    return true;
  }

  bool key_char(char c) {
    if (c == '.') {
      ++key_parts();
      if (depth() > m_limit) {
        return false;
      }
    } else if (c == '=') {
      m_mode = Mode::value;
    } else if (c == '}' && !m_frames.empty()) {
      m_frames.pop_back(); // an empty inline table
      m_mode = Mode::value;
    }
    advance();
    return true;
  }

  bool value_char(char c) {
    if (c == '[' || c == '{') {
      m_frames.push_back({c, c == '{' ? std::size_t{1} : std::size_t{0}});
      m_mode = c == '{' ? Mode::key : Mode::value;
      if (depth() > m_limit) {
        return false;
      }
    } else if ((c == ']' || c == '}') && !m_frames.empty()) {
      m_frames.pop_back();
    } else if (c == ',' && !m_frames.empty() && m_frames.back().kind == '{') {
      m_frames.back().key_parts = 1;
      m_mode = Mode::key;
    }
    advance();
    return true;
  }

  // "[a.b.c]" or "[[a.b]]": the header's parts are the depth of what follows.
  bool header() {
    advance();
    std::size_t parts = 1;
    if (peek() == '[') {
      ++parts; // an array of tables is one level more
      advance();
    }
    while (!at_end() && peek() != '\n' && peek() != ']') {
      const char c = peek();
      if (c == '"' || c == '\'') {
        skip_string(c);
        continue;
      }
      if (c == '.' && ++parts > m_limit) {
        return false;
      }
      advance();
    }
    m_header_depth = parts;
    m_mode = Mode::value; // nothing but a comment may follow on this line
    while (peek() == ']') {
      advance();
    }
    return true;
  }

  void skip_string(char quote) {
    const bool escapes = quote == '"';
    if (peek(1) == quote && peek(2) == quote) {
      for (int i = 0; i < 3; ++i) {
        advance();
      }
      while (!at_end()) {
        if (escapes && peek() == '\\') {
          advance();
          if (!at_end()) {
            advance();
          }
        } else if (peek() == quote && peek(1) == quote && peek(2) == quote) {
          for (int i = 0; i < 3; ++i) {
            advance();
          }
          for (int i = 0; i < 2 && peek() == quote; ++i) {
            advance(); // up to two quotes may end the content just inside the delimiter
          }
          return;
        } else {
          advance();
        }
      }
      return;
    }
    advance();
    while (!at_end() && peek() != '\n') {
      const char c = peek();
      advance();
      if (escapes && c == '\\') {
        if (!at_end() && peek() != '\n') {
          advance();
        }
      } else if (c == quote) {
        return;
      }
    }
  }

  std::string_view m_text;
  std::size_t m_limit;
  std::size_t m_pos = 0;
  std::uint32_t m_line = 1;
  std::uint32_t m_column = 1;
  Mode m_mode = Mode::line_start;
  std::size_t m_header_depth = 0;
  std::size_t m_key_parts = 0;
  std::vector<Frame> m_frames;
};

} // namespace

Result<void> check_nesting(std::string_view text, const std::filesystem::path& file,
                           std::size_t limit) {
  NestingScan scan(text, limit);
  if (scan.run()) {
    return {};
  }
  return fail(file.string() + ":" + std::to_string(scan.line()) + ":" +
              std::to_string(scan.column()) + ": nested more than " + std::to_string(limit) +
              " levels deep (tables, dotted keys, arrays and inline tables together); mr "
              "refuses such a file");
}

} // namespace mr::registry
