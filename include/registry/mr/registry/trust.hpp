// Which registry files may run commands (as myrepos' ~/.mrtrust). A file
// that is not trusted may only list repositories (url, branch, tags, order, skip/chain
// flags) inside its own directory; any command, hook, predicate, setting, alias, include
// or absolute path in it is refused, unless -t.
//
// As ssh's StrictModes, a file writable by its group (unless that group is the user's
// alone) or by others, or owned by neither the user nor root, is never trusted: not by
// ~/.mrtrust, not by -t, not as an include of a trusted file. It can still list
// repositories, as any untrusted file can.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <mr/util/file_io.hpp>
#include <mr/util/result.hpp>

namespace mr::registry {

class TrustList {
public:
  // ~/.mrconfig.toml plus every file listed in ~/.mrtrust: one path per line, absolute or
  // "~/...", blank lines and "#" comments ignored. A missing ~/.mrtrust is an empty list;
  // one that fails the StrictModes rule, is not a regular file or is too large is an error.
  static Result<TrustList> read(const std::filesystem::path& home);

  // Trust goes with where a file is found, because that is what the relative paths in it
  // (repositories, includes, chains) are taken from: `file` is trusted when its location
  // (util::physical_location: directory resolved, own name kept) is a listed file's
  // location, or when it is a symlink to a listed file in that file's own directory. A
  // symlink in another directory to a trusted file is not trusted: the trusted commands
  // in it would run on repositories and includes of that other directory.
  bool trusts(const std::filesystem::path& file) const;

  // The listed file that `file` resolves to, if any (for saying why a link to it is not
  // trusted).
  std::optional<std::filesystem::path> listed_target(const std::filesystem::path& file) const;

  static constexpr const char* k_hint = "list it in ~/.mrtrust or run with -t";

private:
  struct Entry {
    std::filesystem::path location; // util::physical_location
    std::filesystem::path target;   // every symlink resolved
  };
  void add(const std::filesystem::path& file);
  std::vector<Entry> m_files;
};

// Why the file `read` came from can never be trusted, as "FILE is writable by others, so
// it is never trusted; chmod go-w FILE", or nullopt when it may be. Group write is allowed
// only when the group is the user's alone (a user private group, as Debian's ssh allows).
std::optional<std::string> never_trusted_because(const std::filesystem::path& file,
                                                 const util::RegularFile& read);

} // namespace mr::registry
