// `mr unregister [DIR]`: remove the repository registered at DIR (default: the current
// directory), or the one containing it. The directory may already be gone. Inside an
// unregistered repository nested in a registered one, it says so and removes nothing.
#include <mr/cmd/exit.hpp>
#include <mr/git/worktree.hpp>
#include <mr/registry/edit.hpp>

#include "actions.hpp"

namespace mr::cmd {

int run_unregister(CommandContext& ctx) {
  render::Renderer out(ctx.action, ctx.render);
  auto arg = ctx.optional_argument("mr unregister [DIR]");
  if (!arg) {
    return ctx.fatal(arg.error().message);
  }
  util::Place target = ctx.cwd;
  if (*arg) {
    // Not place_of(): unregistering a repository whose directory was deleted must work.
    target.logical = util::absolute_normal(util::expand_user(**arg, ctx.home), ctx.cwd.logical);
    target.physical = util::physical(target.logical);
  }
  // The work tree DIR is in, if any: the registered repo to remove must not lie above it.
  std::optional<util::Place> work_tree;
  if (auto info = git::inspect_for_register(target.physical)) {
    work_tree = util::Place{info->top, util::physical(info->top)};
  }
  auto outcome = registry::unregister_repo(ctx.load_options(registry::root_for(ctx.roots, target)),
                                           target, work_tree);
  if (!outcome) {
    return ctx.fatal(outcome.error().message);
  }
  out.message("Unregistered " + outcome->repo.string() + " from " + outcome->file.string());
  return k_exit_ok;
}

} // namespace mr::cmd
