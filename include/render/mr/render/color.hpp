// When output is coloured (--color): "auto" colours only a terminal, and never
// when NO_COLOR is set (https://no-color.org) or TERM is "dumb".
#pragma once

#include <string>
#include <string_view>

namespace mr::render {

enum class ColorWhen { automatic, always, never };

bool use_color(ColorWhen when, int fd);

// Can `fd` show a live line redrawn in place (a terminal, and not TERM=dumb)?
bool can_redraw(int fd);

namespace ansi {
inline constexpr std::string_view reset = "\033[0m";
inline constexpr std::string_view bold = "\033[1m";
inline constexpr std::string_view dim = "\033[2m";
inline constexpr std::string_view red = "\033[31m";
inline constexpr std::string_view green = "\033[32m";
inline constexpr std::string_view yellow = "\033[33m";
inline constexpr std::string_view cyan = "\033[36m";
inline constexpr std::string_view bold_red = "\033[1;31m";
inline constexpr std::string_view bold_yellow = "\033[1;33m";
inline constexpr std::string_view erase_to_eol = "\033[K"; // after "\r": the line is blank
} // namespace ansi

// `text` in `color` (one of ansi::) when `enabled`, else as it is.
std::string paint(std::string_view text, std::string_view color, bool enabled);

} // namespace mr::render
