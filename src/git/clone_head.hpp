// Private to src/git: HEAD of a fresh clone put where the registry's `branch` says, as git
// would: a branch as `git clone -b BRANCH` (that branch, tracking the remote's), a tag as
// `git clone -b TAG` (a detached HEAD at its commit, no local branch), a commit as `git
// clone && git checkout --detach COMMIT` (a detached HEAD there, the remote's default
// branch kept as the local branch clone made).
#pragma once

#include <string>

#include <git2.h>

#include <mr/util/result.hpp>

namespace mr::git {

// In `repo`, just cloned from `url` (origin) with nothing checked out: HEAD moved to what
// `name` names, then the work tree and index written with `checkout` (on an empty work
// tree and no index: every file). Fails when the remote has nothing of that name (nothing
// is checked out then).
Result<void> settle_clone_head(git_repository* repo, const std::string& name,
                               const std::string& url, const git_checkout_options& checkout);

} // namespace mr::git
