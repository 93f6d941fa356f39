// Private to src/registry: the locked read-modify-write that register and unregister do,
// for the other edits of one registry file (mr config).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <mr/registry/registry.hpp>

namespace mr::registry {

// What to change, chosen with the registry as it is under the lock.
struct PlannedEdit {
  std::filesystem::path file; // a file of the registry (or its root, which may not exist)
  // The repository whose table changes, if any: how far its file is trusted decides
  // whether it may be written through a symbolic link (edit.hpp).
  const Repo* repo = nullptr;
  // The file's new text from its current one; returning the same text writes nothing.
  std::function<Result<std::string>(const std::string& text)> edit;
};

// nullopt: nothing to change.
using EditPlanner = std::function<Result<std::optional<PlannedEdit>>(const Registry& registry)>;

// Locks the root file's directory, loads the registry, asks `plan` what to change, locks
// that file's directory too, and rewrites the file as register does: through a symbolic
// link only as edit.hpp allows, re-read, edited, checked to parse, replaced atomically.
Result<void> edit_registry(const LoadOptions& load, const EditPlanner& plan);

} // namespace mr::registry
