// Private to src/git: reading refs cheaply, for the questions `mr status` asks of every
// repository.
//
// libgit2's reference iterators stat every entry and allocate an object per ref, and a
// directory read costs as much as a dozen stats; a status run over a thousand
// repositories asks "is anything unpushed?" a thousand times. RefStore reads packed-refs
// once and loose ref files directly. Anything unusual (an unreadable file, a malformed
// line, a reftable) gives nullopt, and the caller asks libgit2 instead.
//
// It also names git's ref namespaces once, and the short names git prints for refs in them.
#pragma once

#include <fcntl.h>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <git2.h>

namespace mr::git {

inline constexpr std::string_view k_heads = "refs/heads/";
inline constexpr std::string_view k_remotes = "refs/remotes/";
inline constexpr std::string_view k_tags = "refs/tags/";
inline constexpr std::string_view k_replace = "refs/replace/";

inline bool is_branch_ref(std::string_view ref) {
  return ref.starts_with(k_heads);
}
inline bool is_remote_ref(std::string_view ref) {
  return ref.starts_with(k_remotes);
}
inline bool is_tag_ref(std::string_view ref) {
  return ref.starts_with(k_tags);
}

// "main" -> "refs/heads/main".
inline std::string branch_ref(std::string_view branch) {
  return std::string(k_heads) + std::string(branch);
}

// "refs/heads/main" -> "main"; a ref outside refs/heads/ is returned whole.
inline std::string branch_name(std::string_view ref) {
  return std::string(is_branch_ref(ref) ? ref.substr(k_heads.size()) : ref);
}

// An upstream as git names it in status and pull: "refs/remotes/origin/main" ->
// "origin/main", "refs/heads/main" (a local upstream) -> "main", anything else whole.
inline std::string upstream_name(std::string_view ref) {
  if (is_remote_ref(ref)) {
    return std::string(ref.substr(k_remotes.size()));
  }
  return branch_name(ref);
}

// git's prettify_refname(), as fetch prints refs: refs/heads/, refs/tags/ or
// refs/remotes/ dropped.
inline std::string pretty_ref(std::string_view ref) {
  for (const std::string_view prefix : {k_heads, k_tags, k_remotes}) {
    if (ref.starts_with(prefix)) {
      return std::string(ref.substr(prefix.size()));
    }
  }
  return std::string(ref);
}

class RefStore {
public:
  // `common_dir`: the repository's common git directory, with a trailing slash
  // (git_repository_commondir()).
  explicit RefStore(std::string common_dir) : m_dir(std::move(common_dir)) {}
  // The same, relative to a descriptor of the common git directory the caller keeps open
  // (each lookup then walks one path component, not the whole absolute path).
  explicit RefStore(int common_dir_fd) : m_fd(common_dir_fd) {}

  // Every local branch (full name, commit), from the loose files and packed-refs.
  std::optional<std::vector<std::pair<std::string, git_oid>>> branches() { return under(k_heads); }
  // Every ref below `prefix` (k_heads or k_remotes), symbolic ones resolved.
  std::optional<std::vector<std::pair<std::string, git_oid>>> under(std::string_view prefix);
  // Whether refs/stash exists, loose or packed; nullopt when that cannot be told.
  std::optional<bool> has_stash();

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

  int m_fd = AT_FDCWD; // m_dir is relative to it
  std::string m_dir;
  bool m_packed_loaded = false;
  bool m_packed_ok = false;
  bool m_packed_stash = false;
  std::map<std::string, git_oid> m_packed;
};

// The remote-tracking ref of local `branch`, as git computes it: branch.NAME.remote and
// branch.NAME.merge mapped through the remote's fetch refspecs ("refs/remotes/origin/x");
// for `remote = .`, the local branch it names. nullopt without an upstream.
std::optional<std::string> upstream_ref(git_repository* repo, const std::string& branch);
// The same from a configuration already at hand.
std::optional<std::string> upstream_ref(git_config* cfg, const std::string& branch);

} // namespace mr::git
