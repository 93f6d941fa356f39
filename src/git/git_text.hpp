// Private to src/git: the small rules of git's own presentation that more than one of
// git's outputs (status, log lines, diff, diffstat) follow. mr's own colours are render/'s;
// these are git's bytes, reproduced exactly.
#pragma once

#include <string>
#include <string_view>

namespace mr::git {

// What git prints after a coloured piece (GIT_COLOR_RESET).
inline constexpr std::string_view k_reset = "\033[m";

// As git's color_fprintf(): `text` in `color` then the reset; an empty colour (git's
// "normal"), or colour off, prints the text alone.
inline std::string paint(std::string_view text, std::string_view color, bool enabled) {
  if (!enabled || color.empty()) {
    return std::string(text);
  }
  std::string out;
  out.reserve(color.size() + text.size() + k_reset.size());
  out.append(color).append(text).append(k_reset);
  return out;
}

// Does git's quote_c_style() quote a name for byte `c`? Control bytes, '"', '\\', DEL,
// and bytes of 0x80 and above when core.quotePath is on (`quote_high`).
inline bool must_quote(unsigned char c, bool quote_high) {
  return c < 0x20 || c == '"' || c == '\\' || c == 0x7f || (c >= 0x80 && quote_high);
}

} // namespace mr::git
