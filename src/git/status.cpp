// read_status(): everything `mr status` and `mr summary` show about one repository.
#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>

#include <git2/sys/diff.h>
#include <spdlog/spdlog.h>

#include <mr/git/status.hpp>
#include <mr/util/strings.hpp>

#include "index_refresh.hpp"
#include "log.hpp"
#include "refs.hpp"
#include "repository.hpp"
#include "status_entries.hpp"
#include "status_fast.hpp"
#include "status_renames.hpp"
#include "status_settings.hpp"
#include "update_journal.hpp"

namespace mr::git {

namespace {

Operation operation_of(int state) {
  switch (state) {
  case GIT_REPOSITORY_STATE_MERGE:
    return Operation::merge;
  case GIT_REPOSITORY_STATE_REVERT:
  case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
    return Operation::revert;
  case GIT_REPOSITORY_STATE_CHERRYPICK:
  case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
    return Operation::cherry_pick;
  case GIT_REPOSITORY_STATE_BISECT:
    return Operation::bisect;
  case GIT_REPOSITORY_STATE_REBASE:
  case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
  case GIT_REPOSITORY_STATE_REBASE_MERGE:
    return Operation::rebase;
  case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
  case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
    return Operation::apply_mailbox;
  default:
    return Operation::none;
  }
}

// `head` is HEAD's tree, null on an unborn branch (libgit2 would look HEAD up again).
Result<StatusListPtr> status_list(git_repository* repo, git_tree* head, unsigned flags) {
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = flags;
  opts.baseline = head;
  git_status_list* raw = nullptr;
  const int rc = read_index_retrying([&] { return git_status_list_new(&raw, repo, &opts); });
  if (rc != 0) {
    return fail(last_error(rc));
  }
  return StatusListPtr(raw);
}

void read_upstream(git_repository* repo, RepoStatus& st) {
  if (st.detached || st.unborn || st.branch.empty()) {
    return;
  }
  const std::string local = branch_ref(st.branch);
  const auto full_name = upstream_ref(repo, st.branch);
  if (!full_name) {
    return; // no upstream configured
  }
  Upstream up;
  const std::string& full = *full_name;
  up.name = upstream_name(full);
  git_oid upstream_id;
  git_oid local_id;
  if (git_reference_name_to_id(&upstream_id, repo, full.c_str()) != 0) {
    up.gone = true;
  } else if (git_reference_name_to_id(&local_id, repo, local.c_str()) == 0) {
    std::size_t ahead = 0;
    std::size_t behind = 0;
    if (git_oid_equal(&local_id, &upstream_id) != 0) {
      up.ahead = up.behind = 0; // in sync: no walk
      st.upstream = std::move(up);
      return;
    }
    // Shallow clones make the walk fail on libgit2 1.5: the counts stay unknown.
    if (git_graph_ahead_behind(&ahead, &behind, repo, &local_id, &upstream_id) == 0) {
      up.ahead = ahead;
      up.behind = behind;
    }
  }
  st.upstream = std::move(up);
}

UpdateInProgress update_in_progress(git_repository* repo, const UpdateNote& note) {
  UpdateInProgress u;
  u.branch = branch_name(note.branch); // the note only names refs/heads/ branches
  Abbreviator abbrev(repo);
  git_oid id{};
  u.from = git_oid_fromstr(&id, note.from.c_str()) == 0 ? abbrev(id) : note.from;
  u.to = git_oid_fromstr(&id, note.to.c_str()) == 0 ? abbrev(id) : note.to;
  u.running = note.owner_running();
  u.planning = note.planning;
  u.pid = note.pid;
  return u;
}

Result<std::vector<std::string>> stash_list(git_repository* repo) {
  std::vector<std::string> stashes;
  const auto rc = git_stash_foreach(
      repo,
      [](size_t index, const char* message, const git_oid*, void* payload) {
        static_cast<std::vector<std::string>*>(payload)->push_back(
            "stash@{" + std::to_string(index) + "}: " + (message != nullptr ? message : ""));
        return 0;
      },
      &stashes);
  if (rc != 0 && rc != GIT_ENOTFOUND) {
    return fail("cannot read the stash list: " + last_error(rc));
  }
  return stashes;
}

// HEAD into `st` (branch, detached, unborn, abbreviation) and the tree it names, null when
// unborn. Checked before status: libgit2 1.5 treats a HEAD naming a missing commit as an
// unborn branch and would report every file as added, where git says "bad object". Read
// once here (git_repository_head() and friends would each read it again).
Result<TreePtr> read_head(git_repository* repo, RepoStatus& st) {
  git_reference* head_raw = nullptr;
  if (const int rc = git_reference_lookup(&head_raw, repo, "HEAD"); rc != 0) {
    return fail("cannot read HEAD: " + last_error(rc));
  }
  RefPtr head(head_raw);
  RefPtr resolved;
  if (git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC) {
    const std::string target = git_reference_symbolic_target(head.get());
    st.branch = branch_name(target);
    git_reference* raw = nullptr;
    const int rc = git_reference_resolve(&raw, head.get());
    if (rc == GIT_ENOTFOUND) {
      st.unborn = true;
    } else if (rc != 0) {
      return fail("cannot read HEAD: " + last_error(rc));
    }
    resolved.reset(raw);
  } else {
    st.detached = true;
  }
  TreePtr tree;
  if (st.unborn) {
    return tree;
  }
  const git_oid* target = git_reference_target(resolved ? resolved.get() : head.get());
  git_commit* commit_raw = nullptr;
  if (target == nullptr || git_commit_lookup(&commit_raw, repo, target) != 0) {
    // libgit2 says "object not found - no match for id (SHA)"; the SHA is given once.
    auto reason = last_error(-1);
    reason = reason.substr(0, reason.find(" - no match for id"));
    return fail("HEAD names commit " +
                std::string(target != nullptr ? git_oid_tostr_s(target) : "?") +
                ", which cannot be read: " + reason + " (git fsck tells more)");
  }
  CommitPtr commit(commit_raw);
  git_tree* tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, commit.get()) != 0) {
    return fail("the tree of HEAD cannot be read: " + last_error(-1) + " (git fsck tells more)");
  }
  tree.reset(tree_raw);
  if (st.detached) {
    st.head_abbrev = Abbreviator(repo)(*target);
  }
  return tree;
}

