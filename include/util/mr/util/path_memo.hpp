// physical() and resolve_path() (paths.hpp) for many paths under the same directories:
// each directory on the way is examined once and remembered, so the paths of 100,000
// repositories in one tree cost about one lstat each (their last component) instead of one
// per component, and a stat and a readlink of every component, each.
//
// The answers are exactly those of physical() and resolve_path() with the file system as
// it was when each directory was first examined: the same symlinks followed, the same
// missing tails, the same errors (resolve() never remembers a failure: it looks again and
// reports it for the path asked). A path that is not absolute and lexically normal (".",
// "..", "//", a trailing "/") and a last component that is a symlink are handed to the
// functions themselves. Remembering is the point: make a PathMemo for one pass over many
// paths (loading the registry, selecting repositories), not one to keep; what changes on
// disk afterwards is not seen. Not thread-safe: one per thread.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

#include <mr/util/result.hpp>

namespace mr::util {

class PathMemo {
public:
  // physical(abs), as paths.hpp.
  std::filesystem::path physical(const std::filesystem::path& abs);

  // resolve_path(abs), as paths.hpp.
  Result<std::filesystem::path> resolve(const std::filesystem::path& abs);

  // How many directories are remembered (for tests: what was shared).
  std::size_t directories() const { return m_physical.size() + m_resolved.size(); }

  // Whether `p` is absolute and lexically normal: no ".", "..", "//" or trailing "/".
  static bool is_normal_absolute(std::string_view p);

private:
  // What physical() found for a directory prefix.
  struct Physical {
    enum class Kind { directory, other, missing, error } kind;
    std::filesystem::path path; // physical(prefix); unused for error
  };
  // Where resolve_path()'s walk stands after a directory prefix.
  struct Resolved {
    std::filesystem::path done;
    std::size_t missing = 0;
    int links = 0;
  };

  static Physical physical_alone(const std::filesystem::path& p);
  static Physical physical_of(const std::filesystem::path& p, const Physical& parent);
  const Physical& physical_dir(const std::filesystem::path& dir);
  Result<const Resolved*> resolved_dir(const std::filesystem::path& dir,
                                       const std::filesystem::path& abs);

  std::unordered_map<std::string, Physical> m_physical;
  std::unordered_map<std::string, Resolved> m_resolved;
};

} // namespace mr::util
