// `mr unregister [DIR]`: remove the repository registered at DIR (default: the current
// directory), or the one containing it. The directory may already be gone.
#include <mr/registry/edit.hpp>

#include "actions.hpp"

namespace mr::cmd {

int run_unregister(CommandContext& ctx) {
  render::Renderer out(ctx.action, ctx.render);
  const auto& args = ctx.invocation.args;
  if (args.size() > 1) {
    render::print_error("unregister takes at most one directory (usage: mr unregister [DIR])",
                        ctx.render.color_err);
    return 2;
  }
  util::Place target = ctx.cwd;
  if (!args.empty()) {
    // Not place_of(): unregistering a repository whose directory was deleted must work.
    target.logical = util::absolute_normal(util::expand_user(args[0], ctx.home), ctx.cwd.logical);
    target.physical = util::physical(target.logical);
  }
  auto outcome = registry::unregister_repo(ctx.load_options(), target);
  if (!outcome) {
    render::print_error(outcome.error().message, ctx.render.color_err);
    return 2;
  }
  out.message("Unregistered " + outcome->repo.string() + " from " + outcome->file.string());
  return 0;
}

} // namespace mr::cmd
