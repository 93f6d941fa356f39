// Private to src/git: the opportunistic index refresh `mr status` does, as git status
// does it. Files whose stat data no longer matches the index (touched, restored from a
// backup, checked out by another tool) have to be hashed again by every status until the
// index records their new stat data; git writes it back, and so does mr, without ever
// undoing what another process did to the index meanwhile:
//
//   1. prepare(): read the index (IndexFile) and lstat its tracked files, before libgit2
//      looks at any content;
//   2. libgit2 computes the status from the same index, without writing anything;
//   3. finish(): for the files status found unchanged, take index.lock (a lock held by
//      anyone else: skip), check that the index on disk is still byte for byte the one
//      read (its checksum; else skip), patch the stat fields in place in a copy (fixed
//      size, so every extension and offset stays valid), re-checksum, write, sync, rename.
//
// Racy git: an entry whose file may have changed in the same clock tick as its stat data
// was taken is never refreshed, and a racily clean entry that status found modified is
// smudged (size 0) when the index is written, as git does. Gitlinks, skip-worktree,
// assume-unchanged, intent-to-add and unmerged entries are never touched. A split or
// sparse index, an index with extensions mr does not know, or one owned by another user
// is never written.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "index_file.hpp"

namespace mr::git {

class IndexRefresh {
public:
  // Never fails: an index that cannot be read only means no refresh (libgit2 reports it).
  static IndexRefresh prepare(const std::string& gitdir, const std::string& workdir);

  // Tracked files that could not be looked at (a directory mr may not read): git reports
  // "PATH: Permission denied" for them and does not call them deleted.
  struct Unreadable {
    std::string path;
    int error = 0; // errno
  };
  const std::vector<Unreadable>& unreadable() const { return m_unreadable; }

  // What finish() did, for diagnostics and tests.
  enum class Outcome { nothing_to_do, written, skipped };
  struct Report {
    Outcome outcome = Outcome::nothing_to_do;
    std::size_t refreshed = 0;
    std::size_t smudged = 0;
    std::string why; // for skipped
  };

  // `index_checksum`: the checksum of the index libgit2 computed the status from (20 raw
  // bytes); `worktree_changed(path)`: status found that tracked file changed in the work
  // tree (modified, deleted, type changed).
  Report finish(std::string_view index_checksum,
                const std::function<bool(std::string_view)>& worktree_changed);

private:
  struct Candidate {
    std::size_t entry;
    IndexStat now; // from the lstat taken before status
  };

  std::string m_gitdir;
  std::optional<IndexFile> m_index;
  std::vector<Candidate> m_candidates;
  std::vector<Unreadable> m_unreadable;
  timespec m_started{}; // the coarse clock before the first lstat
};

} // namespace mr::git
