// Private to src/registry: what a user coming from myrepos writes that means something else
// (or nothing) in a TOML registry, and the variables myrepos expands in repository paths.
//
// myrepos keeps commands, repository settings and its per-VCS defaults in one namespace
// (`git_update`, `skip`, `lib`, `update_append`, ...). mr's registry spells each of them
// differently, so such a name in a commands table would define a command nobody runs; it
// is refused with the spelling to use instead.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <mr/util/result.hpp>

namespace mr::registry {

// Where a command name was found: [commands], or a repository's commands table.
enum class CommandTable { global, repo };

// The message for a command name only myrepos understands ("git_update is myrepos'
// spelling: write update = ... in [commands]"), or nullopt for an ordinary name.
std::optional<std::string> myrepos_command_name(std::string_view name, CommandTable table);

// The same for a key of a repository's table that is one of myrepos' command names
// (`update = ...` beside `url`): where it goes instead, or nullopt.
std::optional<std::string> myrepos_repo_key(std::string_view name);

// `path` with each $NAME and ${NAME} replaced by the variable's value from `lookup`
// (nullptr: unset), and "\$" by a '$'. The error names the variable: an unset one, or a
// '$' that starts no name. Nothing else of the shell's (no $(...), no quoting) is
// interpreted.
Result<std::string> expand_variables(std::string_view path,
                                     const std::function<const char*(const std::string&)>& lookup);

} // namespace mr::registry
