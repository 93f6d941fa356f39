// Private to src/git: `mr status`'s fast path. Most repositories of a workspace are clean;
// for them the whole answer is known once it is proven that
//   - HEAD names a branch, the index is a plain one (no split or sparse index, no entry with
//     a bit or mode stat data cannot judge) whose cache tree says it holds exactly HEAD's tree;
//   - every tracked file's stat data matches the index and is not racily clean, and no name
//     git would list as untracked exists (clean_worktree.hpp);
//   - every branch sits on a remote-tracking branch (nothing unpushed), the upstream on the
//     branch (ahead 0, behind 0), no stash, no merge/rebase/... and no interrupted mr update;
//   - nothing in the configuration changes what git compares (core.autocrlf, a worktree,
//     sparse checkout, fsmonitor, ignorecase, includeIf, a newer repository format).
// It reads .git directly (HEAD, the refs, the index once, one object: HEAD's commit) and
// libgit2 only for the configuration and, when a name is not in the index, the ignore
// rules. Anything else is a doubt: the caller (read_status) asks libgit2, whose answer is
// the output, so both paths print the same bytes.
#pragma once

#include <optional>
#include <stop_token>
#include <string>

#include <mr/git/status.hpp>

namespace mr::git {

// Why the proof stopped: a phrase for -v, and whether it stopped at a racily clean entry
// (libgit2, which judges raciness by nanoseconds, then hashes nothing; read_status refreshes
// the index anyway, or a fresh clone would be handed over on every run).
struct FastPathDoubt {
  std::string why;
  bool racy = false;
};

// The status of a repository proven clean, or nullopt with `doubt` saying why not.
std::optional<RepoStatus> read_clean_status(const StatusRequest& request,
                                            const std::stop_token& stop, FastPathDoubt& doubt);

} // namespace mr::git
