// Private to src/cmd: a repository's `skip` and `deleted` settings as myrepos applies them,
// before its action runs.
#pragma once

#include <optional>

#include <mr/task/task_group.hpp>

#include "repo_task.hpp"

namespace mr::cmd {

// The result when the repository is to be skipped (`skip`, or its predicate says so; -f
// ignores both), or when its predicate could not run; nullopt to go on.
std::optional<task::TaskResult> skip_result(RepoTask& t);

// A repository marked `deleted` (or whose `deleted` predicate says so; -f does not ignore
// it) is skipped when it is gone, and fails when it is still there, as myrepos:
// "mr error: PATH/ should be deleted yet still exists", without a header. nullopt to go on.
std::optional<task::TaskResult> deleted_result(RepoTask& t);

} // namespace mr::cmd
