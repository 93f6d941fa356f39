// Small string helpers shared by every layer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mr::util {

std::string_view trim(std::string_view s);
std::vector<std::string_view> split_lines(std::string_view text); // keeps no '\n'
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// `s` with ASCII letters in lower case (git's case-insensitive names and values; no locale).
std::string ascii_lower(std::string_view s);

// `s` without the '/'s that end it, but "/" stays "/".
std::string without_trailing_slashes(std::string s);

// If `s` starts with `prefix`, removes it from `s` and says true; else leaves `s` alone.
// (Instead of starts_with() followed by a count that must match the literal.)
bool consume_prefix(std::string_view& s, std::string_view prefix);

// Parses a non-negative decimal integer that fits in `unsigned long`; the whole string must
// be digits. Used for option values, where "8x" must not quietly mean 8.
bool parse_unsigned(std::string_view s, unsigned long& out);

// strerror(errno) as a std::string, thread-safe.
std::string errno_text(int err);

// "it's" -> 'it'\''s': safe to paste into /bin/sh.
std::string shell_quote(std::string_view s);

// RFC 4648 base64; without `pad`, no trailing '=' (as ssh prints SHA256 fingerprints).
std::string base64(std::string_view bytes, bool pad = true);

} // namespace mr::util
