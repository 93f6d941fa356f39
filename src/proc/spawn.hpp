// Private to src/proc: starting one child process, and finding who holds a pipe.
#pragma once

#include <string>
#include <sys/types.h>
#include <unistd.h>
#include <vector>

#include <mr/proc/process.hpp>
#include <mr/util/fd.hpp>
#include <mr/util/result.hpp>

namespace mr::proc::detail {

// The descriptors the child gets as 0, 1 and 2 (each must be open; they may be equal).
struct ChildFds {
  int in = -1;
  int out = -1;
  int err = -1;
  int terminal = -1; // a terminal whose foreground the child's group becomes, or -1
};

// Starts `command` (argv[0] looked up in $PATH) in a process group of its own, with `fds`
// as its standard streams, no signal blocked, the signals mr takes over back at their
// defaults, and PR_SET_PDEATHSIG(SIGTERM), the foreground of `fds.terminal` if one is given: if mr
// dies, even by SIGKILL, the child is cancelled as by mr (the watchdog sends the SIGKILL after
// the grace period). (The kernel sends it when the thread that started the
// child ends; mr's children are always waited for on the thread that started them.) The error is
// one line: the command could not be started, or its working directory could not be entered.
Result<pid_t> spawn(const Command& command, const ChildFds& fds);

// A process holding one end of a pipe: its pid, process group and command line.
struct Holder {
  pid_t pid = 0;
  pid_t pgid = 0;
  std::string command; // from /proc/PID/cmdline, spaces between words; empty if unreadable
};

// The processes other than mr that have the pipe open whose descriptor is `fd` (either
// end: both share one inode), as far as /proc shows them.
std::vector<Holder> pipe_holders(int fd);

} // namespace mr::proc::detail
