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
  registry::RootFile root;
  registry::Registry& registry;
  render::Options render;
  ArgsRoute args_route = ArgsRoute::native; // check_arguments()'s decision

  const GlobalOptions& options() const { return invocation.options; }
  registry::LoadOptions load_options() const {
    return {root.path, home, invocation.options.trust_all, root.owner_only, invocation.interrupt};
  }

  // exit_error (exit.hpp) with this run's colour and interrupt: for errors before or
  // instead of any per-repo work.
  int fatal(std::string_view message) const;

  // The action's one optional argument; more than one is an error naming `usage`.
  Result<std::optional<std::string>> optional_argument(std::string_view usage) const;
};

} // namespace mr::cmd
