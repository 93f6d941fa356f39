// Double-quoted string literals that are valid both as JSON strings and as TOML basic
// strings: the two formats share their escapes (\" \\ \b \t \n \f \r \uXXXX).
#pragma once

#include <string>
#include <string_view>

namespace mr::util {

bool is_valid_utf8(std::string_view s);

// A byte below 0x20 or DEL, a C1 control (U+0080-U+009F: U+009B starts an escape sequence
// on some terminals) or a bidirectional override (U+202A-U+202E, U+2066-U+2069, which
// reorder what a terminal shows): what must not reach a terminal unescaped.
bool has_control_character(std::string_view s);

// `s` quoted and escaped; invalid UTF-8 becomes U+FFFD (check is_valid_utf8 first where
// that would lose information). Every control character is escaped (\uXXXX), the C1 ones
// (U+0085) and the bidirectional overrides and isolates (U+202E) too, so a quoted string
// printed in a message cannot hide or reorder what follows it.
std::string quote_string(std::string_view s);

// Text from a file or a repository (a name, a path, a url) as a message shows it: as it is,
// or quote_string()'d when it holds a control character, which must not reach a terminal.
std::string shown(std::string_view s);

// The same for text of several lines (a command's shell code): a newline or a tab does not
// make it quoted, any other control character does.
std::string shown_lines(std::string_view s);

} // namespace mr::util
