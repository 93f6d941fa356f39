// skip and deleted, as myrepos: predicates run through the shell with the action as $1.
#include "repo_predicates.hpp"

#include <mr/util/file_io.hpp>

namespace mr::cmd {

namespace {

// Runs a `skip` or `deleted` predicate, as myrepos: the action is $1, exit status 0 means
// yes. A repository that is not checked out runs it in the nearest directory above it
// that exists (its parent, where a checkout would run), with MR_REPO still naming it.
Result<proc::Outcome> run_predicate(RepoTask& t, const std::string& predicate) {
  std::optional<std::filesystem::path> dir;
  if (!util::is_directory(t.repo.path)) {
    dir = t.repo.path.parent_path();
    while (!util::is_directory(*dir) && dir->has_relative_path()) {
      dir = dir->parent_path();
    }
  }
  t.cwd.swap(dir);
  const std::string& action = t.command.action;
  auto outcome = run_shell(t, action, predicate, {action});
  t.cwd.swap(dir);
  return outcome;
}

} // namespace

std::optional<task::TaskResult> skip_result(RepoTask& t) {
  const auto& repo = t.repo;
  if (t.command.options().force) {
    return std::nullopt;
  }
  if (repo.skip) {
    return task::TaskResult::skipped();
  }
  if (!repo.skip_predicate) {
    return std::nullopt;
  }
  auto outcome = run_predicate(t, *repo.skip_predicate);
  if (!outcome || outcome->stopped) {
    return result_of(outcome);
  }
  if (outcome->exit_code == 0) {
    return task::TaskResult::skipped();
  }
  return std::nullopt;
}

std::optional<task::TaskResult> deleted_result(RepoTask& t) {
  const auto& repo = t.repo;
  if (!repo.deleted && !repo.deleted_predicate) {
    return std::nullopt;
  }
  if (!repo.deleted) {
    auto outcome = run_predicate(t, *repo.deleted_predicate);
    if (!outcome || outcome->stopped) {
      return result_of(outcome);
    }
    if (outcome->exit_code != 0) {
      return std::nullopt;
    }
  }
  if (!util::is_directory(repo.path)) {
    return task::TaskResult::skipped();
  }
  t.headerless = true;
  t.bare_reason = true;
  return task::TaskResult::failed("mr error: " + repo.path.string() +
                                  "/ should be deleted yet still exists");
}

} // namespace mr::cmd
