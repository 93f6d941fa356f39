// Paths as the user sees them (logical: through symlinks, as the shell's $PWD shows them)
// and as the kernel sees them (physical: symlinks resolved). Repo selection compares both,
// so a tree reached through a symlinked parent works from either side.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <mr/util/result.hpp>

namespace mr::util {

namespace fs = std::filesystem;

// The effective user as the password database has it (name and home directory; empty
// when there is no entry). Read once, thread-safely: tasks ask from every worker.
struct Account {
  std::string name;
  std::string home;
};
const Account& current_account();

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

// Where the file `abs` is found: its directory with symlinks resolved, its own name kept
// even when it is a symlink. Two files at the same location are one name in one directory,
// so relative paths written in them mean the same; a link elsewhere to that file is not.
fs::path physical_location(const fs::path& abs);

// Where `abs` leads when something is opened or created there, as the kernel would walk
// it: each existing component is resolved, a symlink followed even when it dangles
// (creating through it would follow it too), ".." applied to what is resolved so far, and
// the missing rest appended as written. Errors (one line naming the path): a symlink
// loop, a component that cannot be examined (permission denied).
Result<fs::path> resolve_path(const fs::path& abs);

// Confinement, for paths a file mr does not trust may name: resolve_path(abs) when that
// lies at or below `dir` (a physical path, e.g. from resolve_path), else an error
// "resolves to X, outside DIR". Whatever checks a path before creating or recording it
// (checkout, register, a future discover) calls this, then creates beneath `dir` with
// make_directories_beneath() (file_io.hpp), which refuses a symlink put in the way.
Result<fs::path> resolve_within(const fs::path& abs, const fs::path& dir);

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
