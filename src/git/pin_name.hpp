// Private to src/git: what a repository's registry `branch` names in a clone of it. A
// branch first, then a tag (the order `git clone -b` looks them up in); else, when it is
// written as one, a commit id, as `git checkout --detach` takes it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <git2.h>

#include <mr/util/result.hpp>

namespace mr::git {

// Whether `name` is written as a commit id: 7 to 40 hex digits.
bool written_as_commit(std::string_view name);

struct Named {
  enum class Kind { branch, tag, commit };
  Kind kind = Kind::branch;
  git_oid commit{}; // what it names, a tag peeled to its commit
};

// What `name` names in `repo`: a local branch or a branch of one of `remotes`
// (refs/remotes/REMOTE/NAME), else a tag, else a commit the repository has (an object
// whose id starts with `name`, peeled to a commit). nullopt: none of these. Fails for a
// tag of no commit and for an id more than one object starts with.
Result<std::optional<Named>> resolve_named(git_repository* repo, const std::string& name,
                                           const std::vector<std::string>& remotes);

// The one line a clone fails with when the remote has nothing `name` names.
std::string nothing_named(const std::string& name, const std::string& url);

} // namespace mr::git
