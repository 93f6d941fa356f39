// Private to src/registry: edits of a registry file's text that change one repository's
// table, or one value of any table, and leave every other byte (comments, layout, key
// order) as the user wrote it.
// toml++ re-serialises without comments, so edits are textual, guided by the source
// regions toml++ records for each node.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::registry::text_edit {

// Appends "\n[repos.KEY]\nurl = URL\nbranch = BRANCH\ntags = [...]\n" (the url, branch
// and tags lines only when given), first adding a missing final newline; to an empty text,
// without the blank line.
std::string append_repo(std::string_view text, std::string_view key, const std::string* url,
                        const std::vector<std::string>& tags = {},
                        const std::string* branch = nullptr);

// A table of the document, by its keys from the top: {"settings"}, {"repos", "src/a"},
// {"repos", "src/a", "commands"}.
using TablePath = std::vector<std::string>;

// `strings` as a TOML array of basic strings: ["a", "b"].
std::string string_array(const std::vector<std::string>& strings);

// `key` as a TOML key: bare when it can be ([A-Za-z0-9_-]+), else quoted.
std::string key_text(std::string_view key);

// Sets KEY of TABLE to VALUE, a TOML value as it is to be written ("\"x\"", "5", "[\"a\"]").
// An existing value's text is replaced, and nothing else (the comment after it stays). A
// missing key is added on its own line after the last statement under the header of TABLE
// or, when TABLE has none (it is missing, or written with dotted keys), of its nearest
// enclosing table that has one, as a dotted key; inside the braces of an inline table; or, when no
// table on the way has a header, as a new [TABLE] at the end. The result is checked: it must parse
// and hold exactly what `text` held, but for that one value; else an error naming FILE.
Result<std::string> set_value(std::string_view text, const std::filesystem::path& file,
                              const TablePath& table, std::string_view key, std::string_view value);

// Removes KEY from TABLE: the lines of its statement (a comment on them goes too; comment
// lines above it stay), or, in an inline table, the key, its value and one comma. `text`
// is returned unchanged when the key is not there. Checked as set_value.
Result<std::string> remove_value(std::string_view text, const std::filesystem::path& file,
                                 const TablePath& table, std::string_view key);

// Removes repo KEY: its table and sub-tables, the comment lines directly above them, and
// one of the blank lines that separated it from its neighbours.
Result<std::string> remove_repo(std::string_view text, const std::filesystem::path& file,
                                std::string_view key);

} // namespace mr::registry::text_edit
