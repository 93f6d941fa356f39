// Private to src/git: where the local and remote-tracking branches point, read straight
// from the ref store (loose files and packed-refs) with as few system calls as possible.
//
// `mr status` asks every repository whether anything is unpushed; in almost all of them
// every branch sits exactly on a remote-tracking branch, which this answers without
// libgit2's reference iterators (which stat every entry and allocate a reference object
// each). Anything unusual (an unreadable file, a malformed line, a reftable) gives
// nullopt, and the caller asks libgit2 instead.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <git2.h>

namespace mr::git {

struct RefTips {
  std::vector<git_oid> branches; // refs/heads/**
  std::vector<git_oid> remotes;  // refs/remotes/** (symbolic ones, like origin/HEAD, resolved)
};

// `common_dir` is the repository's common git directory (git_repository_commondir()).
std::optional<RefTips> read_ref_tips(const std::string& common_dir);

} // namespace mr::git
