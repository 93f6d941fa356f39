// The built-in actions, and how a typed action name is resolved (SPEC §1, as myrepos):
// user aliases and the built-in aliases co/ci/ls first, then exact names, then a unique
// prefix of any known name; an ambiguous prefix lists the candidates.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <mr/registry/registry.hpp>
#include <mr/util/result.hpp>

namespace mr::cmd {

struct CommandContext;
using CommandFn = int (*)(CommandContext&);

// How much of the world an action needs before it runs (ninja's "when" field).
enum class Needs {
  nothing,   // help: not even the registry
  registry,  // the loaded registry (register, unregister)
  selection, // the repos selected from it (list and every per-repo action)
};

struct CommandInfo {
  std::string_view name;
  std::string_view synopsis; // "[DIR]"
  std::string_view summary;
  Needs needs;
  CommandFn run;
  bool creates_registry = false; // may run when an explicitly named registry does not exist
  bool uses_git = false;         // initialise libgit2 before running it
};

std::span<const CommandInfo> builtin_commands();

struct Resolution {
  std::string action;         // the canonical name, printed in headers and footers
  const CommandInfo* builtin; // never null for now
};

Result<Resolution> resolve_action(std::string_view typed, const registry::Registry& registry);

// Every name `resolve_action` accepts as a target, sorted (for messages and completion).
std::vector<std::string> known_actions(const registry::Registry& registry);

} // namespace mr::cmd
