// Private to src/registry: what mr config's keys are, where each lives in a registry file,
// and how a typed value becomes the TOML text written for it (config_keys.cpp); shared by
// the reads (config_read.cpp) and the edit (config_edit.cpp).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include <mr/registry/registry.hpp>

#include "text_edit.hpp"

namespace mr::registry::config_keys {

// The type of a key's value in the registry, as the loader reads it.
enum class Kind {
  string,
  tags,            // an array of strings
  number,          // an integer or a float
  integer,         //
  boolean,         //
  flag_or_command, // true, false or a shell command (skip, deleted)
  duration,        // seconds as an integer, or a duration string
};

struct Key {
  // Where it lives: within a repository's table ({} or {"commands"}), or in the file
  // ({"settings"}, {"commands"}, {"alias"}).
  text_edit::TablePath table;
  std::string name; // its name in that table
  Kind kind = Kind::string;
};

// `key` as typed, for a repository's table (`repo`) or the file-wide tables.
Result<Key> parse(bool repo, std::string_view key);

// The TOML text written for `value` (as typed) of `key` (`typed`, for the error).
Result<std::string> value_text(const Key& key, std::string_view typed, std::string_view value);

// A registry file, parsed.
Result<toml::table> read_file(const std::filesystem::path& file);

// The node at `path` + `name` in `root`, or nullptr.
const toml::node* find(const toml::table& root, const text_edit::TablePath& path,
                       std::string_view name);

// A file-wide key as Registry::defined_in names it: "settings.timeout", "commands.NAME".
std::string dotted(const Key& key);

// The file whose value of the file-wide `key` is in force (the last one the loader applied,
// Registry::defined_in), or nullopt.
Result<std::optional<std::filesystem::path>> defining_file(const Registry& registry,
                                                           const Key& key);

} // namespace mr::registry::config_keys
