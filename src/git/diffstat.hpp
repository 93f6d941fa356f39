// Private to src/git: git's `--stat --summary` between two trees, as `git pull` prints it
// after a fast-forward ("file | 2 +-", "1 file changed, ...", " create mode 100644 x").
#pragma once

#include <cstddef>
#include <string>

#include <git2.h>

namespace mr::git {

std::string diffstat_between(git_repository* repo, git_tree* from, git_tree* to, std::size_t width);

} // namespace mr::git
