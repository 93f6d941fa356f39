// Private to src/cmd: the built-in actions, each in its own file. Registry-level actions
// take the CommandContext; per-repo ones run on a worker thread for one repository.
#pragma once

#include <mr/cmd/command_table.hpp>
#include <mr/cmd/context.hpp>

#include "repo_task.hpp"

namespace mr::cmd {

int run_register(CommandContext& ctx);
int run_unregister(CommandContext& ctx);

task::TaskResult repo_list(RepoTask& t);
task::TaskResult repo_run(RepoTask& t);

// The per-repo engine: selection, the task group, hooks, skip, rendering, exit status.
int run_per_repo(CommandContext& ctx, const CommandInfo* builtin);

} // namespace mr::cmd
