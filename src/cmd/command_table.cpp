#include <algorithm>
#include <array>
#include <set>

#include <mr/cmd/command_table.hpp>

#include "actions.hpp"

namespace mr::cmd {

namespace {

constexpr std::array k_builtins{
    CommandInfo{"list", "", "print the header line of each selected repository", Needs::selection,
                &run_list},
    CommandInfo{"register", "[DIR]", "add the repository at DIR (default: here) to the registry",
                Needs::registry, &run_register, true, true},
    CommandInfo{"unregister", "[DIR]",
                "remove the repository at DIR (default: here) from the "
                "registry",
                Needs::registry, &run_unregister},
};

// myrepos' built-in aliases.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> k_builtin_aliases{{
    {"co", "checkout"},
    {"ci", "commit"},
    {"ls", "list"},
}};

const CommandInfo* find_builtin(std::string_view name) {
  for (const auto& c : k_builtins) {
    if (c.name == name) {
      return &c;
    }
  }
  return nullptr;
}

// The alias target of `name`, user aliases first; empty if it is not an alias.
std::string alias_target(std::string_view name, const registry::Registry& registry) {
  if (auto it = registry.aliases.find(name); it != registry.aliases.end()) {
    return it->second;
  }
  for (const auto& [alias, target] : k_builtin_aliases) {
    if (alias == name && find_builtin(target) != nullptr) {
      return std::string(target);
    }
  }
  return {};
}

Result<Resolution> resolve_exact(std::string_view name) {
  if (const auto* builtin = find_builtin(name)) {
    return Resolution{std::string(name), builtin};
  }
  return fail("unknown action \"" + std::string(name) + "\"");
}

} // namespace

std::span<const CommandInfo> builtin_commands() {
  return k_builtins;
}

std::vector<std::string> known_actions(const registry::Registry& registry) {
  std::set<std::string> names;
  for (const auto& c : k_builtins) {
    names.emplace(c.name);
  }
  for (const auto& [alias, target] : k_builtin_aliases) {
    if (find_builtin(target) != nullptr) {
      names.emplace(alias);
    }
  }
  for (const auto& [alias, target] : registry.aliases) {
    names.insert(alias);
  }
  return {names.begin(), names.end()};
}

Result<Resolution> resolve_action(std::string_view typed, const registry::Registry& registry) {
  const auto via_alias = [&](std::string_view name) -> Result<Resolution> {
    const auto target = alias_target(name, registry);
    if (target.empty()) {
      return resolve_exact(name);
    }
    auto r = resolve_exact(target);
    if (!r) {
      return fail("alias \"" + std::string(name) + "\" names unknown action \"" + target + "\"");
    }
    return r;
  };
  const auto known = known_actions(registry);
  if (std::find(known.begin(), known.end(), typed) != known.end()) {
    return via_alias(typed);
  }
  std::vector<std::string> matches;
  for (const auto& name : known) {
    if (name.size() > typed.size() && name.compare(0, typed.size(), typed) == 0) {
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
  }
  std::string list;
  for (const auto& m : (matches.empty() || typed.empty()) ? known : matches) {
    list += (list.empty() ? "" : ", ") + m;
  }
  if (matches.empty() || typed.empty()) {
    return fail("unknown action \"" + std::string(typed) + "\" (known actions: " + list + ")");
  }
  return fail("ambiguous action \"" + std::string(typed) + "\" (matches: " + list + ")");
}

} // namespace mr::cmd
