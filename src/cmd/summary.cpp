// `mr summary` (alias `ll`): one aligned line per repository: where it is, its branch, how
// it relates to its upstream, what is changed, stashed or in progress. `--dirty` leaves
// out the repositories that need no attention.
#include <fmt/format.h>

#include <mr/cmd/exit.hpp>
#include <mr/git/status.hpp>
#include <mr/render/color.hpp>

#include "actions.hpp"

namespace mr::cmd {

namespace {

using render::paint;

std::string plural(std::size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

struct Relation {
  std::string text;
  std::string_view color;
  bool attention;
};

Relation relation_of(const git::RepoStatus& st) {
  if (!st.upstream) {
    return {"no upstream", render::ansi::dim, false};
  }
  const auto& up = *st.upstream;
  if (up.gone) {
    return {up.name + " gone", render::ansi::red, true};
  }
  if (!up.ahead || !up.behind) {
    return {up.name + " ahead/behind unknown (shallow)", render::ansi::yellow, false};
  }
  const auto ahead = *up.ahead;
  const auto behind = *up.behind;
  if (ahead == 0 && behind == 0) {
    return {up.name + " up to date", render::ansi::green, false};
  }
  if (behind == 0) {
    return {fmt::format("{} ahead {}", up.name, ahead), render::ansi::cyan, true};
  }
  if (ahead == 0) {
    return {fmt::format("{} behind {}", up.name, behind), render::ansi::yellow, true};
  }
  return {git::diverged_text(up.name, ahead, behind), render::ansi::red, true};
}

} // namespace

Result<ArgsRoute> check_summary_args(const std::vector<std::string>& args) {
  for (const auto& arg : args) {
    if (arg != "--dirty") {
      return fail(
          usage_text("'" + arg + "' is not an option of mr summary", "mr summary [--dirty]"));
    }
  }
  return ArgsRoute::native;
}

namespace {

// "1 conflicted, 2 staged, ...": what is changed or stashed, each in its colour.
std::vector<std::string> change_list(const git::RepoStatus& st, bool color) {
  std::vector<std::string> changes;
  if (st.conflicted != 0) {
    changes.push_back(
        paint(fmt::format("{} conflicted", st.conflicted), render::ansi::bold_red, color));
  }
  if (st.staged != 0) {
    changes.push_back(paint(fmt::format("{} staged", st.staged), render::ansi::green, color));
  }
  if (st.modified != 0) {
    changes.push_back(paint(fmt::format("{} modified", st.modified), render::ansi::red, color));
  }
  if (st.untracked_count != 0) {
    changes.push_back(
        paint(fmt::format("{} untracked", st.untracked_count), render::ansi::red, color));
  }
  if (!st.stashes.empty()) {
    changes.push_back(
        paint(plural(st.stashes.size(), "stash", "stashes"), render::ansi::yellow, color));
  }
  return changes;
}

// "MERGE IN PROGRESS", "UPDATE INTERRUPTED", or "".
std::string operation_text(const git::RepoStatus& st, bool color) {
  std::string operation = operation_label(st.operation);
  for (auto& ch : operation) {
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  if (!operation.empty()) {
    operation = paint(operation + " IN PROGRESS", render::ansi::bold_yellow, color);
  }
  if (st.update) {
    // mr's own interrupted update comes first: mr update finishes it.
    operation = paint(st.update->running ? "UPDATE RUNNING" : "UPDATE INTERRUPTED",
                      render::ansi::bold_red, color);
  }
  return operation;
}

} // namespace

task::TaskResult repo_summary(RepoTask& t) {
  auto read = read_repo_status(t, false);
  if (!read) {
    return result_of(read.error());
  }
  const auto& st = *read;
  add_status_fields(t.fields, st);
  const bool color = t.command.render.color;

  std::string branch = st.branch;
  if (st.detached) {
    branch = "(detached at " + st.head_abbrev + ")";
  } else if (st.unborn) {
    branch += " (no commits)";
  }
  const Relation relation = relation_of(st);

  const auto changes = change_list(st, color);
  std::string change_text;
  for (const auto& c : changes) {
    change_text += (change_text.empty() ? "" : ", ") + c;
  }
  if (change_text.empty()) {
    change_text = paint("clean", render::ansi::green, color);
  }
  const std::string operation = operation_text(st, color);

  const bool attention = !changes.empty() || relation.attention || st.detached ||
                         st.operation != git::Operation::none || st.update.has_value();
  const auto& args = t.command.invocation.args;
  const bool dirty_only = std::find(args.begin(), args.end(), "--dirty") != args.end();
  if (dirty_only && !attention) {
    return task::TaskResult::ok(); // no line
  }
  t.cells = {st.detached ? paint(branch, render::ansi::yellow, color) : branch,
             paint(relation.text, relation.color, color), change_text};
  if (!operation.empty()) {
    t.cells.push_back(operation);
  }
  return task::TaskResult::ok();
}

} // namespace mr::cmd
