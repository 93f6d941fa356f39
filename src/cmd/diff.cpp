// `mr diff [--cached | REV] [--stat] [-- PATHS]`: in every repository, the bytes `git diff`
// prints with the same arguments (include/git/mr/git/diff.hpp), never through a pager.
// Any other option of git diff makes it run `git diff ARGS...` instead, as myrepos does.
#include <array>

#include <mr/git/diff.hpp>
#include <mr/render/renderer.hpp>
#include <mr/util/strings.hpp>

#include "actions.hpp"
#include "git_args.hpp"

namespace mr::cmd {

namespace {

// git diff's own long options, which its option list leaves out (they are not diff
// options: builtin/diff.c reads them itself).
constexpr std::array<std::string_view, 9> k_diff_own_options{
    "cached", "staged", "merge-base", "no-index",          "base",
    "ours",   "theirs", "cc",         "combined-all-paths"};

// How git diff takes its short options (diff.c; -1/-2/-3, -c, -m, -q, -r, -t are
// builtin/diff.c's and the revision walk's).
constexpr GitSyntax k_git_diff_syntax{
    .action = "diff",
    .command = "diff",
    .usage = "mr diff [--cached | REV] [--stat] [-- PATHS] | [GIT-DIFF-ARGS...]",
    .flags = "pusWzDRabwcmqrt123",
    .optional_value = "BMCXU",
    .required_value = "lSGOI",
    .more_long = k_diff_own_options};

} // namespace

Result<ArgsRoute> check_diff_args(const std::vector<std::string>& args) {
  if (git::parse_diff_args(args)) {
    return ArgsRoute::native;
  }
  MR_TRY(check_git_arguments(k_git_diff_syntax, args));
  return ArgsRoute::git;
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
    return libgit2_cannot_read(t) ? result_of(run_git_definition(t, "diff"))
                                  : result_of(result.error());
  }
  t.task.output() += result->text;
  t.fields.add("files", result->files)
      .add("insertions", result->insertions)
      .add("deletions", result->deletions);
  return task::TaskResult::ok();
}

} // namespace mr::cmd
