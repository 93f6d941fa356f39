// mr update: fetch the current branch's remote, then fast-forward only, never touching
// local work. Every check that can refuse runs before anything in the work tree changes.
#include <cerrno>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/git/network.hpp>
#include <mr/util/strings.hpp>

#include "diffstat.hpp"
#include "error.hpp"
#include "fetch.hpp"
#include "handles.hpp"
#include "log.hpp"
#include "refs.hpp"
#include "repository.hpp"

namespace mr::git {

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

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

std::string lock_failure(const std::string& gitdir) {
  return "index.lock exists: another git process is running, or one crashed (if none is "
         "running: rm " +
         gitdir + "index.lock)";
}

// What a checkout would do: the local changes in its way, and the files it would rewrite.
struct Plan {
  std::vector<std::string> conflicts;
  std::vector<std::string> rewrites; // tracked files in the work tree that get new content
};

int on_plan(git_checkout_notify_t why, const char* path, const git_diff_file*,
            const git_diff_file* target, const git_diff_file* workdir, void* payload) {
  auto& plan = *static_cast<Plan*>(payload);
  if (path == nullptr) {
    return 0;
  }
  if (why == GIT_CHECKOUT_NOTIFY_CONFLICT) {
    plan.conflicts.emplace_back(path); // go on: every path in the way is named
  } else if (why == GIT_CHECKOUT_NOTIFY_UPDATED && target != nullptr && workdir != nullptr &&
             (target->mode == GIT_FILEMODE_BLOB || target->mode == GIT_FILEMODE_BLOB_EXECUTABLE)) {
    plan.rewrites.emplace_back(path);
  }
  return 0;
}

// libgit2 rewrites a file in place (open with O_TRUNC) where git unlinks it and creates a
// new one. In place, a hard link elsewhere would change too, and a running program or a
// reader mapping the file would see it truncated under it. So each file about to be
// rewritten first gets a fresh inode with the same content and mode (a copy renamed over
// it), and libgit2 then writes into that one. The content does not change, so stopping
// half-way loses nothing.
Result<void> fresh_inodes(const fs::path& workdir, const std::vector<std::string>& paths) {
  for (const auto& relative : paths) {
    const fs::path file = workdir / relative;
    struct stat st {};
    if (::lstat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      continue; // gone or not a file: libgit2 creates it anew anyway
    }
    // Never overwrites: a file of that name already there makes the update fail instead.
    const fs::path copy = file.parent_path() / (".mr-update-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::copy_file(file, copy, fs::copy_options::none, ec);
    if (!ec && ::chmod(copy.c_str(), st.st_mode & 07777) != 0) {
      ec.assign(errno, std::generic_category());
    }
    if (!ec && ::rename(copy.c_str(), file.c_str()) != 0) {
      ec.assign(errno, std::generic_category());
    }
    if (ec) {
      std::error_code ignored;
      if (ec != std::errc::file_exists) {
        fs::remove(copy, ignored);
      }
      return fail("cannot replace " + relative + ": " + ec.message() + " (nothing was changed)");
    }
  }
  return {};
}

std::string first_few(const std::vector<std::string>& paths) {
  std::vector<std::string> shown(paths.begin(),
                                 paths.begin() + std::min<std::ptrdiff_t>(5, std::ssize(paths)));
  std::string out = util::join(shown, ", ");
  if (paths.size() > shown.size()) {
    out += " and " + std::to_string(paths.size() - shown.size()) + " more";
  }
  return out;
}

} // namespace

Result<UpdateResult> update(const fs::path& path, const NetContext& net, std::size_t stat_width) {
  auto opened = open_repository(path);
  if (!opened) {
    return tl::unexpected(opened.error());
  }
  git_repository* repo = opened->get();
  const std::string gitdir = git_repository_path(repo);
  if (exists(gitdir + "index.lock")) {
    return fail(lock_failure(gitdir));
  }
  if (const auto op = operation_in_progress(git_repository_state(repo)); !op.empty()) {
    return fail(op + " is in progress: finish or abort it, then update");
  }

  UpdateResult result;
  git_reference* head_raw = nullptr;
  if (const int rc = git_reference_lookup(&head_raw, repo, "HEAD"); rc != 0) {
    return fail("cannot read HEAD: " + last_error(rc));
  }
  RefPtr head(head_raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) {
    result.kind = UpdateResult::Kind::skipped;
    result.reason = "HEAD is detached: no branch to update";
    return result;
  }
  const std::string branch_ref = git_reference_symbolic_target(head.get());
  const std::string branch =
      branch_ref.rfind("refs/heads/", 0) == 0 ? branch_ref.substr(11) : branch_ref;
  git_reference* local_raw = nullptr;
  if (const int rc = git_reference_lookup(&local_raw, repo, branch_ref.c_str());
      rc == GIT_ENOTFOUND) {
    result.kind = UpdateResult::Kind::skipped;
    result.reason = "branch '" + branch + "' has no commits yet";
    return result;
  } else if (rc != 0) {
    return fail("cannot read " + branch_ref + ": " + last_error(rc));
  }
  RefPtr local(local_raw);
  const auto upstream = upstream_ref(repo, branch);
  if (!upstream) {
    result.kind = UpdateResult::Kind::skipped;
    result.reason =
        "branch '" + branch + "' has no upstream (git branch --set-upstream-to=REMOTE/BRANCH)";
    return result;
  }

  // Fetch the branch's remote, unless its upstream is a local branch.
  git_config* cfg_raw = nullptr;
  if (const int rc = git_repository_config_snapshot(&cfg_raw, repo); rc != 0) {
    return fail(last_error(rc));
  }
  ConfigPtr cfg(cfg_raw);
  Buf remote_name;
  const std::string key = "branch." + branch + ".remote";
  if (git_config_get_string_buf(&remote_name.buf, cfg.get(), key.c_str()) != 0) {
    git_error_clear();
  }
  if (remote_name.str() != ".") {
    const auto remotes = read_remotes(cfg.get());
    const RemoteConfig* remote = remotes.find(remote_name.str());
    if (remote == nullptr) {
      return fail("branch '" + branch + "' follows remote '" + remote_name.str() +
                  "', which has no url");
    }
    FetchSpec spec;
    spec.prune = remote->prune.value_or(remotes.fetch_prune.value_or(false));
    auto fetched = fetch_remote(repo, path, *remote, spec, net);
    if (!fetched) {
      return tl::unexpected(fetched.error());
    }
    result.text = fetched->text;
  }
  if (net.stop.stop_requested()) {
    return fail("cancelled", result.text);
  }

  // Where things stand after the fetch.
  const std::string up_name =
      upstream->rfind("refs/remotes/", 0) == 0
          ? upstream->substr(13)
          : (upstream->rfind("refs/heads/", 0) == 0 ? upstream->substr(11) : *upstream);
  git_oid up_id{};
  if (git_reference_name_to_id(&up_id, repo, upstream->c_str()) != 0) {
    return fail("upstream " + up_name + " is gone (deleted on the remote?)", result.text);
  }
  const git_oid local_id = *git_reference_target(local.get());
  if (git_oid_equal(&local_id, &up_id) != 0 ||
      git_graph_descendant_of(repo, &local_id, &up_id) == 1) {
    result.text += "Already up to date.\n";
    return result;
  }
  if (git_graph_descendant_of(repo, &up_id, &local_id) != 1) {
    std::size_t ahead = 0;
    std::size_t behind = 0;
    git_graph_ahead_behind(&ahead, &behind, repo, &local_id, &up_id);
    return fail("diverged: " + std::to_string(ahead) + " ahead, " + std::to_string(behind) +
                    " behind " + up_name + " (merge or rebase by hand)",
                result.text);
  }

  // Fast-forward: the work tree first (refused as a whole if a local change is in the
  // way), then the branch.
  if (exists(gitdir + "index.lock")) {
    return fail(lock_failure(gitdir), result.text);
  }
  git_commit* old_raw = nullptr;
  git_commit* new_raw = nullptr;
  if (git_commit_lookup(&old_raw, repo, &local_id) != 0 ||
      git_commit_lookup(&new_raw, repo, &up_id) != 0) {
    git_commit_free(old_raw);
    return fail("cannot read " + up_name + ": " + last_error(-1), result.text);
  }
  CommitPtr old_commit(old_raw);
  CommitPtr new_commit(new_raw);
  // SAFE keeps every local change; ignored files in the way are kept too (git would
  // overwrite them, and they may be someone's .env). A dry run first names what is in the
  // way and what will be rewritten.
  const auto checkout_to = [&](unsigned int extra, Plan& plan) {
    git_checkout_options checkout = GIT_CHECKOUT_OPTIONS_INIT;
    checkout.checkout_strategy = GIT_CHECKOUT_SAFE | GIT_CHECKOUT_DONT_OVERWRITE_IGNORED | extra;
    checkout.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT | GIT_CHECKOUT_NOTIFY_UPDATED;
    checkout.notify_cb = on_plan;
    checkout.notify_payload = &plan;
    return git_checkout_tree(repo, reinterpret_cast<git_object*>(new_commit.get()), &checkout);
  };
  const auto refused = [&](const Plan& plan) {
    return fail("local changes would be overwritten by the update: " + first_few(plan.conflicts) +
                    " (commit or stash them, then update again)",
                result.text);
  };
  Plan plan;
  if (const int rc = checkout_to(GIT_CHECKOUT_DRY_RUN, plan);
      rc == GIT_ECONFLICT || !plan.conflicts.empty()) {
    return refused(plan);
  } else if (rc != 0) {
    return fail("fast-forward failed: " + last_error(rc), result.text);
  }
  if (const char* workdir = git_repository_workdir(repo); workdir != nullptr) {
    if (auto fresh = fresh_inodes(workdir, plan.rewrites); !fresh) {
      return fail(fresh.error().message, result.text);
    }
  }
  Plan done;
  const int rc = checkout_to(0, done);
  if (rc == GIT_ECONFLICT || !done.conflicts.empty()) {
    return refused(done); // changed since the dry run, and still nothing touched
  }
  if (rc != 0) {
    return fail("fast-forward failed: " + last_error(rc), result.text);
  }
  git_reference* moved = nullptr;
  if (const int mrc = git_reference_set_target(&moved, local.get(), &up_id, "pull: Fast-forward");
      mrc != 0) {
    return fail("the work tree is at " + up_name + " but " + branch + " could not be moved: " +
                    last_error(mrc) + " (run git reset --soft " + up_name + ")",
                result.text);
  }
  git_reference_free(moved);

  Abbreviator abbrev(repo);
  git_tree* old_tree = nullptr;
  git_tree* new_tree = nullptr;
  git_commit_tree(&old_tree, old_commit.get());
  git_commit_tree(&new_tree, new_commit.get());
  TreePtr a(old_tree);
  TreePtr b(new_tree);
  result.text += "Updating " + abbrev(local_id) + ".." + abbrev(up_id) + "\nFast-forward\n" +
                 diffstat_between(repo, a.get(), b.get(), stat_width);
  result.kind = UpdateResult::Kind::fast_forwarded;
  return result;
}

} // namespace mr::git
