// Private to src/cmd: what a registered directory must be before an action runs in it, and
// the environment that keeps git inside it.
//
// git looks for a repository upwards from where it starts, and treats a bare repository it
// finds there as one. So a plain directory listed in a registry would make `git commit`
// commit into whatever repository lies above it, and a bare repository committed inside a
// cloned project (whose config git obeys: remote helpers, hooks paths) would be used as is.
// mr therefore runs an action only in the top directory of a git work tree, and tells
// every git it starts not to look above the repository's directory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <mr/registry/registry.hpp>
#include <mr/util/result.hpp>

namespace mr::cmd {

// Is `path` the top of a git work tree: does it hold a `.git` directory or `.git` file?
// `own_dot_git` (for repositories of untrusted files): that `.git` must be there itself,
// not a symbolic link. The error is one line: "a bare repository (...)", "not a git
// repository (...)", "cannot read PATH: Permission denied".
Result<void> check_work_tree(const std::filesystem::path& path, bool own_dot_git);

// Set over the environment of everything run for `repo`: GIT_CEILING_DIRECTORIES stops
// git's search for a repository at the repository's own directory (never its parent), and
// for a repository of an untrusted file safe.bareRepository=explicit (through
// GIT_CONFIG_COUNT, after whatever the user's environment already sets) keeps git from
// using a bare repository it finds below it. Values already in the environment are kept.
std::vector<std::pair<std::string, std::string>> guard_env(const registry::Repo& repo);

// myrepos' words when mr cannot enter `path` ("failed to chdir to PATH/: No such file or
// directory"); nullopt when it is a directory.
std::optional<std::string> enter_failure(const std::filesystem::path& path);

// The repository type myrepos sees in an existing directory, by the marks its built-in
// tests look for ("git", "svn", "hg", "bzr", "cvs", "darcs", "fossil", "veracity"; a bare
// repository "git_bare"); empty when none is there. For an action with no command,
// myrepos skips a repository of a known type and fails one of no type.
std::string repository_type(const std::filesystem::path& path);

// An existing directory, not a symlink to one, with nothing in it: a checkout may clone
// there.
bool is_empty_directory(const std::filesystem::path& path);

// The repository's path, resolved. A repository of an untrusted registry file stayed
// inside that file's directory at load; one a symlink planted since (by another
// repository's update in this very run, say) leads elsewhere is refused, so that no
// action, a checkout above all, goes there.
Result<std::filesystem::path> still_inside(const registry::Repo& repo);

// Creates the directory a checkout runs and clones in. For a confined repository it is
// made one component at a time below the confining directory, never through a symlink,
// and the path is checked again once it exists.
Result<void> make_parent(const registry::Repo& repo);

} // namespace mr::cmd
