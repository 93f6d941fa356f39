// The registry: which repositories mr manages, and the user's settings, commands and
// aliases, loaded from its root files (locate.hpp: ~/.mrconfig.toml and the nearest
// .mrconfig.toml, or -c FILE, or $MR_CONFIG) plus the files they include and chain. See
// the man page mrconfig.toml(5).
//
// Loading validates everything: an unknown key, a wrong type, a duplicate repository, a
// missing include or a malformed file is an Error naming FILE:LINE:COL and what was
// expected. What loads is trusted to be well-formed by every later layer.
//
// Input is bounded: a registry, include, chained file or ~/.mrtrust that is not a regular
// file, or is larger or more deeply nested than the limits below, is refused before it is
// parsed. A file that is not trusted (trust.hpp) may only place repositories inside its own
// directory, symlinks resolved (Repo::confined_to).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <mr/registry/locate.hpp>
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

// Limits on registry input (documented in mrconfig.toml(5), LIMITS).
inline constexpr std::size_t k_max_file_size = 16 * 1024 * 1024; // bytes in one file
inline constexpr std::size_t k_max_nesting = 64;       // tables, dotted keys, arrays, inline tables
inline constexpr std::size_t k_max_include_depth = 16; // includes and chains within each other
inline constexpr std::size_t k_max_glob_files = 1000;  // files one include pattern may add
inline constexpr std::size_t k_max_glob_visits = 100000; // paths one pattern may look at
inline constexpr std::size_t k_max_files = 10000;        // files in one registry

// How the network actions reach a repository's remotes (see mr(1), TRANSPORTS).
enum class Transport { automatic, libgit2, git };

struct Repo {
  fs::path path;           // absolute, lexically normal: what block headers print
  std::string key;         // the table key as written in the file
  SourceLocation location; // where its table starts
  std::optional<std::string> url;
  std::optional<std::string> branch;
  std::vector<std::string> tags;
  double order = 10; // myrepos' default; lower runs first
  // Within one `order`, repositories sort by this, byte by byte, as myrepos sorts by
  // (topdir, section): the top directory of the file listing it (a root or chained file's
  // own directory, an included file's includer's) with a trailing '/', a NUL, then the
  // path relative to that directory (the absolute path when the key is absolute, "/..."
  // or a variable, or when it lies outside). So a file's repositories stay together, in
  // the order myrepos gives them.
  std::string sort_key;
  bool skip = false;                         // skip = true
  std::optional<std::string> skip_predicate; // skip = "shell snippet" (trusted files only)
  // deleted = true: the repository should no longer exist; checkout leaves it out, and any
  // action fails while its directory is still there. deleted = "predicate" (trusted files
  // only): the same when the predicate exits 0.
  bool deleted = false;
  std::optional<std::string> deleted_predicate;
  std::string lib;     // shell code run before each of its commands, after settings.lib (trusted)
  bool chain = false;  // also load <path>/.mrconfig.toml
  CommandMap commands; // per-repo commands and overrides (trusted files only)
  std::optional<Transport> transport; // overrides settings.transport
  bool trusted = false;               // defined in a trusted file
  // Set when the defining file is not trusted: the directory (physical) the repository must
  // stay inside. It held at load; check again (util::resolve_within) before creating it.
  std::optional<fs::path> confined_to;

  bool has_tag(std::string_view tag) const;
};

struct Settings {
  std::optional<unsigned> jobs;
  std::optional<std::chrono::milliseconds> timeout;
  Transport transport = Transport::automatic;
  unsigned connections_per_host = 8; // network actions: at most this many at once per host
  // Network actions: a connection that moves no byte for this long fails (zero: never).
  std::chrono::milliseconds stall_timeout = std::chrono::minutes(2);
  // Shell code run before every command, hook and predicate (each file's lib, in load order).
  std::string lib;
};

struct Registry {
  // The root file new repositories are added to (LoadOptions::root), absolute, even if it
  // does not exist yet.
  fs::path root;
  bool root_exists = false;
  // Set when that root file is not trusted: where repositories it lists must stay, and
  // what would make it trusted (for register's messages).
  std::optional<fs::path> root_confined_to;
  std::string root_untrusted_hint;
  std::vector<fs::path> files; // every file loaded, in load order
  Settings settings;
  CommandMap commands; // [commands]: for every repo
  CommandMap aliases;  // [alias]: name -> action
  // The file whose value is in force for each file-wide key ("settings.timeout",
  // "commands.NAME", "alias.NAME"): the last one applied. A file's own tables are applied
  // after the files it includes, so this is not always the last in `files` that sets it.
  std::map<std::string, fs::path, std::less<>> defined_in;
  std::vector<Repo> repos; // registry order: `order`, then Repo::sort_key

  // The repo whose registered path is `path` (compared lexically), if any.
  const Repo* find(const fs::path& path) const;
};

struct LoadOptions {
  fs::path root;          // absolute path of the root file (the one register writes to)
  fs::path home;          // for "~" and the trust rules
  bool trust_all = false; // -t
  // The root came from the nearest-file search outside $HOME: use it only if it belongs
  // to the user (locate_roots already checked; this closes the race with its replacement).
  // With `roots`, each root's own RootFile::owner_only counts instead.
  bool root_owner_only = false;
  // Loading stops when this is requested (Ctrl-C, SIGTERM), with a cancelled() error.
  std::stop_token stop = {};
  // Every root file, in load order, `root` among them (locate_roots); empty: `root` alone.
  std::vector<RootFile> roots = {};
};

// What to say of `file`, a myrepos registry (INI): "FILE is a myrepos registry (INI), which
// mr does not read: mr reads TOML; convert it with mr import FILE (...)", pointing to
// mrconfig.toml(5) too.
// The one wording for it: loading a file in that format fails with it instead of a TOML
// error, and it ends the error for a ~/.mrconfig without a TOML registry.
std::string convert_hint(const fs::path& file);

// Loads the root files and everything they include and chain. Each file is loaded once,
// so a root that another root includes or chains is not read twice. A repository listed
// twice within one root's files is an error; listed by two roots, the first root's entry
// is kept and the other ignored (~/.mrconfig.toml, loaded first, wins). Root files that
// do not exist are skipped; when `root` does not exist, root_exists == false.
Result<Registry> load(const LoadOptions& options);

} // namespace mr::registry
