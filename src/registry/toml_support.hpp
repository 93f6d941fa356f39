// Private to src/registry: toml++ parsing with mr's error format, and the helpers that the
// loader and the text editor share.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include <mr/util/result.hpp>

namespace mr::registry::toml_support {

// Parses `text`; a syntax error becomes "FILE:LINE:COL: what toml++ said".
Result<toml::table> parse(std::string_view text, const std::filesystem::path& file);

// Does `text`, which is not a registry mr can load, read as a myrepos registry (INI)? Its
// first line that is not blank or a comment is myrepos' [DEFAULT], a [section] naming a
// directory TOML could not take as a table ([src/a]), or myrepos' `include = COMMAND`; or
// it is a [section] that is not one of mr's own tables and one of the `key = value` lines
// after it has a plain-text value (`checkout = git clone ...`). A file that starts with
// one of mr's tables ([repos...], [settings], ...) or another key is never one.
bool looks_like_myrepos(std::string_view text);

// The members of `table` in the order they appear in the file (toml++ iterates in key
// order), so the first problem in the file is the one reported.
std::vector<std::pair<const toml::key*, const toml::node*>>
in_source_order(const toml::table& table);

// "FILE:LINE:COL" of the start of `where`.
std::string location(const std::filesystem::path& file, const toml::source_region& where);

// "a string", "an integer", ... for error messages.
std::string type_name(const toml::node& node);

// Command and alias names: a letter or digit, then letters, digits, '_', '-', '.'.
bool valid_action_name(std::string_view name);

// util::has_control_character: a byte below 0x20 or DEL, a C1 control (U+0080-U+009F: U+009B starts
// an escape sequence on some terminals) or a bidirectional override (U+202A-U+202E, U+2066-U+2069,
// which reorder what a terminal shows): refused in repository paths, which mr prints.
bool has_control_character(std::string_view s);

// Is one component of `path` git's own directory (".git", in any case)? A repository path
// through one would let a registry plant a git directory, with its config, where git looks.
bool names_git_directory(std::string_view path);

// `s` as a TOML basic string, quotes included.
std::string quote(std::string_view s);

} // namespace mr::registry::toml_support
