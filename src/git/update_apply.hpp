// Private to src/git: carrying out a fast-forward, under index.lock and with the update's
// note written, and finishing one that was interrupted (update_recover.cpp).
//
// Files are replaced, not rewritten: a file both commits hold as a regular file gets its
// new version in a new file renamed over the old one, so a hard link elsewhere or a
// running program keeps the old content (as with git), and an interruption (a kill, a full
// disk) leaves it old or new, never missing. Other paths are written by libgit2's
// checkout: an interruption leaves each of them old, new, missing, or holding the first
// bytes of the new version. The index is built by mr (index_build.hpp) and written into the held
// lock, synced and renamed; only then does the branch move, from the commit it was at.
#pragma once

#include <string>
#include <vector>

#include <git2.h>

#include <mr/util/result.hpp>

#include "index_file.hpp"
#include "index_lock.hpp"
#include "update_plan.hpp"

namespace mr::git {

struct Work {
  std::vector<PathChange> checkout;   // files and symlinks libgit2 writes or removes
  std::vector<PathChange> submodules; // gitlinks: the index entry (and an empty directory)
  // Paths whose file already holds the new version (an interrupted update wrote it), with
  // the stat data taken before the content was hashed.
  std::vector<std::pair<PathChange, IndexStat>> in_place;
  std::vector<PathChange> already_gone; // removals whose file is not there any more
  // Changed paths whose file is not there: written by mr (libgit2's checkout does not
  // recreate a missing path whose type changes).
  std::vector<PathChange> create;

  bool empty() const {
    return checkout.empty() && submodules.empty() && in_place.empty() && already_gone.empty() &&
           create.empty();
  }
};

// What a checkout of `target` restricted to work.checkout would find in its way (a dry
// run): the paths libgit2 calls conflicts.
Result<std::vector<std::string>> checkout_conflicts(git_repository* repo, git_tree* baseline,
                                                    git_commit* target, const Work& work);

// The index the work leads to, with placeholder stat data: refuses what cannot be an
// index (a file where a directory is), before anything is touched.
Result<void> check_index_result(const IndexFile& index, const Work& work);

// Changes the work tree and writes the index into `lock`, then renames it over the index.
// `force`: overwrite whatever the files hold (finishing an interrupted update, whose
// partial writes were checked to be its own).
Result<void> carry_out(git_repository* repo, git_tree* baseline, git_commit* target,
                       const Work& work, const IndexFile& index, IndexLock& lock, bool force);

// Moves `branch_ref` from `from` to `to`, refusing if it is no longer at `from`.
Result<void> move_branch(git_repository* repo, const std::string& branch_ref, const git_oid& from,
                         const git_oid& to);

// git pull's report of a fast-forward: "Updating A..B", "Fast-forward", the diffstat.
std::string fast_forward_text(git_repository* repo, git_commit* from, git_commit* to,
                              std::size_t stat_width);

struct UpdateNote;

// An update interrupted in this repository (its note is there and its process gone):
// finished if every path it changes is still as the update left it (the old version, the
// new one, missing, or the first bytes of the new one), else refused with what changed
// and the git commands that finish it. Returns the lines to print.
Result<std::string> finish_interrupted(git_repository* repo, const std::string& gitdir,
                                       const UpdateNote& note, std::size_t stat_width);

} // namespace mr::git