// libgit2's status options for what git status would show with this config and request.
unsigned status_flags(const Config& config, const StatusRequest& request) {
  unsigned flags = GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
  switch (untracked_mode(config, request.untracked)) {
  case Untracked::no:
    break;
  case Untracked::normal:
    flags |= GIT_STATUS_OPT_INCLUDE_UNTRACKED;
    break;
  case Untracked::all:
    flags |= GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
    break;
  }
  return flags; // renames are paired as git pairs them (status_renames.hpp)
}

// The upstream, unpushed log and stashes, as the request asks.
Result<void> read_extras(git_repository* repo, const StatusRequest& request,
                         const std::stop_token& stop, RepoStatus& st) {
  if (request.upstream || st.show_branch) {
    read_upstream(repo, st);
  }
  if (request.unpushed_log) {
    if (stop.stop_requested()) {
      return cancelled();
    }
    MR_TRY_VAR(log, unpushed_log(repo));
    st.unpushed = std::move(*log);
  }
  if (request.stashes) {
    MR_TRY_VAR(stashes, stash_list(repo));
    st.stashes = std::move(*stashes);
  }
  return {};
}

// Room for the list's entries up front: 100,000 untracked files would otherwise grow the
// vectors by doubling, the old and new arrays both alive at the peak.
void reserve_entries(git_status_list* list, RepoStatus& st) {
  const std::size_t count = git_status_list_entrycount(list);
  std::size_t untracked = 0;
  for (std::size_t i = 0; i < count; ++i) {
    untracked += (git_status_byindex(list, i)->status & GIT_STATUS_WT_NEW) != 0 ? std::size_t{1}
                                                                                : std::size_t{0};
  }
  st.untracked.reserve(untracked);
  st.changes.reserve(count - untracked);
}

