#include <algorithm>
#include <array>
#include <set>

#include <mr/cmd/command_table.hpp>
#include <mr/cmd/exit.hpp>
#include <mr/util/quote.hpp>
#include <mr/util/strings.hpp>

#include "actions.hpp"
#include "manual.hpp"

namespace mr::cmd {

namespace {

// Shell defaults, as myrepos defines them for git (its built-in git actions),
// except that committing nothing is not a failure. git always runs, so --amend,
// --allow-empty and a bad option do what git does; only git's own "nothing to commit"
// (exit 1 with no change against HEAD) becomes a success, and commit then does not push.
constexpr std::string_view k_commit =
    "git commit -a \"$@\" && { git push --all; exit; }\n"
    "s=$?\n"
    "[ \"$s\" -eq 1 ] && git diff-index --quiet HEAD -- 2>/dev/null && exit 0\n"
    "exit \"$s\"";
constexpr std::string_view k_record =
    "git commit -a \"$@\" && exit 0\n"
    "s=$?\n"
    "[ \"$s\" -eq 1 ] && git diff-index --quiet HEAD -- 2>/dev/null && exit 0\n"
    "exit \"$s\"";
constexpr std::string_view k_clean =
    "if [ \"x$1\" = x-f ]; then shift; git clean -dx --force \"$@\"; "
    "else git clean -dx --dry-run \"$@\"; fi";

// myrepos' definitions of the actions mr implements in process: what runs instead when the
// arguments are git options mr does not implement (ArgsRoute::git).
constexpr std::string_view k_git_status =
    "git status -s \"$@\" || true; "
    "git --no-pager log --branches --not --remotes --simplify-by-decoration --decorate --oneline "
    "|| true; "
    "git --no-pager stash list";

constexpr std::array k_builtins{
    CommandInfo{.name = "list",
                .summary = "print the header line of each selected repository",
                .repo = &repo_list,
                .check_args = &check_list_args,
                .fields = &list_fields,
                .needs_directory = false},
    CommandInfo{.name = "register",
                .synopsis = "[DIR]",
                .summary = "add the repository at DIR (default: here) to the registry",
                .kind = Kind::registry,
                .run = &run_register,
                .creates_registry = true,
                .uses_git = true},
    CommandInfo{.name = "unregister",
                .synopsis = "[DIR]",
                .summary = "remove the repository at DIR (default: here) from the registry",
                .kind = Kind::registry,
                .run = &run_unregister,
                .uses_git = true,
                .mr_only = true},
    CommandInfo{.name = "import",
                .synopsis = "[FILE] [-o OUT] [--force] [--dry-run] [--run-includes]",
                .summary = "convert a myrepos registry (default ~/.mrconfig) to mr's TOML",
                .kind = Kind::registry,
                .run = &run_import,
                .creates_registry = true,
                .reads_registry = false,
                .mr_only = true},
    CommandInfo{.name = "config",
                .synopsis = "REPO [KEY[=VALUE]...]",
                .summary = "print or change registry values of REPO (a path, or DEFAULT)",
                .kind = Kind::registry,
                .run = &run_config,
                .min_args = 1},
    CommandInfo{.name = "discover",
                .synopsis = "[--dry-run] [--nested] [--bare] [-g TAG]... [DIR]",
                .summary = "register every git repository below DIR (default: here)",
                .kind = Kind::registry,
                .run = &run_discover,
                .creates_registry = true,
                .uses_git = true,
                .mr_only = true},
    CommandInfo{.name = "run",
                .synopsis = "CMD [ARGS...]",
                .summary = "run a command in every repository",
                .repo = &repo_run,
                .min_args = 1},
    CommandInfo{.name = "status",
                .synopsis = "[-uMODE | GIT-STATUS-ARGS...]",
                .summary = "changes, unpushed branches and stashes, as myrepos (git status -s)",
                .repo = &repo_status,
                .check_args = &check_status_args,
                .git_shell = k_git_status,
                .uses_git = true},
    CommandInfo{.name = "summary",
                .synopsis = "[--dirty]",
                .summary = "one line per repository: branch, upstream, changes (ll)",
                .repo = &repo_summary,
                .check_args = &check_summary_args,
                .uses_git = true,
                .table = true,
                .mr_only = true},
    CommandInfo{.name = "diff",
                .synopsis = "[--cached | REV] [--stat] [-- PATHS] | [GIT-DIFF-ARGS...]",
                .summary = "git diff's output, never through a pager",
                .repo = &repo_diff,
                .check_args = &check_diff_args,
                .git_shell = "git diff \"$@\"",
                .uses_git = true},
    CommandInfo{.name = "update",
                .synopsis = "[GIT-PULL-ARGS...]",
                .summary = "fetch, then fast-forward only; local work is never touched",
                .repo = &repo_update,
                .check_args = &check_update_args,
                .git_shell = "git pull \"$@\"",
                .uses_git = true,
                .when_missing = "checkout"},
    CommandInfo{.name = "fetch",
                .synopsis = "[GIT-FETCH-ARGS...]",
                .summary = "fetch every remote (prune; tags)",
                .repo = &repo_fetch,
                .check_args = &check_fetch_args,
                .git_shell = "git fetch --all --prune --tags \"$@\"",
                .uses_git = true},
    CommandInfo{.name = "checkout",
                .summary = "clone the repositories that are missing (co)",
                .repo = &repo_checkout,
                .check_args = &check_no_args,
                .needs_directory = false,
                .uses_git = true,
                .clones = true},
    CommandInfo{.name = "commit",
                .synopsis = "[ARGS...]",
                .summary = "git commit -a, then git push --all (ci)",
                .shell = k_commit},
    CommandInfo{
        .name = "record", .synopsis = "[ARGS...]", .summary = "git commit -a", .shell = k_record},
    CommandInfo{
        .name = "push", .synopsis = "[ARGS...]", .summary = "git push", .shell = "git push \"$@\""},
    CommandInfo{
        .name = "log", .synopsis = "[ARGS...]", .summary = "git log", .shell = "git log \"$@\""},
    CommandInfo{.name = "grep",
                .synopsis = "PATTERN",
                .summary = "git grep; never fails",
                .shell = "git grep \"$@\" || true"},
    CommandInfo{.name = "clean",
                .synopsis = "[-f]",
                .summary = "git clean -dx: show what would go; -f removes it",
                .shell = k_clean},
};

// `mr help ACTION`: each built-in's own arguments and options, a line each. A table of its
// own beside k_builtins (an action without one takes no arguments).
constexpr std::array<std::pair<std::string_view, std::string_view>, 17> k_action_help{{
    {"import", "  FILE            the myrepos registry (default: ~/.mrconfig), with what it\n"
               "                  includes and chains\n"
               "  -o, --output OUT  the TOML registry to write (default: -c FILE, else FILE.toml)\n"
               "  --force         replace files that exist\n"
               "  --dry-run       print what would be written; write nothing\n"
               "  --run-includes  run includes and chain predicates that need a shell\n"},
    {"register", "  DIR  the repository (default: the current directory)\n"},
    {"discover",
     "  DIR        where to look (default: the current directory); symbolic links\n"
     "             below it are not followed\n"
     "  --dry-run  list PATH URL BRANCH of each repository it would add (- when none; a\n"
     "             field with a space, a quote or a control character quoted); write nothing\n"
     "  --nested   also look inside the repositories found (submodules, nested clones)\n"
     "  --bare     also register bare repositories (which actions refuse)\n"
     "  -g, --tag TAG  tag each repository added (repeatable; with mr's own -g, both)\n"},
    {"unregister", "  DIR  the repository (default: the current directory)\n"},
    {"config", "  REPO         a registered repository's path, or DEFAULT for [settings],\n"
               "               [commands] and [alias]\n"
               "  KEY          print its value (not set: exit status 1)\n"
               "  KEY=VALUE    set it, in the file that defines it\n"
               "  KEY=         remove it\n"
               "  (no KEY)     print the whole table\n"},
    {"run", "  CMD [ARGS...]  the program to run in each repository, with its arguments\n"
            "                 (no shell: mr run sh -c '...' for one)\n"},
    {"status", "  -u, --untracked-files[=MODE]  untracked files: no, normal or all (bare: all)\n"
               "  -s, --short                   the short format (the only one, as myrepos)\n"
               "  other options of git status   run git status -s with them, as myrepos\n"},
    {"summary", "  --dirty  only the repositories that need attention\n"},
    {"diff", "  --cached, --staged  the staged changes instead of the unstaged ones\n"
             "  REV                 the changes since REV\n"
             "  --stat              a diffstat instead of the diff\n"
             "  -- PATHS            only these paths\n"
             "  other options of git diff  run git diff with them, as myrepos\n"},
    {"update", "  (none)              fetch, then fast-forward only, in process\n"
               "  options of git pull run git pull with them, as myrepos\n"},
    {"fetch", "  (none)               every remote, pruning, with tags, in process\n"
              "  options of git fetch run git fetch --all --prune --tags with them\n"},
    {"commit", "  ARGS  passed to git commit (-m MESSAGE: no editor)\n"},
    {"record", "  ARGS  passed to git commit (-m MESSAGE: no editor)\n"},
    {"push", "  ARGS  passed to git push\n"},
    {"log", "  ARGS  passed to git log\n"},
    {"grep", "  PATTERN [ARGS...]  passed to git grep\n"},
    {"clean", "  -f    remove what would go (without it, only list it)\n"
              "  ARGS  passed to git clean\n"},
}};

// myrepos' built-in aliases.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> k_builtin_aliases{{
    {"co", "checkout"},
    {"ci", "commit"},
    {"ls", "list"},
    {"ll", "summary"},
}};

