#include "select_repos.hpp"

namespace mr::cmd {

std::vector<registry::Selected> selected_repos(const CommandContext& ctx) {
  registry::SelectOptions options;
  options.directory = ctx.directory;
  options.max_depth = ctx.options().max_depth;
  options.tags = ctx.options().tags;
  return registry::select(ctx.registry, options);
}

render::Block block_for(const registry::Selected& selected) {
  render::Block block;
  block.path = selected.repo->path.string();
  block.subdir = selected.subdir;
  return block;
}

} // namespace mr::cmd
