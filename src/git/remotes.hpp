// Private to src/git: a repository's remotes as its configuration describes them, read by
// iterating the configuration once.
//
// Not through git_remote_lookup()/git_remote_list(): libgit2 1.5.1 matches config keys
// with a regex there (url.*.insteadOf, remote.*.url) and leaks ~20 KB of pcre2 match data
// for every entry that does not match, every time, which at a thousand repositories is
// gigabytes. Fetching then goes through an anonymous remote with explicit refspecs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <git2.h>

namespace mr::git {

struct RemoteConfig {
  std::string name;
  std::string url;                // with url.<base>.insteadOf applied
  std::vector<std::string> fetch; // remote.<name>.fetch, in order
  std::optional<bool> prune;      // remote.<name>.prune
  std::string tag_opt;            // remote.<name>.tagOpt: "", "--no-tags" or "--tags"
};

struct RemotesConfig {
  std::vector<RemoteConfig> remotes; // in the order their first key appears
  std::optional<bool> fetch_prune;   // fetch.prune

  const RemoteConfig* find(const std::string& name) const;
};

RemotesConfig read_remotes(git_config* cfg);

// git's rewriting of `url` through url.<base>.insteadOf: the longest matching prefix wins.
std::string apply_instead_of(git_config* cfg, const std::string& url);

} // namespace mr::git
