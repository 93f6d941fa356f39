// `mr status`: per repository, the text myrepos prints for git (`git status -s`, then the
// unpushed branches, then `git stash list`), computed in process through libgit2. Other
// options of git status make it run myrepos' definition instead, through the git binary.
// `mr summary` (summary.cpp) shares the reading and the --json fields.
#include <algorithm>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include <mr/git/status.hpp>
#include <mr/task/parallel.hpp>
#include <mr/util/strings.hpp>

#include "actions.hpp"
#include "git_args.hpp"

namespace mr::cmd {

namespace {

// How git status takes its short options (`git status -h`).
constexpr GitSyntax k_git_status_syntax{.action = "status",
                                        .command = "status",
                                        .usage = "mr status [-uMODE | GIT-STATUS-ARGS...]",
                                        .flags = "vsbz",
                                        .optional_value = "uM"};

// Whether mr implements `arg` itself: -s, and the untracked files mode.
bool native_arg(std::string_view arg) {
  return arg == "-s" || arg == "--short" || arg.starts_with("-u") || arg == "--untracked-files" ||
         arg.starts_with("--untracked-files=");
}

// The `git status -s` options myrepos passes through that mr understands: the untracked
// files mode, and -s itself.
Result<std::optional<git::Untracked>> untracked_option(const std::vector<std::string>& args) {
  std::optional<git::Untracked> mode;
  for (const auto& arg : args) {
    std::string_view value = arg;
    if (arg == "-s" || arg == "--short") {
      continue;
    }
    if (arg == "-u" || arg == "--untracked-files") {
      value = "all";
    } else if (!util::consume_prefix(value, "--untracked-files=") &&
               !util::consume_prefix(value, "-u")) {
      return fail("status does not support '" + arg +
                  "' (it understands -u/--untracked-files=no|normal|all; for anything else "
                  "use mr run git status ...)");
    }
    if (value == "no") {
      mode = git::Untracked::no;
    } else if (value == "normal") {
      mode = git::Untracked::normal;
    } else if (value == "all") {
      mode = git::Untracked::all;
    } else {
      return fail("status: untracked files mode must be no, normal or all, not '" +
                  std::string(value) + "'");
    }
  }
  return mode;
}

std::string_view operation_name(git::Operation op) {
  switch (op) {
  case git::Operation::none:
    return "";
  case git::Operation::merge:
    return "merge";
  case git::Operation::rebase:
    return "rebase";
  case git::Operation::cherry_pick:
    return "cherry-pick";
  case git::Operation::revert:
    return "revert";
  case git::Operation::bisect:
    return "bisect";
  case git::Operation::apply_mailbox:
    return "am";
  }
  return "";
}

// MR_STATUS_SLOW=1 turns the fast path off (benchmarks and tests compare both paths).
bool slow_status_forced() {
  static const bool forced = [] {
    const char* v = std::getenv("MR_STATUS_SLOW");
    return v != nullptr && *v != '\0' && std::string_view(v) != "0";
  }();
  return forced;
}

} // namespace

Result<ArgsRoute> check_status_args(const std::vector<std::string>& args) {
  if (std::all_of(args.begin(), args.end(), native_arg)) {
    MR_TRY(untracked_option(args));
    return ArgsRoute::native;
  }
  MR_TRY(check_git_arguments(k_git_status_syntax, args));
  return ArgsRoute::git;
}

std::string update_line(const git::UpdateInProgress& u) {
  if (u.running) {
    return "mr update is running here (pid " + std::to_string(u.pid) + ")";
  }
  if (u.planning) {
    return "mr update was interrupted here (" + u.branch + ": " + u.from + ".." + u.to +
           ") before it changed anything; mr update removes the index.lock it left";
  }
  return "mr update was interrupted here (" + u.branch + ": " + u.from + ".." + u.to +
         "); mr update finishes it";
}

std::string operation_label(git::Operation op) {
  return std::string(operation_name(op));
}

std::optional<std::string> libgit2_cannot_read(RepoTask& t) {
  if (t.task.stop_token().stop_requested()) {
    return std::nullopt;
  }
  auto reason = git::index_libgit2_cannot_read(t.repo.path);
  if (reason) {
    spdlog::debug("{}: {}; {} asks the git binary instead", t.repo.path.string(), *reason,
                  t.command.action);
  }
  return reason;
}

Result<proc::Outcome> run_git_definition(RepoTask& t, std::string_view action) {
  const CommandInfo* builtin = find_builtin(action);
  return run_shell(t, action, builtin->git_shell, t.command.invocation.args);
}

namespace {

// `mr summary`'s facts from git itself, for a repository libgit2 cannot read.
Result<git::RepoStatus> summary_through_git(RepoTask& t) {
  const auto run_git = [&t](const std::vector<std::string>& argv) -> Result<std::string> {
    task::OutputBuffer captured;
    MR_TRY_VAR(outcome, run_argv(t, t.command.action, argv, captured));
    std::string text = captured.str();
    if (outcome->exit_code != 0) {
      return fail(text.empty() ? argv[1] + " failed" : std::string(util::trim(text)));
    }
    return text;
  };
  MR_TRY_VAR(porcelain, run_git({"git", "status", "--porcelain=v2", "--branch"}));
  MR_TRY_VAR(stashes, run_git({"git", "--no-pager", "stash", "list"}));
  return git::status_from_porcelain_v2(*porcelain, *stashes);
}

} // namespace

Result<git::RepoStatus> read_repo_status(RepoTask& t, bool for_status) {
  git::StatusRequest request;
  request.repo = t.repo.path;
  request.prefix = t.prefix();
  request.unpushed_log = for_status;
  // The text of `mr status` shows neither; computing them costs object reads.
  request.upstream = request.operation = !for_status || t.command.render.json;
  if (auto mode = untracked_option(t.command.invocation.args); mode) {
    request.untracked = *mode;
  }
  request.fast_path = !slow_status_forced();
  request.parallel = [&executor = t.task.executor()](std::size_t n,
                                                     const std::function<void(std::size_t)>& body) {
    task::parallel_for(executor, n, body);
  };
  auto st = git::read_status(request, t.task.stop_token());
  if (!st && !for_status && libgit2_cannot_read(t)) {
    return summary_through_git(t);
  }
  return st;
}

void add_status_fields(render::JsonObject& fields, const git::RepoStatus& st) {
  if (st.detached) {
    fields.add_null("branch");
  } else {
    fields.add("branch", st.branch);
  }
  fields.add("detached", st.detached).add("unborn", st.unborn);
  if (st.detached) {
    fields.add("head", st.head_abbrev);
  }
  if (st.upstream) {
    fields.add("upstream", st.upstream->name).add("upstream_gone", st.upstream->gone);
    if (st.upstream->ahead && st.upstream->behind) {
      fields.add("ahead", *st.upstream->ahead).add("behind", *st.upstream->behind);
    } else {
      fields.add_null("ahead").add_null("behind");
    }
  } else {
    fields.add_null("upstream").add("upstream_gone", false).add_null("ahead").add_null("behind");
  }
  fields.add("staged", st.staged)
      .add("modified", st.modified)
      .add("untracked", st.untracked_count)
      .add("conflicted", st.conflicted)
      .add("stashes", st.stashes.size());
  if (st.update) {
    fields.add("state", "update"); // an interrupted mr update comes first: mr finishes it
  } else if (st.operation == git::Operation::none) {
    fields.add_null("state");
  } else {
    fields.add("state", operation_name(st.operation));
  }
}

task::TaskResult repo_status(RepoTask& t) {
  auto st = read_repo_status(t, true);
  if (!st) {
    // As myrepos: git's own status, log and stash list.
    return libgit2_cannot_read(t) ? result_of(run_git_definition(t, "status"))
                                  : result_of(st.error());
  }
  if (st->update) {
    t.task.output() += update_line(*st->update) + "\n";
  }
  // git prints its warnings on stderr while it reads the work tree, before the list.
  for (const auto& line : st->warnings) {
    t.task.output() += line + "\n";
  }
  t.task.output() += git::format_status(*st, t.prefix(), t.command.render.color);
  add_status_fields(t.fields, *st);
  return task::TaskResult::ok();
}

} // namespace mr::cmd
