// `mr config`: reading and changing one value of the registry, in the file that defines it.
//
// The keys of a repository: url, branch, tags, order, skip, deleted, lib, chain, transport
// and commands.NAME. The keys of the file-wide tables (`DEFAULT`, as myrepos calls them):
// those of [settings] (jobs, timeout, transport, connections_per_host, stall_timeout, lib),
// commands.NAME and alias.NAME.
//
// A value is read from the file that defines it: a repository's from the file listing the
// repository, a file-wide one from the last file loaded that sets it (the one whose value
// counts). A change goes to that same file; a file-wide key no file sets goes to the root
// file (LoadOptions::root). Changes are written as register writes (edit.hpp): under the
// lock, textually, every other byte kept, atomically; and only when the registry with the
// change loads, so a value is refused exactly as the loader would refuse it (its type, its
// range, a command in a file that is not trusted), with nothing written.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mr/registry/registry.hpp>
#include <mr/util/paths.hpp>

namespace mr::registry {

// The literal that names the file-wide tables instead of a repository.
inline constexpr std::string_view k_config_default = "DEFAULT";

struct ConfigChange {
  std::string key;
  std::optional<std::string> value; // as typed; nullopt removes the key (KEY=)
};

// Whether `key` is a key of a repository (`repo`) or of the file-wide tables:
// "unknown key ... (expected ...)" otherwise.
Result<void> check_config_key(bool repo, std::string_view key);

// check_config_key, and whether the value can be of the key's type: a string key takes any
// text; tags a comma-separated list or a TOML array of strings; order a number; chain
// true or false; skip and deleted true, false or a command; jobs and connections_per_host
// an integer; timeout and stall_timeout an integer (seconds) or a duration. Otherwise
// "KEY: expected ...". Ranges and trust are the loader's to judge (set_config).
Result<void> check_config_change(bool repo, const ConfigChange& change);

// The repository registered at `place` (its path as written or resolved), or nullptr.
const Repo* find_config_repo(const Registry& registry, const util::Place& place);

// KEY's value as `mr config` prints it: a string as it is, anything else as TOML (an
// array as ["a", "b"]); nullopt when it is not set. `repo` null: the file-wide tables.
Result<std::optional<std::string>> config_value(const Registry& registry, const Repo* repo,
                                                std::string_view key);

// The repository's table (or, `repo` null, the file-wide tables, each key from the file
// whose value counts) as TOML that could be pasted into a registry file.
Result<std::string> config_table(const Registry& registry, const Repo* repo);

struct ConfigRequest {
  LoadOptions load;                // the root file is where new file-wide keys go
  std::optional<util::Place> repo; // nullopt: the file-wide tables
  std::vector<ConfigChange> changes;
};

// Makes every change in one write of one file, or none: a change refused, or changes
// that would go to different files, write nothing. Changing a value to what it is already,
// or removing a key that is not set, writes nothing either.
Result<std::filesystem::path> set_config(const ConfigRequest& request);

} // namespace mr::registry
