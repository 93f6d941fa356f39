// Private to src/cmd: what a per-repo action gets on its worker thread, and the helpers
// for running commands there with the environment myrepos gives them.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mr/cmd/context.hpp>
#include <mr/proc/process.hpp>
#include <mr/registry/registry.hpp>
#include <mr/render/json.hpp>
#include <mr/task/task_group.hpp>

namespace mr::cmd {

class HostLimits;
class ProgressBoard;
class TerminalTurn;

// Shared by every task of one invocation; read-only while tasks run (the objects pointed
// to synchronise themselves).
struct RunSettings {
  std::vector<std::pair<std::string, std::string>> env; // MR_SWITCHES, MR_PATH, no prompts
  std::shared_ptr<HostLimits> hosts;                    // network actions' per-host limit
  std::shared_ptr<ProgressBoard> board;                 // detail for the progress line
  // Commands run on mr's terminal (-j1 with a terminal on stdin), taking turns here; else
  // null, and their output is captured.
  std::shared_ptr<TerminalTurn> terminal;
  bool split_errors = false; // captured stderr kept apart from the output (task.errors())
};

struct RepoTask {
  task::TaskContext& task;
  const CommandContext& command;
  const RunSettings& settings;
  const registry::Repo& repo;
  const std::optional<std::string>& subdir;
  std::size_t index; // its place in the selection
  // What the action adds to this repository's block, taken from the task when it ends:
  render::JsonObject fields = {};                // action-specific --json members
  std::vector<std::string> cells = {};           // table actions: this repo's line, after its name
  std::optional<std::string> header_action = {}; // when not the command's ("checkout" for
                                                 // update on a missing repo)
  std::optional<std::filesystem::path> cwd = {}; // where commands run instead (checkout)
  // The block has no header (render::Block::headerless): mr could not enter the repository.
  bool headerless = false;
  bool bare_reason = false; // the failure's reason is a whole line of its own
  // Set over the environment of every command run for this repository (repo_guard.hpp).
  std::vector<std::pair<std::string, std::string>> env = {};
  // Its commands may run on mr's terminal (RunSettings::terminal): the action's own
  // commands and hooks, not the predicates that decide whether it runs.
  bool may_attach = false;

  // What an in-process action prints as git would: `merged` when stdout and stderr are one
  // (both in their order), else `out` into the output and `err` where the repository's
  // stderr goes (RunSettings::split_errors).
  void print(std::string_view merged, std::string_view out, std::string_view err) const;
  // Where what git would print on stderr goes: task.errors() when kept apart, else output.
  task::OutputBuffer& errors() const;

  // The detail of this repository on the live progress line ("receiving 42%").
  void progress(std::string detail) const;

  // Where commands run: the repository's top, or the current directory when mr was
  // started inside the repository (as myrepos: no chdir, "(in subdir X)"), or `cwd`.
  std::filesystem::path workdir() const;

  // Where mr runs, relative to the repository's top, as git's prefix ("" or "sub/dir/").
  std::string prefix() const;
};

// Runs argv in the repository with the per-repo environment (MR_REPO, MR_CONFIG,
// MR_ACTION, ...), output into the task's buffer (its stderr into task.errors() when
// RunSettings::split_errors), or on mr's terminal (RunSettings::terminal, may_attach),
// cancelled by the task's stop token. A command on the terminal that Ctrl-C ended
// interrupts mr too, as it would have had it shared the terminal's signal, and its
// outcome is a stopped one: the repository was interrupted, not failed.
Result<proc::Outcome> run_argv(RepoTask& t, std::string_view action,
                               const std::vector<std::string>& argv);
// The same with the output (stdout and stderr) into `output`, never on the terminal.
Result<proc::Outcome> run_argv(RepoTask& t, std::string_view action,
                               const std::vector<std::string>& argv, task::OutputBuffer& output);

// Runs a registry or default shell snippet as myrepos does: /bin/sh, `set -e`, myrepos'
// shell library (error, warning, info, hours_since, lazy), settings.lib and the
// repository's lib, then the snippet with the arguments as "$@". A snippet that is exactly
// `true` or `false` runs no shell at all.
Result<proc::Outcome> run_shell(RepoTask& t, std::string_view action, std::string_view script,
                                const std::vector<std::string>& args);

// The task's result for a finished command: ok, failed with "command failed" and the exit
// code, or cancelled when it was stopped.
task::TaskResult result_of(const Result<proc::Outcome>& outcome);

// The task's result for an operation that did not complete: cancelled when its error says
// it was stopped, else failed with its message. A cancelled result carries no text of its
// own, whoever stopped it (a queued task, a command, status, a fetch): why it stopped is the
// run's to say ("interrupted", "timed out after ..."), the same for every action.
task::TaskResult result_of(const Error& error);

} // namespace mr::cmd
