// Private to src/git: who wrote a note mr leaves in a repository (the update's, a fetch's),
// told apart from whoever has the same pid later. A pid alone is soon reused; with the
// process's start time (ticks since boot) and the boot's id it names one process for good.
#pragma once

#include <string>

namespace mr::git {

struct ProcessStamp {
  long pid = 0;
  unsigned long long start_time = 0; // 0: unknown
  std::string boot_id;               // empty: unknown

  // This process.
  static ProcessStamp self();
  // Is that process still running? Dead when the pid is gone, or belongs to a process
  // started at another time or in another boot; what cannot be known counts as running.
  bool running() const;
};

// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot; 0 when
// it cannot be read.
unsigned long long process_start_time(long pid);

// /proc/sys/kernel/random/boot_id: different after every boot; empty when unreadable.
const std::string& current_boot_id();

} // namespace mr::git
