// A repository pinned by its registry `branch`: when that names a tag or a commit rather
// than a branch, `mr checkout` leaves the clone at it (a detached HEAD, as `git clone -b
// TAG` and `git checkout --detach COMMIT` do) and `mr update` leaves it alone.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <mr/util/result.hpp>

namespace mr::git {

struct Pin {
  enum class Kind { tag, commit };
  Kind kind = Kind::tag;
  bool at_pin = true; // HEAD is detached at the pinned commit
  // Why update skips it, one line: "pinned to tag v1.2 (registry branch); not updated",
  // and where HEAD is instead when it is not at the pin.
  std::string reason;
};

// Whether `branch` (the registry's) pins the repository at `repo`: it is neither a local
// branch there nor a branch of one of its remotes, but a tag, or a commit id (7 to 40 hex
// digits), whether the repository has that commit or not. nullopt: a branch, or another
// name the repository does not know (update then works as without a branch). Reads only;
// nothing is fetched.
Result<std::optional<Pin>> find_pin(const std::filesystem::path& repo, const std::string& branch);

} // namespace mr::git
