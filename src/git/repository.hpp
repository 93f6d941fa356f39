// Private to src/git: opening one repository for one task, with errors a user can act on.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include <mr/util/result.hpp>

#include "handles.hpp"

namespace mr::git {

struct OpenOptions {
  bool read_only_config = false; // the task reads config but never writes it
  bool allow_bare = false;       // a bare repository is opened rather than refused
};

// Opens the repository whose work tree is exactly `path` (no search upwards, so a
// directory that is not a repository is not silently taken for its parent's).
Result<RepoPtr> open_repository(const std::filesystem::path& path, OpenOptions options = {});

// The repository's configuration (all levels), for reading: a snapshot when the
// repository was opened with read_only_config, else the live one.
class Config {
public:
  explicit Config(git_repository* repo);
  // A configuration built without a repository (the status fast path's).
  explicit Config(ConfigPtr config) : m_snapshot(std::move(config)) {}
  git_config* get() const { return m_snapshot.get(); }
  std::optional<std::string> string(const char* name) const;
  std::optional<bool> boolean(const char* name) const;
  std::optional<long long> integer(const char* name) const;

private:
  ConfigPtr m_snapshot;
};

} // namespace mr::git
