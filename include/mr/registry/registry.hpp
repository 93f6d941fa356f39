// The registry: which repositories mr manages, and the user's settings, commands and
// aliases, loaded from ~/.mrconfig.toml (or -c FILE, $MR_CONFIG, the nearest .mrconfig.toml)
// plus the files it includes and chains. See SPEC §5 and man page mrconfig.toml(5).
//
// Loading validates everything: an unknown key, a wrong type, a duplicate repository, a
// missing include or a malformed file is an Error naming FILE:LINE:COL and what was
// expected. What loads is trusted to be well-formed by every later layer.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::registry {

namespace fs = std::filesystem;

using CommandMap = std::map<std::string, std::string, std::less<>>;

struct SourceLocation {
  fs::path file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  std::string str() const; // "FILE:LINE:COL"
};

// The name of the registry file a directory may hold (chain = true, nearest-file lookup).
inline constexpr std::string_view k_file_name = ".mrconfig.toml";

// How the network actions reach a repository's remotes (see mr(1), TRANSPORTS).
enum class Transport { automatic, libgit2, git };

struct Repo {
  fs::path path;           // absolute, lexically normal: what block headers print
  std::string key;         // the table key as written in the file
  SourceLocation location; // where its table starts
  std::optional<std::string> url;
  std::optional<std::string> branch;
  std::vector<std::string> tags;
  double order = 10;                         // myrepos' default; lower runs first
  bool skip = false;                         // skip = true
  std::optional<std::string> skip_predicate; // skip = "shell snippet" (trusted files only)
  bool chain = false;                        // also load <path>/.mrconfig.toml
  CommandMap commands;                       // per-repo commands and overrides (trusted files only)
  std::optional<Transport> transport;        // overrides settings.transport
  bool trusted = false;                      // defined in a trusted file

  bool has_tag(std::string_view tag) const;
};

struct Settings {
  std::optional<unsigned> jobs;
  std::optional<std::chrono::milliseconds> timeout;
  Transport transport = Transport::automatic;
  unsigned connections_per_host = 8; // network actions: at most this many at once per host
  // Network actions: a connection that moves no byte for this long fails (zero: never).
  std::chrono::milliseconds stall_timeout = std::chrono::minutes(2);
};

struct Registry {
  fs::path root; // the root file, absolute, even if it does not exist yet
  bool root_exists = false;
  std::vector<fs::path> files; // every file loaded, root first, in load order
  Settings settings;
  CommandMap commands;     // [commands]: for every repo
  CommandMap aliases;      // [alias]: name -> action
  std::vector<Repo> repos; // registry order: `order`, then path

  // The repo whose registered path is `path` (compared lexically), if any.
  const Repo* find(const fs::path& path) const;
};

struct LoadOptions {
  fs::path root;          // absolute path of the root file
  fs::path home;          // for "~" and the trust rules
  bool trust_all = false; // -t
};

// Loads the root file and everything it includes and chains. A root file that does not
// exist gives an empty registry with root_exists == false.
Result<Registry> load(const LoadOptions& options);

} // namespace mr::registry
