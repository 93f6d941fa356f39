// What every action receives: the invocation, where it runs, and the loaded registry.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <mr/cmd/command_table.hpp>
#include <mr/cmd/invocation.hpp>
#include <mr/registry/locate.hpp>
#include <mr/registry/registry.hpp>
#include <mr/render/renderer.hpp>
#include <mr/util/paths.hpp>

namespace mr::cmd {

struct CommandContext {
  const Invocation& invocation;
  std::string action; // canonical name
  std::filesystem::path home;
  util::Place cwd;
  util::Place directory; // -d DIR, else cwd
  registry::Roots roots; // the registry's root files, in load order
  registry::Registry& registry;
  render::Options render;
  ArgsRoute args_route = ArgsRoute::native; // check_arguments()'s decision

  const GlobalOptions& options() const { return invocation.options; }
  // -t, or a parent mr's -t over these same root files (locate.hpp).
  bool trust_all() const { return invocation.options.trust_all || roots.inherited_trust_all; }
  // Loading these roots again, with `root` (one of them) as the file new repos go to.
  registry::LoadOptions load_options(const registry::RootFile& root) const {
    return {root.path, home, trust_all(), root.owner_only, invocation.interrupt, roots.files};
  }

  // exit_error (exit.hpp) with this run's colour and interrupt: for errors before or
  // instead of any per-repo work.
  int fatal(std::string_view message) const;

  // The action's one optional argument; more than one is an error naming `usage`.
  Result<std::optional<std::string>> optional_argument(std::string_view usage) const;
};

} // namespace mr::cmd
