// Private to src/git: git's colour values (`color.status.added = "blue bold"`,
// `color.diff.meta`, `color.decorate.branch`, ...) turned into the escape sequence git
// prints for them, byte for byte as git's own parser does: [reset] [foreground
// [background]] [attribute]..., where a colour is a name (black, red, green, yellow, blue,
// magenta, cyan, white, each also "bright..."), "normal", "default", a number from -1 to
// 255 or #RRGGBB, and an attribute is bold, dim, italic, ul, blink, reverse or strike,
// each negated by a "no" or "no-" prefix.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "repository.hpp"

namespace mr::git {

// The escape sequence ("\033[1;34m" for "blue bold"; "" for "normal" or an empty value),
// or nullopt when git would reject the value (git then fails; mr keeps the default).
std::optional<std::string> parse_color_spec(std::string_view value);

// Whether git colours its output, from a colour setting (`color.ui`, `color.status`,
// `color.diff`): "always" yes, "never" (or false) no, anything else (auto, true, unset)
// as mr decided for its own output.
bool git_colors(const std::optional<std::string>& setting, bool mr_decision);

// A command's colour setting as git reads it: `name` ("color.status", "color.diff"), else
// color.ui; nullopt when neither is set.
std::optional<std::string> color_setting(const Config& config, const char* name);

} // namespace mr::git
