// Private to src/git: git's rename similarity (diffcore-rename.c estimate_similarity() over
// diffcore-delta.c's span hashes), as a libgit2 similarity metric, so renames pair up and
// print "similarity index N%" as git's do. libgit2's own metric scores differently.
#pragma once

#include <git2.h>

namespace mr::git {

// A metric for git_diff_find_options::metric; valid for the process's lifetime.
git_diff_similarity_metric* git_similarity_metric();

} // namespace mr::git
