// Private to src/git: reading refs cheaply, for the questions `mr status` asks of every
// repository.
//
// libgit2's reference iterators stat every entry and allocate an object per ref, and a
// directory read costs as much as a dozen stats; a status run over a thousand
// repositories asks "is anything unpushed?" a thousand times. RefStore reads packed-refs
// once and loose ref files directly. Anything unusual (an unreadable file, a malformed
// line, a reftable) gives nullopt, and the caller asks libgit2 instead.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <git2.h>

namespace mr::git {

class RefStore {
public:
  // `common_dir`: the repository's common git directory, with a trailing slash
  // (git_repository_commondir()).
  explicit RefStore(std::string common_dir) : m_dir(std::move(common_dir)) {}

  // Every local branch (full name, commit), from the loose files and packed-refs.
  std::optional<std::vector<std::pair<std::string, git_oid>>> branches();

  // What the ref `name` ("refs/remotes/origin/main") points at, symbolic refs followed;
  // nullopt when it does not exist or cannot be read.
  std::optional<git_oid> resolve(const std::string& name);

private:
  struct Value {
    git_oid id{};
    std::string symbolic;
  };
  bool load_packed();
  std::optional<Value> loose(const std::string& name);

  std::string m_dir;
  bool m_packed_loaded = false;
  bool m_packed_ok = false;
  std::map<std::string, git_oid> m_packed;
};

// The remote-tracking ref of local `branch`, as git computes it: branch.NAME.remote and
// branch.NAME.merge mapped through the remote's fetch refspecs ("refs/remotes/origin/x");
// for `remote = .`, the local branch it names. nullopt without an upstream.
std::optional<std::string> upstream_ref(git_repository* repo, const std::string& branch);

} // namespace mr::git