// A command's shell code as `mr help` shows it (util::shown_lines), indented under its
// heading.
std::string shown_code(const std::string& code) {
  const std::string shown = util::shown_lines(code); // outlives the views split_lines makes
  std::string out;
  for (const auto line : util::split_lines(shown)) {
    out += line.empty() ? "\n" : "    " + std::string(line) + "\n";
  }
  return out;
}

// What the registry defines under `name`: the file-wide command, where it comes from, and
// each repository's own (`mr help NAME`).
std::string command_text(const std::string& name, const registry::Registry& registry) {
  std::string text;
  if (const auto it = registry.commands.find(name); it != registry.commands.end()) {
    const auto from = registry.defined_in.find("commands." + name);
    text += "\nIn " +
            (from != registry.defined_in.end() ? util::shown(from->second.string())
                                               : std::string("the registry")) +
            " ([commands]):\n" + shown_code(it->second);
  }
  for (const auto& repo : registry.repos) {
    if (const auto own = repo.commands.find(name); own != repo.commands.end()) {
      text += "\nFor " + util::shown(repo.path.string()) + " (" +
              util::shown(repo.location.file.string()) + "):\n" + shown_code(own->second);
    }
  }
  return text;
}

bool user_command(std::string_view name, const registry::Registry& registry) {
  if (registry.commands.count(name) != 0) {
    return true;
  }
  return std::any_of(registry.repos.begin(), registry.repos.end(),
                     [&](const registry::Repo& r) { return r.commands.count(name) != 0; });
}

