// Private to src/util: the kernel-like path walk behind resolve_path(), in steps, so that
// PathMemo can resume it from a directory it has already walked.
#pragma once

#include <cstddef>
#include <filesystem>

#include <mr/util/result.hpp>

namespace mr::util {

// Where a walk stands after some components: what they resolved to (no symlink left in
// it), how many trailing components of that do not exist, how many links were followed.
struct WalkState {
  std::filesystem::path done = "/";
  std::size_t missing = 0;
  int links = 0;
};

// Walks the components of `rest` (relative or absolute: an absolute one is taken as
// relative to `state.done`, as the components after a directory are) onward from `state`.
// Errors name the component that failed, or `abs` (the whole path asked for) for a loop.
Result<void> walk_path(WalkState& state, const std::filesystem::path& rest,
                       const std::filesystem::path& abs);

} // namespace mr::util
