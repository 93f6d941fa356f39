// Private to src/git: the note `mr update` leaves in the repository's own git directory
// (GITDIR/mr-update, written atomically) before it changes anything in the work tree, and
// removes once the branch has moved. While it exists an update is running or was
// interrupted: status says so, and the next update finishes it (or says exactly why it
// cannot). It names the branch, the commit the update started from and the one it goes
// to, the process and the index.lock that process holds, so a lock left by a killed mr is
// recognised as its own and taken over.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <mr/util/fd.hpp>
#include <mr/util/result.hpp>

namespace mr::git {

struct UpdateNote {
  std::string branch; // "refs/heads/main"
  std::string from;   // the commit the branch was at (hex)
  std::string to;     // the commit it moves to (hex)
  long pid = 0;
  unsigned long long start_time = 0; // of that process (/proc/PID/stat), tells pid reuse
  // Written as soon as the update holds index.lock, while it reads the index and checks
  // the work tree: nothing is changed yet, and a killed process's lock is simply removed.
  bool planning = false;
  // The index.lock the process holds: device, inode and birth time (an inode number is
  // soon reused, a birth time is not). Zero when it holds none, or when the file system
  // keeps no birth time: such a lock is never taken over.
  std::uint64_t lock_dev = 0;
  std::uint64_t lock_ino = 0;
  std::int64_t lock_birth_sec = 0;
  std::uint32_t lock_birth_nsec = 0;

  // This process, holding the lock file at `lock_path` (or none: empty).
  static UpdateNote mine(std::string branch, std::string from, std::string to,
                         const std::string& lock_path);
  // Is the file at `path` the lock the note names?
  bool names_lock(const std::string& path) const;
  // Is the process that wrote the note still running?
  bool owner_running() const;
};

std::string note_path(const std::string& gitdir);

// The note, nullopt when there is none; an error names the file when it cannot be read
// or does not parse.
Result<std::optional<UpdateNote>> read_note(const std::string& gitdir);
Result<void> write_note(const std::string& gitdir, const UpdateNote& note);
Result<void> remove_note(const std::string& gitdir);

// One mr update per git directory at a time: a non-blocking flock on the directory, held
// while the object lives. (Two updates of one repository, from two mr runs, would race to
// finish the same interrupted update.)
class UpdateGuard {
public:
  static Result<UpdateGuard> acquire(const std::string& gitdir);

private:
  explicit UpdateGuard(util::FdGuard fd) : m_fd(std::move(fd)) {}
  util::FdGuard m_fd; // closing it releases the flock
};

} // namespace mr::git
