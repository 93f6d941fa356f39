// Private to src/git: the ref locks of a fetch or an update killed while libgit2 wrote
// its refs.
//
// libgit2 writes each ref through a lock file beside it (refs/remotes/origin/main.lock,
// refs/heads/main.lock, packed-refs.lock, FETCH_HEAD.lock) and renames it into place. A
// process killed in between (SIGKILL, a crash) leaves the lock, and every later write of
// that ref fails on it, as git's would. So, just before the refs are written, mr leaves a
// note in the repository's common git directory (mr-refs-PID: the process, and where its
// locks can appear) and removes it once they are written. The next fetch or update of the
// repository finds a note whose process is dead and removes the locks that process could
// have left: lock files under the places the note names, made after the note was written,
// that no process has open and that have stayed for a second (a live git renames its lock
// within milliseconds). A lock that fails any of these is left alone, and the failure on
// it says how to remove it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <git2.h>

#include <mr/util/result.hpp>

#include "process_stamp.hpp"

namespace mr::git {

struct RefLockNote {
  ProcessStamp owner;
  // Lock files the fetch may create (absolute), and directories under which any "*.lock"
  // may be one of its ref locks.
  std::vector<std::string> files;
  std::vector<std::string> under;

  // The note for a fetch by this process into `repo` through `refspecs` (their
  // destinations tell where its ref locks go), tags included.
  static RefLockNote mine(git_repository* repo, const std::vector<std::string>& refspecs);
  // The note for this process writing the one ref `ref` ("refs/heads/main").
  static RefLockNote for_ref(git_repository* repo, const std::string& ref);
};

// Written when the refs are about to be written, removed (best effort) on destruction.
class RefLockNoteGuard {
public:
  static Result<RefLockNoteGuard> write(git_repository* repo, const RefLockNote& note);
  RefLockNoteGuard(RefLockNoteGuard&& other) noexcept : m_path(std::move(other.m_path)) {
    other.m_path.clear();
  }
  RefLockNoteGuard(const RefLockNoteGuard&) = delete;
  RefLockNoteGuard& operator=(const RefLockNoteGuard&) = delete;
  RefLockNoteGuard& operator=(RefLockNoteGuard&&) = delete;
  ~RefLockNoteGuard();

private:
  explicit RefLockNoteGuard(std::filesystem::path path) : m_path(std::move(path)) {}
  std::filesystem::path m_path;
};

// Before a fetch or update: removes the ref locks of processes that are dead, as above, and
// their notes once nothing of theirs is left. Best effort: what it cannot remove stays.
void remove_dead_ref_locks(git_repository* repo);

// libgit2's "failed to lock file '...lock' for writing" with what to do about it.
std::string explain_lock_failure(const std::string& message);

} // namespace mr::git
