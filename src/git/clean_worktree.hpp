// Private to src/git: the proof behind `mr status`'s fast path that a work tree matches its
// index, with the fewest system calls: every tracked file is lstat'ed relative to its
// directory's descriptor and its stat data compared with the index as git compares it, and
// every directory that holds a tracked file is listed once to find names the index does not
// know.
//
// It only ever proves; it never explains. Any doubt (an entry whose stat data differs or is
// racily clean, a bit or mode the fast path does not judge, a directory reached through a
// symbolic link, an unlisted name the ignore rules do not exclude, an error) ends the proof
// with a short reason, and the caller hands the repository to libgit2, whose answer is then
// the output. So this code can be wrong only in one direction that matters: it must never
// say "matches" where git would show something.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include <mr/git/status.hpp>

#include "index_file.hpp"

namespace mr::git {

// How git compares stat data (core.trustctime, core.checkStat, core.fileMode).
struct StatRules {
  bool trust_ctime = true;
  bool check_stat_minimal = false; // core.checkStat=minimal: mtime seconds, size, mode only
  bool file_mode = true;           // the executable bit counts
};

struct WorktreeCheck {
  StatRules rules;
  Untracked untracked = Untracked::normal; // no: directories are not searched for new names
  // Whether `path` (relative to the top; a directory's with a trailing '/') is ignored:
  // true, false, or nullopt when that cannot be told. Called only for names the index does
  // not hold, possibly from several threads at once, never concurrently with itself.
  std::function<std::optional<bool>(const std::string& path)> ignored;
  ParallelFor parallel; // may be empty: everything on the calling thread
  std::stop_token stop;
};

// The index entries the fast path cannot judge from stat data alone: unmerged,
// skip-worktree, assume-unchanged, intent-to-add, gitlinks, symbolic links where
// core.symlinks is off, unknown modes. nullopt when there is none, else why.
std::optional<std::string> index_entries_doubt(const IndexFile& index, bool symlinks);

struct WorktreeDoubt {
  std::string why;   // a short phrase for -v ("d/f: stat data differs")
  bool racy = false; // an entry was racily clean: the index is worth refreshing
};

// nullopt when the work tree under `top_fd` (the repository's top directory) provably
// matches `index`: no tracked file changed, none missing, no untracked file git would show.
// Else the first doubt found.
std::optional<WorktreeDoubt> worktree_doubt(int top_fd, const IndexFile& index,
                                            const WorktreeCheck& check);

// Entries at least this many are checked on idle workers too (WorktreeCheck::parallel).
inline constexpr std::size_t k_parallel_entries = 2048;

} // namespace mr::git
