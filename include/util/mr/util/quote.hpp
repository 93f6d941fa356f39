// Double-quoted string literals that are valid both as JSON strings and as TOML basic
// strings: the two formats share their escapes (\" \\ \b \t \n \f \r \uXXXX).
#pragma once

#include <string>
#include <string_view>

namespace mr::util {

bool is_valid_utf8(std::string_view s);

// `s` quoted and escaped; invalid UTF-8 becomes U+FFFD (check is_valid_utf8 first where
// that would lose information).
std::string quote_string(std::string_view s);

} // namespace mr::util
