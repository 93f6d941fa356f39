// Which files are the registry's roots, in the order they are loaded.
//
// - -c FILE, else $MR_CONFIG: that file alone (and what it includes and chains).
// - Else, in a command that a parent mr started (a hook, a script run by `mr run`) whose
//   $MR_CONFIG is still the value that parent set: the parent's root files, so a nested mr
//   sees the registry its parent saw, whichever file defined the repository it runs in.
// - Else, as myrepos: ~/.mrconfig.toml, then the nearest .mrconfig.toml in the current
//   directory or its parents below $HOME, when there is one. Both are loaded.
// Outside $HOME (a walk that starts elsewhere) only a file the user owns is picked up, so
// a /tmp/.mrconfig.toml someone else left there never becomes part of your registry.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <mr/util/paths.hpp>

namespace mr::registry {

enum class RootSource { option, environment, inherited, nearest, home };

struct RootFile {
  std::filesystem::path path; // absolute
  RootSource source;
  bool owner_only = false; // found outside $HOME: LoadOptions::root_owner_only
};

// What mr exports to every command it runs, so that a nested mr finds the same registry:
// the root files (one per line), the MR_CONFIG value it set, and whether it trusted all.
inline constexpr const char* k_roots_variable = "MR_REGISTRY_ROOTS";
inline constexpr const char* k_config_for_variable = "MR_REGISTRY_FOR";
inline constexpr const char* k_trust_all_variable = "MR_REGISTRY_TRUST_ALL";

// The environment variables locate_roots() reads (nullptr when unset).
struct RootEnvironment {
  const char* config = nullptr;          // $MR_CONFIG
  const char* roots = nullptr;           // k_roots_variable
  const char* config_for = nullptr;      // k_config_for_variable
  const char* trust_all = nullptr;       // k_trust_all_variable
  static RootEnvironment from_process(); // getenv() of each
};

struct Roots {
  std::vector<RootFile> files; // load order; never empty
  // The roots are a parent mr's that ran with -t: trust them as it did.
  bool inherited_trust_all = false;

  // The value of k_roots_variable for these roots; empty when a path holds a newline.
  std::string exported() const;
};

// `cwd` is the logical current directory; relative -c and $MR_CONFIG values are taken
// relative to it. Only the nearest-file search touches the filesystem.
Roots locate_roots(const std::optional<std::filesystem::path>& option, const RootEnvironment& env,
                   const std::filesystem::path& cwd, const std::filesystem::path& home);

// The root file a new repository at `repo` is added to, as myrepos' register picks it: the
// root whose directory holds the repository most closely, else the first root (with the
// nearest-file search, ~/.mrconfig.toml).
const RootFile& root_for(const Roots& roots, const util::Place& repo);

} // namespace mr::registry
