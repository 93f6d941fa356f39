// Private to src/registry: myrepos' registry files (INI) read line by line exactly as
// myrepos' own reader (loadconfig) reads them, for `mr import`.
//
// - A line whose first non-blank character is '#' is a comment; blank lines are nothing.
//   There are no comments at the end of a line: a '#' there belongs to the value.
// - "[NAME]" (trailing blanks allowed) starts a section; "KEY = VALUE" (KEY of letters,
//   digits and '_', from the first column) is a setting. Each following line that starts
//   with a blank and has something after it continues the value: "\n" and the line
//   without its first blank are appended. Anything else is a parse error naming
//   FILE:LINE.
// - A file that is not trusted may hold only what myrepos lets such a file hold (plain
//   relative sections, a checkout matching a trusted checkout template, order, and
//   settings whose value is exactly true or false); anything else is refused with
//   myrepos' words.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::registry::myrepos {

struct IniEntry {
  enum class Kind { comment, section, setting };
  Kind kind = Kind::comment;
  std::uint32_t line = 0; // 1-based: where the entry starts
  std::string raw;        // its first line as written (a comment: the whole line)
  std::string name;       // a section's name, a setting's key
  std::string value;      // a setting's value, continuation lines joined as myrepos joins them
};

struct IniFile {
  std::filesystem::path path;
  std::vector<IniEntry> entries; // in file order; blank lines left out
};

// Parses `text` read from `file`. An error is "FILE:LINE: WHAT".
Result<IniFile> parse_ini(std::string_view text, const std::filesystem::path& file);

// myrepos' rule for a section name in an untrusted file: letters, digits, "-_.+/", no
// "..", not absolute.
bool is_trusted_repo(std::string_view section);

// Whether `command` matches one of myrepos' trusted checkout templates ("git clone $url
// $repo", "hg clone $url $repo", ...), word by word, as myrepos checks it.
bool is_trusted_checkout(std::string_view command);

// Applies myrepos' rules for a file that is not trusted: the first violation is an error
// in myrepos' words, "illegal setting "K=V" in untrusted FILE line N (...)".
Result<void> check_untrusted(const IniFile& file);

// Perl's \s: the characters myrepos' patterns take for blanks.
bool is_perl_space(char c);

} // namespace mr::registry::myrepos
