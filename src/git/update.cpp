// mr update: fetch the current branch's remote, then fast-forward only, never touching
// local work. Every check that can refuse runs before anything in the work tree changes;
// from the first change on, a note in the git directory records the update until the
// branch has moved, so an interruption is seen (mr status) and finished (mr update).
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/git/network.hpp>
#include <mr/git/status.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/test_point.hpp>

#include "fetch.hpp"
#include "handles.hpp"
#include "index_build.hpp"
#include "log.hpp"
#include "ref_lock_note.hpp"
#include "refs.hpp"
#include "repository.hpp"
#include "update_apply.hpp"
#include "update_journal.hpp"

namespace mr::git {

namespace {

std::string operation_in_progress(int state) {
  switch (state) {
  case GIT_REPOSITORY_STATE_NONE:
    return {};
  case GIT_REPOSITORY_STATE_MERGE:
    return "a merge";
  case GIT_REPOSITORY_STATE_REVERT:
  case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
    return "a revert";
  case GIT_REPOSITORY_STATE_CHERRYPICK:
  case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
    return "a cherry-pick";
  case GIT_REPOSITORY_STATE_BISECT:
    return "a bisect";
  case GIT_REPOSITORY_STATE_REBASE:
  case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
  case GIT_REPOSITORY_STATE_REBASE_MERGE:
    return "a rebase";
  default:
    return "a git am";
  }
}

// git pull refuses before anything else when the index has unmerged paths.
std::optional<std::string> unmerged(const IndexFile& index) {
  std::vector<std::string> paths;
  for (const auto& e : index.entries()) {
    if (e.stage() != 0 && (paths.empty() || paths.back() != index.path(e))) {
      paths.emplace_back(index.path(e));
    }
  }
  if (paths.empty()) {
    return std::nullopt;
  }
  return "you have unmerged files: " + first_few(paths) +
         " (fix them up, git add or git rm them, then update again)";
}

// Blobs the checkout would write that the object database does not have: checked before
// anything changes, so that a broken fetch never leaves a half-done work tree.
std::vector<std::string> missing_objects(git_repository* repo, const Work& work) {
  std::vector<std::string> missing;
  git_odb* raw = nullptr;
  if (git_repository_odb(&raw, repo) != 0) {
    git_error_clear();
    return missing;
  }
  OdbPtr odb(raw);
  for (const auto& c : work.checkout) {
    if (c.to && git_odb_exists(odb.get(), &c.to->id) == 0) {
      missing.push_back(c.path);
    }
  }
  return missing;
}

// The work a fast-forward from `from_tree` to `to` takes, or why it is refused: see
// update_plan.hpp. Nothing is changed.
Result<Work> plan_work(git_repository* repo, Worktree& wt, const IndexFile& index,
                       git_tree* from_tree, git_tree* to_tree, git_commit* to) {
  MR_TRY_VAR(changes, changed_paths(repo, from_tree, to_tree));
  UpdatePlan plan = plan_fast_forward(wt, index, std::move(*changes));
  plan.filtered =
      paths_with_filter_drivers(repo, *git_commit_id(to), plan.changes, plan.filter_drivers);
  if (plan.refused()) {
    return fail(plan.refusal());
  }
  Work work;
  for (const auto i : plan.apply) {
    const auto& c = plan.changes[i];
    const bool gitlink = (c.from && c.from->gitlink()) || (c.to && c.to->gitlink());
    struct stat st {};
    if (gitlink) {
      work.submodules.push_back(c);
    } else if (c.from && wt.lstat(c.path, st) == ENOENT) {
      (c.to ? work.create : work.already_gone).push_back(c); // deleted by the user
    } else {
      work.checkout.push_back(c);
    }
  }
  // libgit2's own view of the same checkout, as a second opinion: anything it would call
  // a conflict is refused too.
  MR_TRY_VAR(conflicts, checkout_conflicts(repo, from_tree, to, work));
  if (!conflicts->empty()) {
    return fail("local changes would be overwritten by the update: " + first_few(*conflicts) +
                " (commit or stash them, then update again)");
  }
  if (auto ok = check_index_result(index, work); !ok) {
    return fail("the update cannot be applied here: " + ok.error().message);
  }
  if (auto missing = missing_objects(repo, work); !missing.empty()) {
    return fail("objects of " + first_few(missing) + " are missing (git fsck tells more)");
  }
  return work;
}

// Why HEAD is no longer `branch_ref` at `from`, if it is not.
std::optional<std::string> branch_moved(git_repository* repo, const std::string& branch_ref,
                                        const git_oid& from) {
  git_reference* head_raw = nullptr;
  if (git_reference_lookup(&head_raw, repo, "HEAD") != 0) {
    return "HEAD could not be read";
  }
  RefPtr head(head_raw);
  const char* target = git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC
                           ? git_reference_symbolic_target(head.get())
                           : nullptr;
  if (target == nullptr || branch_ref != target) {
    return "HEAD left " + branch_name(branch_ref);
  }
  git_oid now{};
  if (git_reference_name_to_id(&now, repo, branch_ref.c_str()) != 0 ||
      git_oid_equal(&now, &from) == 0) {
    return branch_name(branch_ref) + " moved";
  }
  return std::nullopt;
}

Result<TreePtr> tree_of(git_commit* commit) {
  git_tree* raw = nullptr;
  if (git_commit_tree(&raw, commit) != 0) {
    return fail("cannot read the trees: " + last_error(-1));
  }
  return TreePtr(raw);
}

// The fast-forward itself, holding index.lock: see update_plan.hpp for what is refused.
Result<void> fast_forward(git_repository* repo, const std::string& gitdir,
                          const std::string& branch_ref, git_commit* from, git_commit* to) {
  const std::string from_hex = git_oid_tostr_s(git_commit_id(from));
  const std::string to_hex = git_oid_tostr_s(git_commit_id(to));
  struct PlanningNote {
    const std::string& gitdir;
    bool keep = false;
    ~PlanningNote() {
      if (!keep) {
        remove_note(gitdir); // refused or failed before changing anything
      }
    }
  } planning_note{gitdir};
  // While it plans, the note says so and names the lock before it is taken: a kill leaves
  // a lock the next run knows to remove.
  const auto announce = [&](const std::string& lock_path) {
    auto planning = UpdateNote::mine(branch_ref, from_hex, to_hex, lock_path);
    planning.planning = true;
    return write_note(gitdir, planning);
  };
  MR_TRY_VAR(lock, IndexLock::acquire_announced(gitdir, announce));
  util::test_point("update.planning");
  // The branch was read before the lock: a commit (or checkout) that finished in between
  // moved it, and updating from the old commit would put upstream's changes over the
  // user's commit. Held now, index.lock keeps git commit out until the update is done.
  if (auto moved = branch_moved(repo, branch_ref, *git_commit_id(from))) {
    return fail(*moved + " while mr was updating; nothing was changed (run mr update again)");
  }
  MR_TRY_VAR(index, IndexFile::read(gitdir + "index"));
  if (auto why = cannot_rewrite(*index)) {
    return fail("mr does not update " + *why + " (use git pull --ff-only)");
  }
  if (auto why = unmerged(*index)) {
    return fail(*why);
  }
  MR_TRY_VAR(from_tree, tree_of(from));
  MR_TRY_VAR(to_tree, tree_of(to));
  Worktree wt(repo, *index);
  MR_TRY_VAR(work, plan_work(repo, wt, *index, from_tree->get(), to_tree->get(), to));

  MR_TRY(write_note(gitdir, UpdateNote::mine(branch_ref, from_hex, to_hex, lock->path())));
  planning_note.keep = true; // from here on, an interruption is finished by the next run
  util::test_point("update.after_note");
  // The last look before the first change: a file saved since the plan is not replaced.
  std::vector<std::string> paths;
  for (const auto& c : work->checkout) {
    paths.push_back(c.path);
  }
  if (auto moved = wt.changed_since(paths); !moved.empty()) {
    remove_note(gitdir); // nothing was touched
    return fail("local changes would be overwritten by the update: " + first_few(moved) +
                " (changed while mr was updating; commit or stash them, then update again)");
  }
  if (auto done = carry_out(repo, from_tree->get(), to, *work, *index, *lock, /*force=*/false);
      !done) {
    // The note stays (status shows the interruption, the next update finishes it); the
    // lock goes, as git's would.
    write_note(gitdir, UpdateNote::mine(branch_ref, from_hex, to_hex, {}));
    lock->rollback();
    return fail("the update stopped half-way: " + done.error().message +
                " (mr update finishes it once that is fixed)");
  }
  if (auto m = move_branch(repo, branch_ref, *git_commit_id(from), *git_commit_id(to)); !m) {
    return fail(
        "the work tree and index are updated but the branch could not be moved: " +
        m.error().message +
        " (the next mr update finishes it, or says what to do if the branch moved meanwhile)");
  }
  return remove_note(gitdir);
}

// Step 1: an update an earlier run left. One killed while planning left only its lock
// (never someone else's) or the file about to become it; one killed later is finished
// here, its process being gone (a running mr update would hold the guard).
Result<void> settle_earlier_run(git_repository* repo, const std::string& gitdir,
                                std::size_t stat_width, UpdateResult& result) {
  MR_TRY_VAR(note, read_note(gitdir));
  if (*note && (*note)->planning) {
    if ((*note)->names_lock(IndexLock::path_in(gitdir))) {
      ::unlink(IndexLock::path_in(gitdir).c_str());
    }
    ::unlink(IndexLock::staged_path_in(gitdir).c_str());
    MR_TRY(remove_note(gitdir));
    *note = std::nullopt;
  }
  if (*note) {
    MR_TRY_VAR(finished, finish_interrupted(repo, gitdir, **note, stat_width));
    result.text += *finished;
    result.out += *finished;
    result.kind = UpdateResult::Kind::fast_forwarded;
  }
  return {};
}

// The branch an update moves and the ref it follows.
struct Target {
  std::string branch_ref; // "refs/heads/main"
  std::string branch;     // "main"
  std::string upstream;   // "refs/remotes/origin/main"
};

// Step 2: what to update, or nullopt with `result` saying why it is skipped (a detached
// HEAD, an unborn branch, no upstream). Refuses what git pull refuses before fetching.
Result<std::optional<Target>> find_target(git_repository* repo, const std::string& gitdir,
                                          UpdateResult& result) {
  if (util::exists(IndexLock::path_in(gitdir))) {
    return fail(IndexLock::busy_message(gitdir), result.text);
  }
  if (const auto op = operation_in_progress(git_repository_state(repo)); !op.empty()) {
    return fail(op + " is in progress: finish or abort it, then update", result.text);
  }
  git_reference* head_raw = nullptr;
  if (const int rc = git_reference_lookup(&head_raw, repo, "HEAD"); rc != 0) {
    return fail("cannot read HEAD: " + last_error(rc), result.text);
  }
  RefPtr head(head_raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) {
    result.kind = UpdateResult::Kind::skipped;
    result.reason = "HEAD is detached: no branch to update";
    return std::nullopt;
  }
  Target target;
  target.branch_ref = git_reference_symbolic_target(head.get());
  target.branch = branch_name(target.branch_ref);
  git_reference* local_raw = nullptr;
  if (const int rc = git_reference_lookup(&local_raw, repo, target.branch_ref.c_str());
      rc == GIT_ENOTFOUND) {
    result.kind = UpdateResult::Kind::skipped;
    result.reason = "branch '" + target.branch + "' has no commits yet";
    return std::nullopt;
  } else if (rc != 0) {
    return fail("cannot read " + target.branch_ref + ": " + last_error(rc), result.text);
  }
  RefPtr local(local_raw);
  const auto upstream = upstream_ref(repo, target.branch);
  if (!upstream) {
    result.kind = UpdateResult::Kind::skipped;
    result.reason = "branch '" + target.branch +
                    "' has no upstream (git branch --set-upstream-to=REMOTE/BRANCH)";
    return std::nullopt;
  }
  target.upstream = *upstream;
  if (auto index = IndexFile::read(gitdir + "index", {.verify_checksum = false}); index) {
    if (auto why = unmerged(*index)) {
      return fail(*why, result.text);
    }
  }
  return target;
}

// Step 3: fetches the branch's remote, unless its upstream is a local branch; its lines
// go into `result`.
Result<void> fetch_branch_remote(git_repository* repo, const fs::path& path, const Target& target,
                                 const NetContext& net, UpdateResult& result) {
  git_config* cfg_raw = nullptr;
  if (const int rc = git_repository_config_snapshot(&cfg_raw, repo); rc != 0) {
    return fail(last_error(rc), result.text);
  }
  ConfigPtr cfg(cfg_raw);
  Buf remote_name;
  const std::string key = "branch." + target.branch + ".remote";
  if (git_config_get_string_buf(&remote_name.buf, cfg.get(), key.c_str()) != 0) {
    git_error_clear();
  }
  if (remote_name.str() != ".") {
    const auto remotes = read_remotes(cfg.get());
    const RemoteConfig* remote = remotes.find(remote_name.str());
    if (remote == nullptr) {
      return fail("branch '" + target.branch + "' follows remote '" + remote_name.str() +
                      "', which has no url",
                  result.text);
    }
    FetchSpec spec;
    spec.prune = remote->prune.value_or(remotes.fetch_prune.value_or(false));
    auto fetched = fetch_remote(repo, path, *remote, spec, net);
    if (!fetched) {
      fetched.error().output = result.text + fetched.error().output;
      return tl::unexpected(fetched.error());
    }
    result.text += fetched->text;
    result.err += fetched->text;
  }
  if (net.stop.stop_requested()) {
    return cancelled(result.text);
  }
  return {};
}

// Step 4: where things stand after the fetch: already up to date, diverged (refused), or
// fast-forwarded to the upstream.
Result<void> move_to_upstream(git_repository* repo, const std::string& gitdir, const Target& target,
                              std::size_t stat_width, UpdateResult& result) {
  const std::string up_name = upstream_name(target.upstream);
  git_oid up_id{};
  if (git_reference_name_to_id(&up_id, repo, target.upstream.c_str()) != 0) {
    return fail("upstream " + up_name + " is gone (deleted on the remote?)", result.text);
  }
  git_oid local_id{};
  if (git_reference_name_to_id(&local_id, repo, target.branch_ref.c_str()) != 0) {
    return fail("cannot read " + target.branch_ref + ": " + last_error(-1), result.text);
  }
  if (git_oid_equal(&local_id, &up_id) != 0 ||
      git_graph_descendant_of(repo, &local_id, &up_id) == 1) {
    result.text += "Already up to date.\n";
    result.out += "Already up to date.\n";
    return {};
  }
  if (git_graph_descendant_of(repo, &up_id, &local_id) != 1) {
    std::size_t ahead = 0;
    std::size_t behind = 0;
    git_graph_ahead_behind(&ahead, &behind, repo, &local_id, &up_id);
    return fail(diverged_text(up_name, ahead, behind) + " (merge or rebase by hand)", result.text);
  }
  git_commit* old_raw = nullptr;
  if (git_commit_lookup(&old_raw, repo, &local_id) != 0) {
    return fail("cannot read " + up_name + ": " + last_error(-1), result.text);
  }
  CommitPtr old_commit(old_raw);
  git_commit* new_raw = nullptr;
  if (git_commit_lookup(&new_raw, repo, &up_id) != 0) {
    return fail("cannot read " + up_name + ": " + last_error(-1), result.text);
  }
  CommitPtr new_commit(new_raw);
  if (auto ff = fast_forward(repo, gitdir, target.branch_ref, old_commit.get(), new_commit.get());
      !ff) {
    return fail(ff.error().message, result.text);
  }
  const auto moved = fast_forward_text(repo, old_commit.get(), new_commit.get(), stat_width);
  result.text += moved;
  result.out += moved;
  result.kind = UpdateResult::Kind::fast_forwarded;
  return {};
}

} // namespace

Result<UpdateResult> update(const fs::path& path, const NetContext& net, std::size_t stat_width) {
  MR_TRY_VAR(opened, open_repository(path));
  git_repository* repo = opened->get();
  const std::string gitdir = git_repository_path(repo);
  MR_TRY_VAR(guard, UpdateGuard::acquire(gitdir));
  remove_dead_ref_locks(repo); // a branch lock left by an update killed while moving it
  UpdateResult result;
  MR_TRY(settle_earlier_run(repo, gitdir, stat_width, result));
  MR_TRY_VAR(target, find_target(repo, gitdir, result));
  if (!*target) {
    return result;
  }
  MR_TRY(fetch_branch_remote(repo, path, **target, net, result));
  MR_TRY(move_to_upstream(repo, gitdir, **target, stat_width, result));
  return result;
}
} // namespace mr::git
