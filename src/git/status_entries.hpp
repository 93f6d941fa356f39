// Private to src/git: the per-file part of read_status(). Each entry of libgit2's status
// list becomes the two letters git status --short shows (or an untracked "??" line), with
// git's corrections: unmerged stages, intent-to-add, sparse entries, submodules, and files
// libgit2 calls deleted that are there but unreadable (git warns and leaves them out).
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <git2.h>

#include <mr/git/status.hpp>

#include "status_renames.hpp"

namespace mr::git {

// A tracked file git may not look at, and lstat's errno for it.
struct Unreadable {
  std::string path;
  int error = 0; // errno
};

// What the walk over the status list gathers besides the entries.
struct Scan {
  git_repository* repo;
  git_index* index; // may be null
  std::string workdir;
  std::unordered_set<std::string_view> changed; // tracked files changed in the work tree
  std::vector<Unreadable> unreadable;
  // -uno (status.showUntrackedFiles=no): a submodule with only untracked content is not
  // listed either, as git passes the mode on to submodules.
  bool untracked_in_submodules = true;
  StatusRenames renames; // staged deletions and additions git pairs
};

// One entry of libgit2's status list into `st`.
void add_entry(Scan& scan, const git_status_entry* e, RepoStatus& st);

// What git prints on stderr for tracked files it may not look at: one line per file, then
// one per directory it cannot open (the outermost one on the file's path).
std::vector<std::string> unreadable_warnings(const std::string& workdir,
                                             const std::vector<Unreadable>& files);

} // namespace mr::git
