// Private to src/registry: edits of a registry file's text that change one repository's
// table and leave every other byte (comments, layout, key order) as the user wrote it.
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

// Sets (or adds) the url of repo KEY. Errors name FILE when the table's layout does not
// allow a safe edit.
Result<std::string> set_repo_url(std::string_view text, const std::filesystem::path& file,
                                 std::string_view key, std::string_view url);

// Sets (or adds) the tags of repo KEY, as set_repo_url sets its url.
Result<std::string> set_repo_tags(std::string_view text, const std::filesystem::path& file,
                                  std::string_view key, const std::vector<std::string>& tags);

// Removes repo KEY: its table and sub-tables, the comment lines directly above them, and
// one of the blank lines that separated it from its neighbours.
Result<std::string> remove_repo(std::string_view text, const std::filesystem::path& file,
                                std::string_view key);

} // namespace mr::registry::text_edit
