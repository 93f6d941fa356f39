// Private to src/git: the tree a commit names, read straight from the object files relative
// to the git directory's descriptor: a loose object, or an undeltified entry of a pack found
// through its version-2 .idx. Status's fast path asks this once per repository; opening
// libgit2's object database costs some twenty path lookups (pack directory scan, alternates,
// multi-pack-index, mmap of every index) where this needs about ten from one descriptor.
// Anything else (alternates, a deltified commit, an unusual file) falls back to libgit2.
#pragma once

#include <optional>
#include <string>

#include <git2.h>

namespace mr::git {

// 20 raw bytes, or nullopt when the commit cannot be read (the caller then doubts).
std::optional<std::string> commit_tree(int git_dir_fd, const std::string& git_dir,
                                       const git_oid& commit);

// Whether the tree object `tree` (20 raw bytes) is there: a loose object whose header says
// tree, or a pack entry that is a tree or a delta (git reports a missing HEAD tree as "bad
// tree object"; the fast path must not answer clean for such a repository). Its content
// and its subtrees are not checked.
bool tree_present(int git_dir_fd, const std::string& git_dir, const std::string& tree);

} // namespace mr::git
