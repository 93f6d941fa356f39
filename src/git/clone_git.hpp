// Private to src/git: `mr checkout` through the git binary, for remotes libgit2 cannot
// reach (and `transport = "git"`), with the same outcome as the in-process clone.
#pragma once

#include <optional>
#include <string>

#include <mr/git/network.hpp>

namespace mr::git {

// A name below the directory open as `dir`, as a path every program (libgit2, git, a
// child's chdir) can use: it leads to that directory whatever its own path has become.
std::string through(int dir, const std::string& name = {});

// `git clone` of `url` into `temp`, a directory in the one open as `parent`, run there (a
// relative URL means what it means to a checkout command there). With a branch: `git
// clone --branch`, which takes a branch or a tag of the remote; a commit id it does not
// take is cloned, then checked out detached (`git checkout --detach`). Fails with `text`
// (what the clone printed) as the error's output.
Result<void> clone_with_git(const std::string& url, const std::optional<std::string>& branch,
                            int parent, const std::string& temp, const NetContext& net,
                            const std::string& text);

} // namespace mr::git
