// Running a child process for a task: in its own process group, stdout and stderr merged
// into the task's buffer (in the order written, through one pipe), stdin from /dev/null
// unless asked otherwise. Cancellation through the stop token sends SIGTERM to the whole
// group and SIGKILL after a grace period, so grandchildren (`sh -c 'a & b'`) go too. The
// child is always reaped: no zombies; what is left of its group when it exits is killed:
// no orphans holding the output pipe.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::proc {

struct Command {
  std::vector<std::string> argv; // argv[0] is looked up in $PATH
  std::filesystem::path cwd;
  std::vector<std::pair<std::string, std::string>> env; // set over the inherited environment
  bool stdin_null = true;
  std::optional<std::string> input; // written to stdin, which is then closed (over stdin_null)
};

struct Outcome {
  int exit_code = 0;    // the exit status, or 128 + N after signal N
  int signal = 0;       // the signal that ended it, 0 if it exited
  bool stopped = false; // the stop token fired and we signalled it
  bool killed = false;  // it needed SIGKILL after the grace period
};

struct Options {
  std::chrono::milliseconds grace{2000};
};

// Runs `command`, appending its output to `output`, until it exits or `stop` fires. The
// error is one line: the command could not be started (not found, not executable, cwd
// missing).
Result<Outcome> run(const Command& command, std::string& output, const std::stop_token& stop,
                    const Options& options = {});

// The same with standard error kept apart, in `errors`: for helper programs whose output
// is data (git credential fill, ssh -G).
Result<Outcome> run(const Command& command, std::string& output, std::string& errors,
                    const std::stop_token& stop, const Options& options = {});

// Sends `sig` to every child process group still running (a second Ctrl-C).
void signal_all(int sig) noexcept;

// How many child process groups are running now.
std::size_t running_count() noexcept;

} // namespace mr::proc
