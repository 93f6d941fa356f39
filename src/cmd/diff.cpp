// `mr diff [--cached | REV] [--stat] [-- PATHS]`: in every repository, the bytes `git diff`
// prints with the same arguments (include/git/mr/git/diff.hpp), never through a pager.
#include <mr/git/diff.hpp>
#include <mr/render/renderer.hpp>
#include <mr/util/strings.hpp>

#include "actions.hpp"

namespace mr::cmd {

Result<void> check_diff_args(const std::vector<std::string>& args) {
  MR_TRY(git::parse_diff_args(args));
  return {};
}

task::TaskResult repo_diff(RepoTask& t) {
  auto args = git::parse_diff_args(t.command.invocation.args);
  if (!args) {
    return task::TaskResult::failed(args.error().message);
  }
  git::DiffRequest request;
  request.repo = t.repo.path;
  request.prefix = t.prefix();
  request.args = std::move(*args);
  request.color = t.command.render.color;
  request.stat_width = render::output_columns();
  const auto run_git = [&t](const std::vector<std::string>& git_args) -> Result<std::string> {
    std::vector<std::string> argv = {"git"};
    argv.insert(argv.end(), git_args.begin(), git_args.end());
    task::OutputBuffer captured;
    MR_TRY_VAR(outcome, run_argv(t, t.command.action, argv, captured));
    const std::string text = captured.str();
    if (outcome->exit_code != 0) {
      return fail(text.empty() ? "git diff failed" : std::string(util::trim(text)));
    }
    return text;
  };
  auto result = git::diff(request, run_git, t.task.stop_token());
  if (!result) {
    return result_of(result.error());
  }
  t.task.output() += result->text;
  t.fields.add("files", result->files)
      .add("insertions", result->insertions)
      .add("deletions", result->deletions);
  return task::TaskResult::ok();
}

} // namespace mr::cmd
