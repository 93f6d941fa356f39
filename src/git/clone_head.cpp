// HEAD of a fresh clone put where the registry's branch says (clone_head.hpp).
#include "clone_head.hpp"

#include "handles.hpp"
#include "pin_name.hpp"
#include "refs.hpp"

namespace mr::git {

namespace {

// The local branch the clone made for the remote's default branch, if HEAD is on one.
std::string cloned_branch(git_repository* repo) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "HEAD") != 0) {
    git_error_clear();
    return {};
  }
  RefPtr head(raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) {
    return {};
  }
  return git_reference_symbolic_target(head.get());
}

// Removes the branch the clone made, and its branch.NAME section, as git clone -b never
// made it.
Result<void> drop_branch(git_repository* repo, const std::string& ref) {
  git_reference* raw = nullptr;
  if (ref.empty() || git_reference_lookup(&raw, repo, ref.c_str()) != 0) {
    git_error_clear();
    return {};
  }
  RefPtr branch(raw);
  if (const int rc = git_branch_delete(branch.get()); rc != 0) {
    return fail("cannot remove branch " + branch_name(ref) + " from the clone: " + last_error(rc));
  }
  return {};
}

// The local branch `name` at origin's, tracking it, and HEAD on it.
Result<void> check_out_branch(git_repository* repo, const std::string& name, const git_oid& tip) {
  git_commit* commit_raw = nullptr;
  git_reference* branch_raw = nullptr;
  int rc = git_commit_lookup(&commit_raw, repo, &tip);
  CommitPtr commit(commit_raw);
  if (rc == 0) {
    rc = git_branch_create(&branch_raw, repo, name.c_str(), commit.get(), 0);
  }
  RefPtr branch(branch_raw);
  if (rc == 0) {
    rc = git_branch_set_upstream(branch.get(), ("origin/" + name).c_str());
  }
  if (rc == 0) {
    rc = git_repository_set_head(repo, branch_ref(name).c_str());
  }
  if (rc != 0) {
    return fail("cannot create branch " + name + " in the clone: " + last_error(rc));
  }
  return {};
}

} // namespace

Result<void> settle_clone_head(git_repository* repo, const std::string& name,
                               const std::string& url, const git_checkout_options& checkout) {
  const std::string cloned = cloned_branch(repo);
  MR_TRY_VAR(named, resolve_named(repo, name, {"origin"}));
  if (!*named) {
    return fail(nothing_named(name, url));
  }
  switch ((*named)->kind) {
  case Named::Kind::branch:
    if (cloned != branch_ref(name)) {
      MR_TRY(check_out_branch(repo, name, (*named)->commit));
      MR_TRY(drop_branch(repo, cloned));
    }
    break;
  case Named::Kind::tag:
  case Named::Kind::commit:
    if (const int rc = git_repository_set_head_detached(repo, &(*named)->commit); rc != 0) {
      return fail("cannot detach HEAD in the clone: " + last_error(rc));
    }
    if ((*named)->kind == Named::Kind::tag) {
      MR_TRY(drop_branch(repo, cloned));
    }
    break;
  }
  if (const int rc = git_checkout_head(repo, &checkout); rc != 0) {
    return fail("cannot check out " + name + ": " + last_error(rc));
  }
  return {};
}

} // namespace mr::git