// git's order, byte by byte. libgit2's list is mostly in it already: checked in one pass
// before paying for a sort.
void sort_by_path(std::vector<StatusEntry>& entries) {
  const auto by_path = [](const StatusEntry& a, const StatusEntry& b) { return a.path < b.path; };
  if (!std::is_sorted(entries.begin(), entries.end(), by_path)) {
    std::stable_sort(entries.begin(), entries.end(), by_path);
  }
}

} // namespace

Result<RepoStatus> read_status(const StatusRequest& request, const std::stop_token& stop) {
  // Set when the fast path stopped at a racily clean entry (FastPathDoubt::racy).
  bool racy = false;
  if (request.fast_path) {
    FastPathDoubt doubt;
    if (auto clean = read_clean_status(request, stop, doubt)) {
      spdlog::debug("{}: status: clean (proven from the index and stat data)",
                    request.repo.string());
      return std::move(*clean);
    }
    spdlog::debug("{}: status through libgit2: {}", request.repo.string(), doubt.why);
    racy = doubt.racy;
  }
  MR_TRY_VAR(opened, open_repository(request.repo, {.read_only_config = true}));
  git_repository* repo = opened->get();
  const Config config(repo);
  RepoStatus st;
  read_status_settings(config, st);
  MR_TRY_VAR(tree, read_head(repo, st));
  if (stop.stop_requested()) {
    return cancelled();
  }

  const std::string gitdir = git_repository_path(repo);
  if (auto note = read_note(gitdir); !note) {
    st.warnings.push_back("warning: " + note.error().message);
  } else if (*note) {
    st.update = update_in_progress(repo, **note);
  }
  if (request.operation) {
    st.operation = operation_of(git_repository_state(repo));
  }

  // libgit2 never writes the index here (no GIT_STATUS_OPT_UPDATE_INDEX: it would write
  // an index read before taking the lock, undoing a concurrent `git add`, and drop the
  // extensions it does not know). The refresh is mr's own (index_refresh.hpp).
  IndexRefresh refresh(gitdir);
  MR_TRY_VAR(list, status_list(repo, tree->get(), status_flags(config, request)));
  git_index* index_raw = nullptr;
  IndexPtr index;
  if (git_repository_index(&index_raw, repo) == 0) {
    index.reset(index_raw);
  }
  Scan scan{repo, index.get(), git_repository_workdir(repo), {}, {}, true, {}};
  if (status_renames_enabled(config)) {
    scan.renames = find_status_renames(repo, list->get(), config);
  }
  scan.untracked_in_submodules = untracked_mode(config, request.untracked) != Untracked::no;
  const std::size_t count = git_status_list_entrycount(list->get());
  reserve_entries(list->get(), st);
  for (std::size_t i = 0; i < count; ++i) {
    add_entry(scan, git_status_byindex(list->get(), i), st);
  }
  // A status that hashed no file found every entry's stat data matching: nothing to
  // refresh (see index_refresh.hpp), unless racy entries are known to be there.
  git_diff_perfdata perf = GIT_DIFF_PERFDATA_INIT;
  if (index && !stop.stop_requested() &&
      (racy || git_status_list_get_perfdata(&perf, list->get()) != 0 ||
       perf.oid_calculations > 0)) {
    const git_oid* checksum = git_index_checksum(index.get());
    refresh.finish(repo,
                   std::string_view(reinterpret_cast<const char*>(checksum->id), GIT_OID_RAWSZ),
                   [&](std::string_view p) { return scan.changed.count(p) != 0; });
  }
  scan.changed.clear(); // views into the list, which goes before the sorting and the text
  list->reset();
  for (auto& line : unreadable_warnings(scan.workdir, scan.unreadable)) {
    st.warnings.push_back(std::move(line));
  }
  sort_by_path(st.changes);
  sort_by_path(st.untracked);
  MR_TRY(read_extras(repo, request, stop, st));
  return st;
}

} // namespace mr::git