// The alias target of `name`, user aliases first; empty if it is not an alias.
std::string alias_target(std::string_view name, const registry::Registry& registry) {
  if (auto it = registry.aliases.find(name); it != registry.aliases.end()) {
    return it->second;
  }
  for (const auto& [alias, target] : k_builtin_aliases) {
    if (alias == name && (find_builtin(target) != nullptr || user_command(target, registry))) {
      return std::string(target);
    }
  }
  return {};
}

Result<Resolution> resolve_exact(std::string_view name, const registry::Registry& registry) {
  if (const auto* builtin = find_builtin(name)) {
    return Resolution{std::string(name), builtin};
  }
  if (user_command(name, registry)) {
    return Resolution{std::string(name), nullptr};
  }
  return fail("unknown action \"" + std::string(name) + "\"");
}

} // namespace

std::span<const CommandInfo> builtin_commands() {
  return k_builtins;
}

const CommandInfo* find_builtin(std::string_view name) {
  for (const auto& c : k_builtins) {
    if (c.name == name) {
      return &c;
    }
  }
  return nullptr;
}

bool is_hook_name(std::string_view name) {
  return name == "skip" || name.starts_with("pre_") || name.starts_with("post_");
}

Result<ArgsRoute> check_arguments(const Resolution& resolution,
                                  const std::vector<std::string>& args,
                                  const registry::Registry& registry) {
  const CommandInfo* builtin = resolution.builtin;
  if (builtin == nullptr || user_command(resolution.action, registry)) {
    return ArgsRoute::native;
  }
  if (args.size() < builtin->min_args) {
    return fail(usage_text(resolution.action + " needs at least " +
                               std::to_string(builtin->min_args) + " argument",
                           "mr " + resolution.action + " " + std::string(builtin->synopsis)));
  }
  if (builtin->check_args == nullptr) {
    return ArgsRoute::native;
  }
  return builtin->check_args(args);
}

bool replaced_by_registry(const Resolution& resolution, const registry::Registry& registry) {
  return resolution.builtin != nullptr && user_command(resolution.action, registry);
}

bool asks_for_help(const std::vector<std::string>& args) {
  return (!args.empty() && args.front() == "--help") || (args.size() == 1 && args.front() == "-h");
}

