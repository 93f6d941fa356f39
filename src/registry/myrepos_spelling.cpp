// myrepos' key names refused with mr's spelling, and $VAR in repository paths.
#include "myrepos_spelling.hpp"

#include <array>

namespace mr::registry {

namespace {

// The repository types myrepos prefixes its per-type commands with (`svn_update`), longest
// first so that `git_bare_log` is read as git_bare's, not git's.
constexpr std::array<std::string_view, 12> k_vcs_prefixes{
    "git_bare_", "vcsh_old_", "veracity_", "svn_alt_", "fossil_", "darcs_",
    "vcsh_",     "git_",      "svn_",      "bzr_",     "cvs_",    "hg_",
};

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() > tail.size() && s.substr(s.size() - tail.size()) == tail;
}

std::string where_commands_go(CommandTable table) {
  return table == CommandTable::global ? "in [commands]" : "in this repository's commands table";
}

// git_update -> "update"; a name of another type's -> "" with `vcs` set.
std::optional<std::string> per_type_command(std::string_view name, std::string& vcs) {
  for (const auto prefix : k_vcs_prefixes) {
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix) {
      vcs = std::string(prefix.substr(0, prefix.size() - 1));
      return std::string(name.substr(prefix.size()));
    }
  }
  return std::nullopt;
}

std::optional<std::string> per_type_message(std::string_view name, CommandTable table) {
  std::string vcs;
  const auto action = per_type_command(name, vcs);
  if (!action) {
    return std::nullopt;
  }
  const std::string quoted = "'" + std::string(name) + "'";
  if (vcs != "git" || *action == "test" || ends_with(*action, "trusted_checkout")) {
    return quoted + " is myrepos' way to support " + vcs +
           " repositories; mr manages git repositories only and needs none: leave it out";
  }
  return quoted + " is myrepos' spelling: write " + *action + " = ... " + where_commands_go(table);
}

} // namespace

std::optional<std::string> myrepos_command_name(std::string_view name, CommandTable table) {
  const std::string quoted = "'" + std::string(name) + "'";
  if (auto per_type = per_type_message(name, table)) {
    return per_type;
  }
  if (name == "skip" || name == "deleted" || name == "order" || name == "chain") {
    return quoted + " is a repository setting, not a command: write " + std::string(name) +
           " = ... in the repository's table, beside its url";
  }
  if (name == "lib") {
    return table == CommandTable::global
               ? quoted + " is a setting, not a command: write lib = ... in [settings] (every "
                          "repository) or in a repository's table"
               : quoted + " is a setting, not a command: write lib = ... in the repository's "
                          "table, beside its url";
  }
  if (name == "jobs") {
    return quoted + " is a setting, not a command: write jobs = N in [settings]";
  }
  if (name == "include") {
    return quoted + " is not a command: write include = [\"FILE\", ...] at the top of the file";
  }
  if (name == "fixups") {
    return quoted +
           " is myrepos' hook after checkout and update: write post_checkout = ... "
           "and post_update = ... " +
           where_commands_go(table);
  }
  for (const std::string_view tail : {"_append", "_prepend"}) {
    if (ends_with(name, tail)) {
      const auto action = name.substr(0, name.size() - tail.size());
      return quoted +
             " is myrepos' spelling, which mr does not have: write the whole command "
             "as " +
             std::string(action) + " = ... " + where_commands_go(table);
    }
  }
  if (ends_with(name, "_default")) {
    const auto action = name.substr(0, name.size() - std::string_view("_default").size());
    return quoted + " is myrepos' spelling: write " + std::string(action) +
           " = ... in [commands], which every repository without its own " + std::string(action) +
           " uses";
  }
  return std::nullopt;
}

std::optional<std::string> myrepos_repo_key(std::string_view name) {
  if (name == "checkout") {
    return "commands go in the repository's commands table (commands.checkout = ...); for a "
           "clone, url = ... is enough";
  }
  std::string vcs;
  if (const auto action = per_type_command(name, vcs)) {
    if (vcs == "git" && *action != "test") {
      return "'" + std::string(name) + "' is myrepos' spelling: write commands." + *action +
             " = ... in this table";
    }
    return "'" + std::string(name) + "' is myrepos' way to support " + vcs +
           " repositories; mr manages git repositories only: leave it out";
  }
  if (name == "lib" || name == "jobs" || name == "fixups" || ends_with(name, "_append") ||
      ends_with(name, "_prepend")) {
    return myrepos_command_name(name, CommandTable::repo);
  }
  return std::nullopt;
}

Result<std::string> expand_variables(std::string_view path,
                                     const std::function<const char*(const std::string&)>& lookup) {
  const auto name_char = [](char c, bool first) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (!first && c >= '0' && c <= '9');
  };
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '\\' && i + 1 < path.size() && path[i + 1] == '$') {
      out += '$'; // "\$": a '$' of the directory's own name, as in the shell's "..."
      i += 2;
      continue;
    }
    if (path[i] != '$') {
      out += path[i++];
      continue;
    }
    const bool braced = i + 1 < path.size() && path[i + 1] == '{';
    std::size_t start = i + (braced ? 2 : 1);
    std::size_t end = start;
    while (end < path.size() && name_char(path[end], end == start)) {
      ++end;
    }
    if (end == start || (braced && (end >= path.size() || path[end] != '}'))) {
      return fail("'$' must start a variable, $NAME or ${NAME}");
    }
    const std::string name(path.substr(start, end - start));
    const char* value = lookup(name);
    if (value == nullptr) {
      return fail("variable $" + name + " is not set (export it, or write the path out)");
    }
    out += value;
    i = end + (braced ? 1 : 0);
  }
  return out;
}

} // namespace mr::registry
