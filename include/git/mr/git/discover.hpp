// Finding the git repositories below a directory (`mr discover`), quickly and within bounds.
//
// The walk reads each directory once (readdir's file types; a stat only where the
// filesystem gives none) and recognises a repository by what its directory holds: a
// `.git` entry (directory, file or link: work trees, linked worktrees, submodules) makes
// it a work tree; HEAD, objects/ and refs/ make it a bare repository. It never enters a
// `.git` directory or a bare repository, enters a work tree only for `nested`, and never
// follows a symbolic link below the directory searched, so a link loop cannot hold it;
// a directory reached twice (a bind mount of an ancestor) is read once. A directory it
// cannot read is a warning, and the walk goes on.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::git {

struct FoundRepo {
  std::filesystem::path relative; // below the directory searched; empty for that directory
  bool bare = false;
};

struct SearchOptions {
  bool nested = false;        // also look inside the work trees found (submodules, nested clones)
  bool bare = false;          // report bare repositories; without it they are only counted
  std::size_t max_depth = 64; // directories below the one searched
  std::size_t max_entries = 5'000'000; // directory entries read in all
  std::stop_token stop = {};
};

struct SearchResult {
  std::vector<FoundRepo> repos;      // sorted by path
  std::vector<std::string> warnings; // one line each: a directory not read, and why
  std::size_t bare_skipped = 0;      // bare repositories left out (SearchOptions::bare unset)
};

// Every repository at or below `dir` (which may itself be reached through symbolic links).
// Errors: `dir` cannot be read; more than max_entries entries (nothing is returned, so
// that a partial result is never taken for the whole); cancelled through `stop`.
Result<SearchResult> find_repositories(const std::filesystem::path& dir,
                                       const SearchOptions& options);

} // namespace mr::git
