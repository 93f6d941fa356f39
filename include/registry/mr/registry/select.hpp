// Which registered repositories an invocation acts on (as myrepos):
//  1. every repo at or below the directory (cwd or -d), within -n levels, in registry order;
//  2. else the deepest repo that contains the directory, alone, "(in subdir X)";
//  3. else none (the caller reports "no repositories found to work on").
// Paths are compared both as written and with symlinks resolved, on both sides, so a tree
// reached through a symlinked parent is found from either side of the link.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <mr/registry/registry.hpp>
#include <mr/util/paths.hpp>

namespace mr::registry {

struct SelectOptions {
  util::Place directory;                // where mr acts: cwd or -d
  std::optional<std::size_t> max_depth; // -n N
  std::vector<std::string> tags;        // -g: any of them; empty = all repos
};

struct Selected {
  const Repo* repo;
  std::optional<std::string> subdir; // set in case 2: the directory relative to the repo
};

std::vector<Selected> select(const Registry& registry, const SelectOptions& options);

// The registered repo at `place`, else the deepest one containing it (what `unregister`
// acts on); nullptr if none.
const Repo* find_enclosing(const Registry& registry, const util::Place& place);

} // namespace mr::registry
