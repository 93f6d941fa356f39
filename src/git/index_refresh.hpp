// Private to src/git: the opportunistic index refresh `mr status` does, as git status
// does it. Files whose stat data no longer matches the index (touched, restored from a
// backup, checked out by another tool) are hashed again by every status until the index
// records their new stat data; git writes it back, and so does mr, without ever undoing
// what another process did to the index meanwhile:
//
//   1. libgit2 computes the status without writing anything. When it hashed no file,
//      every entry's stat data matched: there is nothing to refresh, and nothing more is
//      done (the usual case costs nothing);
//   2. otherwise finish() reads the index (IndexFile) and, for each entry whose stat data
//      is stale or racy and that status did not find changed, lstats the file and then
//      hashes it, as git's refresh does: stat data taken before a hash that matched;
//   3. it takes index.lock (a lock held by anyone else: skip), checks that the index on
//      disk is still byte for byte the one read (its checksum, which must also be the one
//      libgit2 read; else skip), patches the stat fields in place in a copy (fixed size,
//      so every extension and offset stays valid), re-checksums, writes, syncs, renames.
//
// Racy git: a file whose mtime is not older than this run's start (or than the lock file)
// could change again unseen in the same clock tick: it is never refreshed, and a racily
// clean entry that status found modified, or that could have changed unseen, is smudged
// (size 0) when the index is written, as git does. Gitlinks, skip-worktree,
// assume-unchanged, intent-to-add and unmerged entries are never touched. A split or
// sparse index, one with extensions mr does not know, one without a checksum or one owned
// by another user is never written.
#pragma once

#include <ctime>
#include <functional>
#include <string>
#include <string_view>

#include <git2.h>

namespace mr::git {

class IndexRefresh {
public:
  // Before status: notes the time (nothing else).
  explicit IndexRefresh(std::string gitdir);

  // What finish() did, for diagnostics and tests.
  enum class Outcome { nothing_to_do, written, skipped };
  struct Report {
    Outcome outcome = Outcome::nothing_to_do;
    std::size_t refreshed = 0;
    std::size_t smudged = 0;
    std::string why; // for skipped
  };

  // After status. `index_checksum`: the checksum of the index libgit2 computed the status
  // from (20 raw bytes); `worktree_changed(path)`: status found that tracked file changed
  // in the work tree (modified, deleted, type changed).
  Report finish(git_repository* repo, std::string_view index_checksum,
                const std::function<bool(std::string_view)>& worktree_changed);

private:
  std::string m_gitdir;
  timespec m_started{}; // the coarse clock before status looked at any file
};

} // namespace mr::git
