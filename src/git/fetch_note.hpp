// Private to src/git: the ref locks of a fetch killed while libgit2 wrote its refs.
//
// libgit2 writes each ref through a lock file beside it (refs/remotes/origin/main.lock,
// packed-refs.lock, FETCH_HEAD.lock) and renames it into place. A fetch killed in between
// (SIGKILL, a crash) leaves the lock, and every later fetch of that ref fails on it, as git
// would. So, just before the refs are written, the fetch leaves a note in the repository's
// common git directory (mr-fetch-PID: the process, and where its locks can appear) and
// removes it once they are written. The next fetch of the repository finds a note whose
// process is dead and removes the locks that process could have left: lock files under
// the places the note names, made after the note was written, that no process has open
// and that have stayed for a second (a live git renames its lock within milliseconds). A
// lock that fails any of these is left alone, and the fetch's failure on it says how to
// remove it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <git2.h>

#include <mr/util/result.hpp>

#include "process_stamp.hpp"

namespace mr::git {

struct FetchNote {
  ProcessStamp owner;
  // Lock files the fetch may create (absolute), and directories under which any "*.lock"
  // may be one of its ref locks.
  std::vector<std::string> files;
  std::vector<std::string> under;

  // The note for a fetch by this process into `repo` through `refspecs` (their
  // destinations tell where its ref locks go), tags included.
  static FetchNote mine(git_repository* repo, const std::vector<std::string>& refspecs);
};

// Written when the refs are about to be written, removed (best effort) on destruction.
class FetchNoteGuard {
public:
  static Result<FetchNoteGuard> write(git_repository* repo, const FetchNote& note);
  FetchNoteGuard(FetchNoteGuard&& other) noexcept : m_path(std::move(other.m_path)) {
    other.m_path.clear();
  }
  FetchNoteGuard(const FetchNoteGuard&) = delete;
  FetchNoteGuard& operator=(const FetchNoteGuard&) = delete;
  FetchNoteGuard& operator=(FetchNoteGuard&&) = delete;
  ~FetchNoteGuard();

private:
  explicit FetchNoteGuard(std::filesystem::path path) : m_path(std::move(path)) {}
  std::filesystem::path m_path;
};

// Before a fetch: removes the ref locks of fetches whose process is dead, as above, and
// their notes once nothing of theirs is left. Best effort: what it cannot remove stays.
void remove_dead_fetch_locks(git_repository* repo);

// libgit2's "failed to lock file '...lock' for writing" with what to do about it.
std::string explain_lock_failure(const std::string& message);

} // namespace mr::git
