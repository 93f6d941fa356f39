// Running commands in a repository with the environment myrepos gives them.
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <stop_token>
#include <unistd.h>

#include <mr/util/strings.hpp>

#include "net_support.hpp"
#include "repo_task.hpp"
#include "terminal_turn.hpp"

namespace mr::cmd {

namespace {

// The shell functions myrepos gives every command, hook and predicate, for git: error,
// warning and info print "mr: ..." on stderr (error then fails the command); hours_since
// ACTION N succeeds, and records the time, when ACTION was last recorded N hours ago or
// more (`skip = "! hours_since update 12"`); lazy succeeds when the repository is not
// checked out (`skip = "lazy"`: checkout clones it, other actions leave it alone).
constexpr std::string_view k_shell_library = R"sh(error() {
	echo "mr: $*" >&2
	exit 1
}
warning() {
	echo "mr (warning): $*" >&2
}
info() {
	echo "mr: $*" >&2
}
hours_since() {
	if [ -z "$1" ] || [ -z "$2" ]; then
		error "usage: hours_since ACTION HOURS"
	fi
	if [ -e "$MR_REPO/.git" ]; then
		mr_flag_file="$MR_REPO/.git/.mr_last$1"
	elif [ -e "$MR_REPO/refs/heads" ]; then
		mr_flag_file="$MR_REPO/.mr_last$1"
	else
		error "cannot determine flag filename"
	fi
	if [ -f "$mr_flag_file" ]; then
		mr_hours=$(( ($(date +%s) - $(stat -c %Y "$mr_flag_file")) / 3600 ))
	else
		mr_hours=9999
	fi
	if [ "$mr_hours" -lt "$2" ]; then
		return 1
	fi
	touch "$mr_flag_file"
}
lazy() {
	[ ! -d "$MR_REPO" ]
}
)sh";

} // namespace

std::filesystem::path RepoTask::workdir() const {
  if (cwd) {
    return *cwd;
  }
  return subdir ? command.directory.logical : repo.path;
}

void RepoTask::progress(std::string detail) const {
  if (settings.board) {
    settings.board->set(index, std::move(detail));
  }
}

void RepoTask::print(std::string_view merged, std::string_view out, std::string_view err) const {
  if (settings.split_errors) {
    task.output() += out;
    task.errors() += err;
  } else {
    task.output() += merged;
  }
}

task::OutputBuffer& RepoTask::errors() const {
  return settings.split_errors ? task.errors() : task.output();
}

std::string RepoTask::prefix() const {
  return subdir && !subdir->empty() && *subdir != "." ? *subdir + "/" : std::string();
}

namespace {

proc::Command repo_command(const RepoTask& t, std::string_view action,
                           const std::vector<std::string>& argv) {
  proc::Command command;
  command.argv = argv;
  command.cwd = t.workdir();
  // /dev/null unless on the terminal: captured output means a prompt could never be seen
  // or answered, and an inherited stdin that never closes would hang the repo until its
  // timeout.
  command.stdin_null = true;
  command.env = t.settings.env;
  command.env.emplace_back("MR_REPO", t.repo.path.string());
  command.env.emplace_back("MR_CONFIG", t.repo.location.file.string());
  command.env.emplace_back(registry::k_config_for_variable, t.repo.location.file.string());
  command.env.emplace_back("MR_ACTION", std::string(action));
  command.env.emplace_back("PWD", command.cwd.string());
  command.env.insert(command.env.end(), t.env.begin(), t.env.end());
  return command;
}

// How long the signal thread may take to turn mr's own SIGINT into the interrupt.
constexpr std::chrono::seconds k_signal_delivery{5};

// Whether `stop` fired within `limit`.
bool wait_for_stop(const std::stop_token& stop, std::chrono::milliseconds limit) {
  std::mutex mutex;
  std::condition_variable_any fired;
  std::unique_lock lock(mutex);
  return fired.wait_for(lock, stop, limit, [] { return false; }) || stop.stop_requested();
}

Result<proc::Outcome> run_attached(RepoTask& t, proc::Command command) {
  if (!t.settings.terminal->begin(t.task.index(), t.index, t.header_action, t.task.stop_token())) {
    return cancelled();
  }
  command.attached = true;
  command.stdin_null = false;
  auto outcome = proc::run(command, t.task.output(), t.task.stop_token());
  if (outcome && outcome->signal == SIGINT && !outcome->stopped) {
    // Ctrl-C reached only the command, in the terminal's foreground: mr stops too, as
    // myrepos, which shares that signal. The repository was interrupted, not failed: the
    // interrupt must have reached this task when it returns (the signal is handled on
    // another thread), so that it counts as cancelled, "interrupted", as at -jN.
    ::kill(::getpid(), SIGINT);
    outcome->stopped = wait_for_stop(t.task.stop_token(), k_signal_delivery);
  }
  return outcome;
}

} // namespace

Result<proc::Outcome> run_argv(RepoTask& t, std::string_view action,
                               const std::vector<std::string>& argv) {
  proc::Command command = repo_command(t, action, argv);
  if (t.settings.terminal && t.may_attach) {
    return run_attached(t, std::move(command));
  }
  auto outcome = t.settings.split_errors
                     ? proc::run(command, t.task.output(), t.task.errors(), t.task.stop_token())
                     : proc::run(command, t.task.output(), t.task.stop_token());
  if (outcome) {
    t.errors() += proc::left_running_note(*outcome);
  }
  return outcome;
}

Result<proc::Outcome> run_argv(RepoTask& t, std::string_view action,
                               const std::vector<std::string>& argv, task::OutputBuffer& output) {
  auto outcome = proc::run(repo_command(t, action, argv), output, t.task.stop_token());
  if (outcome) {
    output += proc::left_running_note(*outcome);
  }
  return outcome;
}

Result<proc::Outcome> run_shell(RepoTask& t, std::string_view action, std::string_view script,
                                const std::vector<std::string>& args) {
  // myrepos runs `true` and `false` without a shell; so do we (skip = "true", list = ...).
  const auto trimmed = util::trim(script);
  if (trimmed == "true" || trimmed == "false") {
    proc::Outcome outcome;
    outcome.exit_code = trimmed == "true" ? 0 : 1;
    return outcome;
  }
  // As myrepos: the library, then settings.lib and the repository's lib, then the script.
  std::string text = "set -e\n";
  text += k_shell_library;
  text += t.command.registry.settings.lib;
  if (!t.repo.lib.empty()) {
    text += t.repo.lib + "\n";
  }
  text += script;
  std::vector<std::string> argv = {"/bin/sh", "-c", std::move(text), "sh"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_argv(t, action, argv);
}

task::TaskResult result_of(const Error& error) {
  return error.cancelled() ? task::TaskResult::cancelled()
                           : task::TaskResult::failed(error.message);
}

task::TaskResult result_of(const Result<proc::Outcome>& outcome) {
  if (!outcome) {
    return task::TaskResult::failed(outcome.error().message, 127);
  }
  if (outcome->stopped) {
    auto r = task::TaskResult::cancelled();
    r.exit_code = outcome->exit_code;
    return r;
  }
  if (outcome->signal != 0) {
    return task::TaskResult::failed("command killed by signal " + std::to_string(outcome->signal),
                                    outcome->exit_code);
  }
  if (outcome->exit_code != 0) {
    return task::TaskResult::failed("command failed", outcome->exit_code);
  }
  return task::TaskResult::ok();
}

} // namespace mr::cmd
