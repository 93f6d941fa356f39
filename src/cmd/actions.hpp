// Private to src/cmd: the built-in actions, each in its own file. Registry-level actions
// take the CommandContext; per-repo ones run on a worker thread for one repository.
#pragma once

#include <mr/cmd/command_table.hpp>
#include <mr/cmd/context.hpp>
#include <mr/git/status.hpp>

#include "repo_task.hpp"

namespace mr::cmd {

int run_register(CommandContext& ctx);
int run_unregister(CommandContext& ctx);
int run_import(CommandContext& ctx);
int run_config(CommandContext& ctx);
int run_discover(CommandContext& ctx);

task::TaskResult repo_list(RepoTask& t);
void list_fields(RepoTask& t);
Result<ArgsRoute> check_list_args(const std::vector<std::string>& args);
task::TaskResult repo_run(RepoTask& t);
task::TaskResult repo_status(RepoTask& t);
task::TaskResult repo_summary(RepoTask& t);
task::TaskResult repo_diff(RepoTask& t);

// The network actions (network.cpp).
task::TaskResult repo_fetch(RepoTask& t);
task::TaskResult repo_update(RepoTask& t);
task::TaskResult repo_checkout(RepoTask& t);
Result<ArgsRoute> check_no_args(const std::vector<std::string>& args);
Result<ArgsRoute> check_fetch_args(const std::vector<std::string>& args);
Result<ArgsRoute> check_update_args(const std::vector<std::string>& args);
Result<ArgsRoute> check_diff_args(const std::vector<std::string>& args);

// Shared by status and summary (status.cpp).
Result<ArgsRoute> check_status_args(const std::vector<std::string>& args);
Result<ArgsRoute> check_summary_args(const std::vector<std::string>& args);
// `for_status`: what `mr status` prints (the unpushed log; upstream and operation only
// for --json); otherwise what `mr summary` shows (no log).
Result<git::RepoStatus> read_repo_status(RepoTask& t, bool for_status);
void add_status_fields(render::JsonObject& fields, const git::RepoStatus& st);
// A repository whose index libgit2 cannot read and git can (a split or sparse index): the
// reason, also logged under -v; the in-process actions then hand it to the git binary.
std::optional<std::string> libgit2_cannot_read(RepoTask& t);
// Runs the action's git definition (CommandInfo::git_shell) with the action's arguments.
Result<proc::Outcome> run_git_definition(RepoTask& t, std::string_view action);
std::string operation_label(git::Operation op);
// The status line for an interrupted (or running) mr update.
std::string update_line(const git::UpdateInProgress& u);

// The per-repo engine: selection, the task group, hooks, skip, rendering, exit status.
int run_per_repo(CommandContext& ctx, const CommandInfo* builtin);

} // namespace mr::cmd
