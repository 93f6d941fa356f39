// Which file is the registry's root: -c FILE, else $MR_CONFIG, else the nearest
// .mrconfig.toml in the current directory or its parents up to $HOME, else ~/.mrconfig.toml.
// Outside $HOME (a walk that starts elsewhere) only a file the user owns is picked up, so
// a /tmp/.mrconfig.toml someone else left there never becomes your registry.
#pragma once

#include <filesystem>
#include <optional>

namespace mr::registry {

enum class RootSource { option, environment, nearest, home };

struct RootFile {
  std::filesystem::path path; // absolute
  RootSource source;
  bool owner_only = false; // found outside $HOME: LoadOptions::root_owner_only
};

// `cwd` is the logical current directory; relative -c and $MR_CONFIG values are taken
// relative to it. Only the nearest-file search touches the filesystem.
RootFile locate_root(const std::optional<std::filesystem::path>& option, const char* environment,
                     const std::filesystem::path& cwd, const std::filesystem::path& home);

} // namespace mr::registry