std::string action_help(const Resolution& resolution, const registry::Registry& registry,
                        bool manual) {
  const CommandInfo* builtin = resolution.builtin;
  const std::string& name = resolution.action;
  if (builtin == nullptr || replaced_by_registry(resolution, registry)) {
    std::string text =
        "Usage: mr [OPTIONS] " + name + " [ARGS...]\n" + name +
        " is a command of the registry: its shell code runs in each selected repository,\n"
        "with ARGS as \"$@\" (see mrconfig.toml(5)).\n";
    return manual ? text + command_text(name, registry) : text;
  }
  std::string text = "Usage: mr [OPTIONS] " + name +
                     (builtin->synopsis.empty() ? "" : " " + std::string(builtin->synopsis)) +
                     "\n" + std::string(builtin->summary) + "\n\n";
  std::string_view own = "  It takes no arguments.\n";
  for (const auto& [action, help] : k_action_help) {
    own = action == name ? help : own;
  }
  text.append(own).append("\nThe global options (mr --help) go before the action.\n");
  if (!manual) {
    return text;
  }
  if (const auto entry = manual_entry(man_page_source(), name); !entry.empty()) {
    text += "\nFrom mr(1):\n\n" + entry;
  }
  return text;
}

std::vector<std::string> known_actions(const registry::Registry& registry) {
  std::set<std::string> names;
  for (const auto& c : k_builtins) {
    names.emplace(c.name);
  }
  const auto add_commands = [&](const registry::CommandMap& commands) {
    for (const auto& [name, script] : commands) {
      if (!is_hook_name(name)) {
        names.insert(name);
      }
    }
  };
  add_commands(registry.commands);
  for (const auto& repo : registry.repos) {
    add_commands(repo.commands);
  }
  for (const auto& [alias, target] : k_builtin_aliases) {
    if (find_builtin(target) != nullptr || names.count(std::string(target)) != 0) {
      names.emplace(alias);
    }
  }
  for (const auto& [alias, target] : registry.aliases) {
    names.insert(alias);
  }
  return {names.begin(), names.end()};
}

std::string action_description(std::string_view name, const registry::Registry& registry) {
  if (const auto target = alias_target(name, registry); !target.empty()) {
    return "alias for " + target;
  }
  if (user_command(name, registry)) {
    return find_builtin(name) != nullptr ? "command of the registry (replaces the built-in)"
                                         : "command of the registry";
  }
  const auto* builtin = find_builtin(name);
  return builtin != nullptr ? std::string(builtin->summary) : std::string();
}

Result<Resolution> resolve_action(std::string_view typed, const registry::Registry& registry) {
  const auto via_alias = [&](std::string_view name) -> Result<Resolution> {
    const auto target = alias_target(name, registry);
    if (target.empty()) {
      return resolve_exact(name, registry);
    }
    auto r = resolve_exact(target, registry);
    if (!r) {
      const std::string alias = "alias \"" + std::string(name) + "\"";
      if (target == name) {
        return fail(alias + " names itself");
      }
      // As myrepos, an alias's target is not looked up as an alias again.
      if (const auto next = alias_target(target, registry); !next.empty()) {
        return fail(alias + " names another alias, \"" + target +
                    "\", and aliases do not chain: name the action (\"" + next + "\")");
      }
      return fail(alias + " names unknown action \"" + target + "\"");
    }
    return r;
  };
  const auto known = known_actions(registry);
  if (std::find(known.begin(), known.end(), typed) != known.end()) {
    return via_alias(typed);
  }
  std::vector<std::string> matches;
  for (const auto& name : known) {
    if (name.size() > typed.size() && name.starts_with(typed)) {
      matches.push_back(name);
    }
  }
  if (!matches.empty() && !typed.empty()) {
    // "l" matching both "list" and its alias "ls" is not ambiguous.
    std::set<std::string> targets;
    for (const auto& m : matches) {
      auto r = via_alias(m);
      targets.insert(r ? r->action : m);
    }
    if (targets.size() == 1) {
      return via_alias(matches.front());
    }
    // Several: myrepos' own actions (and the registry's) first, so that an abbreviation
    // that worked with myrepos still means what it did there.
    std::set<std::string> theirs;
    std::string first;
    for (const auto& m : matches) {
      auto r = via_alias(m);
      const std::string target = r ? r->action : m;
      const auto* builtin = r ? r->builtin : nullptr;
      if ((builtin == nullptr || !builtin->mr_only) && theirs.insert(target).second) {
        first = m;
      }
    }
    if (theirs.size() == 1) {
      return via_alias(first);
    }
  }
  const std::string list = util::join((matches.empty() || typed.empty()) ? known : matches, ", ");
  if (matches.empty() || typed.empty()) {
    return fail("unknown action \"" + std::string(typed) + "\" (known actions: " + list + ")");
  }
  return fail("ambiguous action \"" + std::string(typed) + "\" (matches: " + list + ")");
}

} // namespace mr::cmd
