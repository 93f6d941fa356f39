// Private to src/git: the user's and the system's git configuration, read once per process
// instead of once per repository.
//
// libgit2 reads /etc/gitconfig, ~/.config/git/config and ~/.gitconfig again for every
// repository it opens (about forty system calls), and then again to check ownership. mr
// opens a thousand repositories in one run, so it reads those files once, the way git
// finds them (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_SYSTEM, GIT_CONFIG_GLOBAL, XDG_CONFIG_HOME,
// HOME, and GIT_CONFIG_COUNT/KEY_n/VALUE_n, none of which libgit2 1.5 honours), points
// libgit2's search path at nothing, and gives every opened repository read-only views of
// the parsed levels. Ownership is then checked here, as git does it (safe.directory `*`
// included, which libgit2 1.5 refuses).
//
// Configurations that only a per-repository read gets right (an includeIf in those files,
// whose conditions depend on the repository; a system gitattributes file, found through
// the same search path) leave libgit2's own loading in place.
#pragma once

#include <string>

#include <git2.h>

namespace mr::git {

// Reads the files and switches libgit2 over. Call once, before any thread uses libgit2.
// Returns whether the shared configuration is in use.
bool load_shared_config();

// Whether load_shared_config() took over.
bool shared_config_active();

// Adds the shared levels to a repository's configuration (which then holds only the
// repository's own files). Returns libgit2's error code, 0 on success.
int add_shared_config(git_config* cfg);

// git's ownership rule: `path` (a work tree, git directory or .git file) may be used if
// it belongs to the effective user (root also accepts the owner named by SUDO_UID) or if
// safe.directory in the protected configuration (system, global, command line) allows
// `worktree`. Only meaningful when the shared configuration is active.
bool owner_allowed(unsigned owner_uid, const std::string& worktree);

} // namespace mr::git
