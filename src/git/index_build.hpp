// Private to src/git: the index after a fast-forward, built from the index as read (under
// index.lock) and the paths the update changed. Every entry the update does not touch is
// kept as it was (flags, stat data), except that racily clean ones may be smudged; the
// cache tree (TREE) is invalidated along the changed paths and the resolve-undo records
// (REUC) are kept. The other extensions describe the old entries (untracked cache,
// fsmonitor, offsets) and are dropped: git rebuilds them when it wants them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "index_file.hpp"

namespace mr::git {

struct NewEntry {
  std::uint32_t mode = 0;
  std::string oid; // 20 raw bytes
  IndexStat stat;  // its mode field is ignored: the entry's mode is written
};

// The new state of one path at stage 0: an entry, or none (removed).
struct IndexEdit {
  std::string path;
  std::optional<NewEntry> entry;
};

// `edits` sorted by path, one per path; `smudge`: indexes of kept entries whose recorded
// size is set to 0 (racily clean entries whose file may differ). Fails when the result
// would hold a file and a directory of the same name, or the old index is one mr must not
// rewrite (split or sparse index, an extension it does not know that git requires).
Result<std::string> build_index(const IndexFile& old, const std::vector<IndexEdit>& edits,
                                const std::vector<std::size_t>& smudge);

// Why mr cannot rewrite this index, or nullopt when it can.
std::optional<std::string> cannot_rewrite(const IndexFile& index);

} // namespace mr::git
