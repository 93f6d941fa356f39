// Paths as the user sees them (logical: through symlinks, as the shell's $PWD shows them)
// and as the kernel sees them (physical: symlinks resolved). Repo selection compares both,
// so a tree reached through a symlinked parent works from either side.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include <mr/util/result.hpp>

namespace mr::util {

namespace fs = std::filesystem;

// $HOME, else the password database; empty only if both are missing.
fs::path home_dir();

// "~" and "~/x" relative to `home`; anything else unchanged.
fs::path expand_user(std::string_view p, const fs::path& home);

// `p` made absolute against `base`, lexically normalised, without a trailing slash.
// No filesystem access: ".." is resolved textually, symlinks are left alone.
fs::path absolute_normal(const fs::path& p, const fs::path& base);

// How many components `p` lies below `dir` (0 when equal), or nullopt when it is not at or
// below it. Both must be absolute_normal() paths.
std::optional<std::size_t> depth_below(const fs::path& p, const fs::path& dir);

// Symlinks resolved for the part of `abs` that exists; the missing rest appended as is.
fs::path physical(const fs::path& abs);

// A directory in both forms.
struct Place {
  fs::path logical;
  fs::path physical;
};

// The current directory: $PWD when it names the same directory as getcwd() (so symlinked
// parents the user cd'ed through are kept), else getcwd().
Result<Place> current_place();

// `dir` (relative to `cwd.logical`) as a Place; an error if it is not a directory.
Result<Place> place_of(const fs::path& dir, const Place& cwd);

} // namespace mr::util
