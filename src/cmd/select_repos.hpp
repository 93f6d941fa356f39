// Private to src/cmd: repository selection (-d, -n, -g) for the per-repo actions.
#pragma once

#include <vector>

#include <mr/cmd/context.hpp>
#include <mr/registry/select.hpp>

namespace mr::cmd {

// The repos this invocation acts on (-d, -n, -g applied), in registry order.
std::vector<registry::Selected> selected_repos(const CommandContext& ctx);

// The header path and subdir of a selected repo, for render::Block.
render::Block block_for(const registry::Selected& selected);

} // namespace mr::cmd
