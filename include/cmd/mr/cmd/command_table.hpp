// The built-in actions, and how a typed action name is resolved (as myrepos):
// user aliases and the built-in aliases co/ci/ls first, then exact names, then a unique
// prefix of any known name (built-ins, aliases, and commands defined in the registry); an
// ambiguous prefix lists the candidates.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <mr/registry/registry.hpp>
#include <mr/task/task_group.hpp>
#include <mr/util/result.hpp>

namespace mr::cmd {

struct CommandContext;
struct RepoTask;
using CommandFn = int (*)(CommandContext&);
using RepoFn = task::TaskResult (*)(RepoTask&);

enum class Kind {
  registry, // works on the registry itself, once: register, unregister, import
  per_repo, // runs in every selected repository, through the executor
};

// How a built-in runs with the arguments it was given: as mr implements it, or (they are
// options of the git command it stands for that mr does not implement) by myrepos'
// definition of the action, CommandInfo::git_shell, which hands them to the git binary.
enum class ArgsRoute { native, git };

// What an action is and what it needs; the per-repo engine asks these fields, never the
// action's name.
struct CommandInfo {
  std::string_view name = {};
  std::string_view synopsis = {}; // "[DIR]", "CMD [ARGS...]"
  std::string_view summary = {};
  Kind kind = Kind::per_repo;
  CommandFn run = nullptr;     // Kind::registry
  RepoFn repo = nullptr;       // Kind::per_repo, native (in-process) implementation
  std::string_view shell = {}; // Kind::per_repo, or a shell default (as myrepos)
  // Checks the action's arguments once, before any repo runs (check_arguments).
  Result<ArgsRoute> (*check_args)(const std::vector<std::string>& args) = nullptr;
  // myrepos' definition for git, run instead of `repo` when check_args says ArgsRoute::git.
  std::string_view git_shell = {};
  // The --json fields every object of this action carries, whatever the repository's
  // outcome (skipped, deleted, failed): list's registry fields.
  void (*fields)(RepoTask&) = nullptr;
  std::size_t min_args = 0;      // fewer is a usage error
  bool needs_directory = true;   // per_repo: a missing repository directory fails it
  bool creates_registry = false; // may run when an explicitly named registry does not exist
  bool reads_registry = true;    // false: runs even when the registry does not load (import)
  bool uses_git = false;         // initialise libgit2 first
  bool table = false;            // per_repo: one aligned line per repo instead of blocks
  // Clones: runs in the parent of a repository that is not there (or is an empty
  // directory), skips one that is, and a nested repository waits for its parent's.
  bool clones = false;
  // The action that runs instead in a repository that is not there ("checkout" for update,
  // as myrepos); its block is headed with that action.
  std::string_view when_missing = {};
  // An action myrepos does not have (summary, discover, ...). An abbreviation that matches
  // one of myrepos' actions as well means myrepos' ("mr di" is diff, as it always was).
  bool mr_only = false;

  // Whether a repository may be cloned by this action (itself, or its when_missing one).
  bool may_clone() const { return clones || !when_missing.empty(); }
};

std::span<const CommandInfo> builtin_commands();
const CommandInfo* find_builtin(std::string_view name);

struct Resolution {
  std::string action;         // the canonical name, printed in headers and footers
  const CommandInfo* builtin; // null for a command defined only in the registry
};

Result<Resolution> resolve_action(std::string_view typed, const registry::Registry& registry);

// The action's arguments, checked once before any repository runs: fewer than a built-in
// needs, or any its check_args refuses, is a usage error; else how the action runs with
// them. A command the registry defines under a built-in's name replaces it and takes
// whatever arguments it likes.
Result<ArgsRoute> check_arguments(const Resolution& resolution,
                                  const std::vector<std::string>& args,
                                  const registry::Registry& registry);

// Whether the registry defines a command under the resolved built-in's name, which then
// replaces the built-in (its arguments, --help included, go to that command).
bool replaced_by_registry(const Resolution& resolution, const registry::Registry& registry);

// What `mr help ACTION` prints: usage, summary, and the action's own arguments and options.
std::string action_help(const Resolution& resolution, const registry::Registry& registry);

// Whether the action's arguments ask for its help: a first argument --help, or a lone -h
// (`mr grep -h PATTERN` is git grep's -h).
bool asks_for_help(const std::vector<std::string>& args);

// Every name `resolve_action` accepts as a target, sorted (for messages and completion).
std::vector<std::string> known_actions(const registry::Registry& registry);

// What an action name in known_actions() is, in a few words (for the completions): a
// built-in's summary, "alias for TARGET", or that the registry defines it.
std::string action_description(std::string_view name, const registry::Registry& registry);

// pre_ACTION, post_ACTION and skip are hooks, not actions.
bool is_hook_name(std::string_view name);

} // namespace mr::cmd
