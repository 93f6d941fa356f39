#include <cstdint>
#include <cstdio>

#include <mr/util/quote.hpp>

namespace mr::util {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (c < 0x80) {
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  // Reject overlong forms, surrogates and values beyond Unicode.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return 0;
  }
  return len;
}

// Is the valid UTF-8 sequence `seq` a character that moves or hides text on a terminal: a
// C1 control (U+0080..U+009F, such as U+0085) or a bidirectional embedding, override or
// isolate (U+202A..U+202E, U+2066..U+2069)? Its code point when it is, else 0.
std::uint32_t invisible_control(std::string_view seq) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(seq[k]); };
  if (seq.size() == 2 && b(0) == 0xC2 && b(1) <= 0x9F) {
    return b(1);
  }
  if (seq.size() == 3 && b(0) == 0xE2 &&
      ((b(1) == 0x80 && b(2) >= 0xAA && b(2) <= 0xAE) ||
       (b(1) == 0x81 && b(2) >= 0xA6 && b(2) <= 0xA9))) {
    return 0x2000U | ((b(1) & 0x3FU) << 6) | (b(2) & 0x3FU);
  }
  return 0;
}

} // namespace

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto len = utf8_sequence(s, i);
    if (len == 0) {
      return false;
    }
    i += len;
  }
  return true;
}

bool has_control_character(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (byte(i) < 0x20 || byte(i) == 0x7f) {
      return true;
    }
    if (byte(i) == 0xc2 && i + 1 < s.size() && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9f) {
      return true; // C1
    }
    if (byte(i) == 0xe2 && i + 2 < s.size() &&
        ((byte(i + 1) == 0x80 && byte(i + 2) >= 0xaa && byte(i + 2) <= 0xae) ||
         (byte(i + 1) == 0x81 && byte(i + 2) >= 0xa6 && byte(i + 2) <= 0xa9))) {
      return true; // bidirectional embedding, override or isolate
    }
  }
  return false;
}

std::string quote_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const auto len = utf8_sequence(s, i);
      if (len == 0) {
        out += "\xEF\xBF\xBD"; // U+FFFD
        ++i;
      } else if (const auto cp = invisible_control(s.substr(i, len)); cp != 0) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
        out += buf;
        i += len;
      } else {
        out.append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    default:
      if (u < 0x20 || u == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", u);
        out += buf;
      } else {
        out += c;
      }
    }
    ++i;
  }
  out += '"';
  return out;
}

std::string shown(std::string_view s) {
  return has_control_character(s) ? quote_string(s) : std::string(s);
}

std::string shown_lines(std::string_view s) {
  std::string rest(s);
  std::erase_if(rest, [](char c) { return c == '\n' || c == '\t'; });
  return has_control_character(rest) ? quote_string(s) : std::string(s);
}

} // namespace mr::util
