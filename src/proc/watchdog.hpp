// Private to src/proc: the watchdog that ends mr's child process groups when mr dies.
//
// PR_SET_PDEATHSIG reaches only mr's direct children; what they started (`sh -c 'a & b'`)
// would outlive a `kill -9` of mr. So on the first child, mr forks one small process, in a
// process group of its own, holding one end of a socket whose other end only mr has. mr
// tells it each child process group as the child starts and before the child is reaped.
// When the socket reaches end-of-file, mr has ended, however it ended: the watchdog cancels
// every group it was told of and not told was done as mr cancels one, SIGTERM first (so git
// removes its index.lock and a command's `trap` runs), SIGKILL to what is left of it after
// the group's grace period; then it exits. It never outlives mr by more than the longest
// grace period, and a run that starts no child never starts it.
//
// A group id is only reused once the group is empty and its leader reaped. The watchdog
// checks the leader's start time before killing: a process now holding that id but started
// later is not ours and is left alone. Processes that left the group on purpose (setsid,
// setpgid) are not in it and are not killed.
#pragma once

#include <chrono>
#include <sys/types.h>

namespace mr::proc::detail {

// Records child `pgid` (its leader's pid), starting the watchdog if it is not running; if mr
// dies, the group gets SIGTERM, and SIGKILL `grace` later. The caller serialises calls (they
// come with the list of running groups, under its lock).
void watch_group(pid_t pgid, std::chrono::milliseconds grace) noexcept;

// Forgets it: call after the group's SIGKILL and before the leader is reaped.
void unwatch_group(pid_t pgid) noexcept;

// The watchdog's pid, 0 when none is running (for tests).
pid_t watchdog_pid() noexcept;

} // namespace mr::proc::detail
