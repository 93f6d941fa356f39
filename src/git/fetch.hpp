// Private to src/git: fetching one remote, through libgit2 or, where libgit2 cannot reach
// it, the git binary; and git fetch's report of what moved.
#pragma once

#include <string>

#include <git2.h>

#include <mr/git/network.hpp>

#include "remotes.hpp"

namespace mr::git {

struct FetchSpec {
  bool prune = false;    // delete remote-tracking refs gone upstream (never tags)
  bool all_tags = false; // --tags: every tag; otherwise tags follow the fetched history
};

// Fetches `remote` of the repository at `workdir` (opened as `repo`). The text is git's:
// "From URL" and one line per ref that moved, or nothing when nothing did.
Result<FetchResult> fetch_remote(git_repository* repo, const fs::path& workdir,
                                 const RemoteConfig& remote, const FetchSpec& spec,
                                 const NetContext& net);

} // namespace mr::git
