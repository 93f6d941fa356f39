// Private to src/git: the tree an index describes, as `git write-tree` would name it, without
// writing anything. Comparing it with HEAD's tree tells whether anything is staged, with no
// object read but HEAD's commit (libgit2's status reads every tree of HEAD to diff them).
#pragma once

#include <optional>
#include <string>

#include "index_file.hpp"

namespace mr::git {

// The root tree's object id (20 raw bytes), computed from the entries: each directory's
// tree serialised as git serialises it and hashed by libgit2. The index's own cache tree
// (its TREE extension) is not trusted: a tool that rewrites entries may leave it stale, and
// git status does not use it either. Precondition: every entry is at stage 0 and none is
// intent-to-add (index_entries_doubt() found nothing). nullopt if an entry's path is not one
// a tree can hold (empty components, a trailing '/').
std::optional<std::string> index_tree_id(const IndexFile& index);

} // namespace mr::git
