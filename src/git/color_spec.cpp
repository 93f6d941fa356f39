#include "color_spec.hpp"

#include <array>
#include <charconv>
#include <strings.h>
#include <vector>

#include <mr/util/strings.hpp>

namespace mr::git {

namespace {

// One colour as git parses it: unspecified, "normal" (prints nothing), an ANSI code
// (30-37, 39, 90-97 as a foreground), a 256-colour index or 24-bit RGB.
struct Color {
  enum class Kind { unspecified, normal, ansi, index256, rgb } kind = Kind::unspecified;
  int value = 0; // ansi: the foreground code; index256: 0-255
  int r = 0, g = 0, b = 0;

  bool empty() const { return kind == Kind::unspecified || kind == Kind::normal; }

  std::string output(bool background) const {
    switch (kind) {
    case Kind::ansi:
      return std::to_string(value + (background ? 10 : 0));
    case Kind::index256:
      return std::string(background ? "48" : "38") + ";5;" + std::to_string(value);
    case Kind::rgb:
      return std::string(background ? "48" : "38") + ";2;" + std::to_string(r) + ";" +
             std::to_string(g) + ";" + std::to_string(b);
    default:
      return {};
    }
  }
};

bool word_is(std::string_view word, std::string_view name) {
  return word.size() == name.size() && ::strncasecmp(word.data(), name.data(), word.size()) == 0;
}

std::optional<int> hex_pair(std::string_view two) {
  int v = 0;
  const auto [end, ec] = std::from_chars(two.data(), two.data() + two.size(), v, 16);
  if (ec != std::errc{} || end != two.data() + two.size()) {
    return std::nullopt;
  }
  return v;
}

std::optional<Color> parse_color(std::string_view word) {
  static constexpr std::array<std::string_view, 8> k_names = {"black", "red",     "green", "yellow",
                                                              "blue",  "magenta", "cyan",  "white"};
  Color c;
  if (word.empty()) {
    return std::nullopt;
  }
  if (word_is(word, "normal")) {
    c.kind = Color::Kind::normal;
    return c;
  }
  if (word_is(word, "default")) {
    c.kind = Color::Kind::ansi;
    c.value = 39;
    return c;
  }
  if (word.size() == 7 && word[0] == '#') {
    const auto r = hex_pair(word.substr(1, 2));
    const auto g = hex_pair(word.substr(3, 2));
    const auto b = hex_pair(word.substr(5, 2));
    if (!r || !g || !b) {
      return std::nullopt;
    }
    c.kind = Color::Kind::rgb;
    c.r = *r;
    c.g = *g;
    c.b = *b;
    return c;
  }
  int base = 30;
  std::string_view name = word;
  if (name.size() > 6 && ::strncasecmp(name.data(), "bright", 6) == 0) {
    name.remove_prefix(6);
    base = 90;
  }
  for (std::size_t i = 0; i < k_names.size(); ++i) {
    if (word_is(name, k_names[i])) {
      c.kind = Color::Kind::ansi;
      c.value = base + static_cast<int>(i);
      return c;
    }
  }
  int n = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
  if (ec != std::errc{} || end != word.data() + word.size() || n < -1 || n > 255) {
    return std::nullopt;
  }
  if (n == -1) {
    c.kind = Color::Kind::normal;
  } else if (n < 8) {
    c.kind = Color::Kind::ansi;
    c.value = 30 + n;
  } else if (n < 16) {
    c.kind = Color::Kind::ansi;
    c.value = 90 + n - 8;
  } else {
    c.kind = Color::Kind::index256;
    c.value = n;
  }
  return c;
}

// An attribute's SGR code (1 bold ... 9 strike; negated: 22 ... 29), or nullopt.
std::optional<int> parse_attribute(std::string_view word) {
  struct Attr {
    std::string_view name;
    int on, off;
  };
  static constexpr std::array<Attr, 7> k_attrs = {{{"bold", 1, 22},
                                                   {"dim", 2, 22},
                                                   {"italic", 3, 23},
                                                   {"ul", 4, 24},
                                                   {"blink", 5, 25},
                                                   {"reverse", 7, 27},
                                                   {"strike", 9, 29}}};
  bool negate = false;
  if (util::consume_prefix(word, "no")) {
    util::consume_prefix(word, "-");
    negate = true;
  }
  for (const auto& a : k_attrs) {
    if (word == a.name) {
      return negate ? a.off : a.on;
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> parse_color_spec(std::string_view value) {
  bool reset = false;
  Color fg;
  Color bg;
  unsigned long attributes = 0; // bit N: SGR code N (as git keeps them, printed in order)
  std::size_t at = 0;
  while (at < value.size()) {
    while (at < value.size() && (value[at] == ' ' || value[at] == '\t' || value[at] == '\n')) {
      ++at;
    }
    if (at == value.size()) {
      break;
    }
    std::size_t end = at;
    while (end < value.size() && value[end] != ' ' && value[end] != '\t' && value[end] != '\n') {
      ++end;
    }
    const std::string_view word = value.substr(at, end - at);
    at = end;
    if (word_is(word, "reset")) {
      reset = true;
    } else if (const auto c = parse_color(word)) {
      if (fg.kind == Color::Kind::unspecified) {
        fg = *c;
      } else if (bg.kind == Color::Kind::unspecified) {
        bg = *c;
      } else {
        return std::nullopt;
      }
    } else if (const auto a = parse_attribute(word)) {
      attributes |= 1UL << *a;
    } else {
      return std::nullopt;
    }
  }
  if (!reset && attributes == 0 && fg.empty() && bg.empty()) {
    return std::string();
  }
  std::string out = "\033[";
  bool first = !reset; // after "reset", every part is preceded by ';' (git: "\033[;1m")
  const auto part = [&](const std::string& p) {
    if (!first) {
      out += ';';
    }
    first = false;
    out += p;
  };
  for (int code = 0; code < 32; ++code) {
    if ((attributes & (1UL << code)) != 0) {
      part(std::to_string(code));
    }
  }
  if (!fg.empty()) {
    part(fg.output(false));
  }
  if (!bg.empty()) {
    part(bg.output(true));
  }
  return out + "m";
}

bool git_colors(const std::optional<std::string>& setting, bool mr_decision) {
  if (!setting) {
    return mr_decision;
  }
  const std::string& s = *setting;
  if (word_is(s, "always")) {
    return true;
  }
  if (word_is(s, "never") || word_is(s, "false") || word_is(s, "no") || word_is(s, "off") ||
      s == "0") {
    return false;
  }
  return mr_decision;
}

std::optional<std::string> color_setting(const Config& config, const char* name) {
  auto value = config.string(name);
  return value ? value : config.string("color.ui");
}

} // namespace mr::git
