// Running a child process for a task: in its own process group, stdout and stderr merged
// into the task's output buffer (in the order written, through one pipe) or kept in two,
// stdin from /dev/null unless asked otherwise; or attached to mr's own standard streams
// (Command::attached), where a terminal on stdin is handed to the child while it runs. Cancellation
// through the stop token sends SIGTERM to the whole group and SIGKILL after a grace period, so
// grandchildren (`sh -c 'a & b'`) go too. Every run ends:
//  - the child is always reaped, and whatever is left of its group when it is done is
//    killed: no zombies, no orphans. Output still arriving after the child exited is read
//    for a moment; then what holds the pipe in its group is cancelled the same way;
//  - a process that left the group (setsid) and still holds the pipe is not waited for:
//    the pipe is closed and Outcome::left_running names it;
//  - if mr dies, even by SIGKILL, the child's whole group is cancelled as above, SIGTERM
//    then SIGKILL after the grace period (so git removes its index.lock): the child has
//    PR_SET_PDEATHSIG(SIGTERM), and a watchdog process (started with the first child)
//    signals the groups still running when mr is gone. What left the group is not touched.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include <mr/task/output_buffer.hpp>
#include <mr/util/result.hpp>

namespace mr::proc {

struct Command {
  std::vector<std::string> argv; // argv[0] is looked up in $PATH
  std::filesystem::path cwd;
  std::vector<std::pair<std::string, std::string>> env; // set over the inherited environment
  bool stdin_null = true;
  std::optional<std::string> input; // written to stdin, which is then closed (over stdin_null)
  // The child gets mr's own stdin, stdout and stderr, nothing is captured (the buffers
  // given to run() stay empty). When stdin is a terminal whose foreground mr is, the
  // child's group becomes its foreground until the child is done, so an editor or a
  // shell can read it and Ctrl-C or Ctrl-Z reach the child alone; a child stopped that
  // way (Ctrl-Z) stops mr too, and both go on together when the shell continues mr.
  bool attached = false;
};

struct Outcome {
  int exit_code = 0;    // the exit status, or 128 + N after signal N
  int signal = 0;       // the signal that ended it, 0 if it exited
  bool stopped = false; // the stop token fired and we signalled it
  bool killed = false;  // it needed SIGKILL after the grace period
  // Processes outside its group still holding its output open when it was done, as
  // "PID (COMMAND LINE)": their output was no longer read.
  std::vector<std::string> left_running;
};

struct Options {
  std::chrono::milliseconds grace{2000};
  // Helper programs only (the second run()): more than this on stdout or on stderr stops
  // the program and fails the run. Their output is data held in memory.
  std::size_t max_data = std::size_t{16} << 20;
};

// Runs `command`, appending its output to `output`, until it exits or `stop` fires. The
// error is one line: the command could not be started (not found, not executable, cwd
// missing).
Result<Outcome> run(const Command& command, task::OutputBuffer& output, const std::stop_token& stop,
                    const Options& options = {});

// The same with standard error kept apart, in `errors`, each in the order written.
Result<Outcome> run(const Command& command, task::OutputBuffer& output, task::OutputBuffer& errors,
                    const std::stop_token& stop, const Options& options = {});

// The same with standard error kept apart, in `errors`: for helper programs whose output
// is data (git credential fill, ssh -G). Either growing past Options::max_data is an error.
Result<Outcome> run(const Command& command, std::string& output, std::string& errors,
                    const std::stop_token& stop, const Options& options = {});

// One line for a run whose output was abandoned (Outcome::left_running not empty):
// "mr: stopped reading the output: PID (COMMAND) left the command's process group and
// still holds it open\n"; empty otherwise.
std::string left_running_note(const Outcome& outcome);

// Sends `sig` to every child process group still running (a second Ctrl-C).
void signal_all(int sig) noexcept;

// SIGKILL to every child process group, without waiting for a lock another thread may
// hold: for paths that end mr at once (std::terminate).
void kill_all_now() noexcept;

// Whether stdin is a terminal whose foreground process group is mr's: what an attached
// command needs to read from it.
bool terminal_on_stdin() noexcept;

// How many child process groups are running now.
std::size_t running_count() noexcept;

} // namespace mr::proc
