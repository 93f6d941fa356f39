// Registering and unregistering repositories: the only writes to registry files.
//
// Every write holds an exclusive lock on the file's directory across read-modify-write,
// re-reads and re-validates the registry under that lock, changes one table textually
// (comments and formatting elsewhere survive), checks the result still parses, and
// replaces the file atomically (temp file, fsync, rename). A registry that does not load
// is never written, so a bad file stays byte-for-byte as it was.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <mr/registry/registry.hpp>
#include <mr/util/paths.hpp>

namespace mr::registry {

enum class EditKind { added, updated, unchanged, removed };

struct EditOutcome {
  EditKind kind;
  fs::path file; // the file that was (or would have been) changed
  fs::path repo; // the repository's registered path
};

struct RegisterRequest {
  LoadOptions load;               // the root file is where new repos are added
  util::Place repo;               // the repository's top directory
  std::optional<std::string> url; // nullopt: register without a url (an existing one stays)
};

// Adds the repo to the root file, or updates the url of its existing entry in whichever
// loaded file defines it (same path, either form); never adds a duplicate.
Result<EditOutcome> register_repo(const RegisterRequest& request);

// Removes the repo registered at `target`, or the deepest one containing it.
Result<EditOutcome> unregister_repo(const LoadOptions& load, const util::Place& target);

// The key a new table for `repo` gets in `root_file`: relative to the file's directory
// when the repo is below it, else "~/..." below home, else absolute.
std::string key_for(const util::Place& repo, const fs::path& root_file, const fs::path& home);

} // namespace mr::registry
