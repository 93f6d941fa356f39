// Finding a repository from a directory inside it, and the facts `register` records.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <mr/util/result.hpp>

namespace mr::git {

struct RegisterInfo {
  std::filesystem::path top;         // the work tree's top directory (physical)
  std::optional<std::string> remote; // the remote whose url was taken
  std::optional<std::string> url;    // as configured (remote.NAME.url), not rewritten
  std::optional<std::string> branch; // the branch HEAD is on (inspect_found), if it has a
                                     // commit: none if detached or unborn
};

// Looks for a repository at `dir` or above it. The url comes from the current branch's
// remote (branch.NAME.remote), else "origin", else the only remote if there is exactly one.
// Errors: not inside a git repository, a bare repository, an unreadable repository.
Result<RegisterInfo> inspect_for_register(const std::filesystem::path& dir);

// The same facts of the repository found at `path` (discover.hpp), its branch too: `path`
// is the top of its work tree or, `bare`, the bare repository itself; nothing above it is
// looked at. Opened as every action opens one (the user's config read once per run, git's
// ownership rule). Errors: one line, without the path.
Result<RegisterInfo> inspect_found(const std::filesystem::path& path, bool bare);

} // namespace mr::git
