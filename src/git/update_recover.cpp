// Finishing an update that was interrupted (killed, or stopped by a full disk): see
// update_apply.hpp and update_journal.hpp.
#include <algorithm>
#include <cerrno>
#include <ctime>
#include <filesystem>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>

#include "handles.hpp"
#include "index_build.hpp"
#include "log.hpp"
#include "refs.hpp"
#include "update_apply.hpp"
#include "update_journal.hpp"

namespace mr::git {

namespace {

std::optional<git_oid> parse_oid(const std::string& hex) {
  git_oid id{};
  if (git_oid_fromstr(&id, hex.c_str()) != 0) {
    return std::nullopt;
  }
  return id;
}

// The lock: free, or the one the interrupted update's process left (taken over). The
// note is rewritten to name the new lock before it is index.lock, so that from then on a
// kill is recovered from again.
Result<IndexLock> lock_for_recovery(const std::string& gitdir, const UpdateNote& note) {
  const std::string path = IndexLock::path_in(gitdir);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!note.names_lock(path)) {
      return fail(IndexLock::busy_message(gitdir) + "; an interrupted mr update waits to be " +
                  "finished here");
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return fail("cannot take over " + path + ": " + util::errno_text(errno));
    }
  }
  return IndexLock::acquire_announced(gitdir, [&](const std::string& lock_path) {
    return write_note(gitdir, UpdateNote::mine(note.branch, note.from, note.to, lock_path));
  });
}

// What must happen to each path for the update to be complete, or which paths are no
// longer as the update left them.
struct Survey {
  Work work;
  std::vector<std::string> changed;
};

Survey survey(git_repository* repo, const IndexFile& index,
              const std::vector<PathChange>& changes) {
  Survey s;
  Worktree wt(repo, index);
  timespec started{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &started);
  std::set<std::string> removing; // files the update deletes
  for (const auto& c : changes) {
    if (c.from && !c.to) {
      removing.insert(c.path);
    }
  }
  for (const auto& c : changes) {
    const auto at = index.find(c.path, 0);
    const IndexEntry* e = at ? &index.entries()[*at] : nullptr;
    if (same_entry(index, e, c.to)) {
      continue; // done before the interruption, or staged so before the update
    }
    if (!same_entry(index, e, c.from)) {
      s.changed.push_back(c.path); // the index changed since
      continue;
    }
    if ((c.from && c.from->gitlink()) || (c.to && c.to->gitlink())) {
      s.work.submodules.push_back(c);
      continue;
    }
    struct stat st {};
    const int err = wt.lstat(c.path, st);
    if (err == ENOENT || err == ENOTDIR) {
      (c.to ? (c.from ? s.work.create : s.work.checkout) : s.work.already_gone).push_back(c);
      continue;
    }
    if (err == 0 && S_ISDIR(st.st_mode) && !c.from &&
        wt.only_contains(c.path, [&](const std::string& f) { return removing.count(f) != 0; })) {
      // A new file where a directory goes away: the directory still holds only what the
      // update removes (it stopped before removing it).
      s.work.checkout.push_back(c);
      continue;
    }
    if (err != 0) {
      s.changed.push_back(c.path);
      continue;
    }
    if (c.to && wt.holds(c.path, *c.to)) {
      // Written before the interruption. Its stat (taken before hashing) is recorded
      // unless the file changed so recently that a change could hide in the same tick.
      IndexStat recorded = IndexStat::from(st, c.to->mode);
      const auto sec = static_cast<std::uint32_t>(started.tv_sec);
      if (recorded.mtime_sec > sec ||
          (recorded.mtime_sec == sec &&
           recorded.mtime_nsec >= static_cast<std::uint32_t>(started.tv_nsec))) {
        recorded = IndexStat{};
      }
      s.work.in_place.emplace_back(c, recorded);
    } else if (e != nullptr && wt.check(*e) == Worktree::State::matches) {
      s.work.checkout.push_back(c); // still the old version
    } else if (c.to && wt.holds_prefix(c.path, *c.to)) {
      s.work.checkout.push_back(c); // a write cut short
    } else {
      s.changed.push_back(c.path);
    }
  }
  return s;
}

// The git commands that give the changed paths their new version (or remove them from the
// index, for paths the update deletes: the file itself is left to the user), after which
// the update can be finished.
std::string finishing_commands(const std::vector<PathChange>& changes,
                               const std::vector<std::string>& changed, const std::string& to) {
  std::string checkout;
  std::string remove;
  for (const auto& c : changes) {
    if (std::find(changed.begin(), changed.end(), c.path) == changed.end()) {
      continue;
    }
    (c.to ? checkout : remove) += " " + util::shell_quote(c.path);
  }
  std::string out;
  if (!checkout.empty()) {
    out += "git checkout " + to.substr(0, 12) + " --" + checkout + " && ";
  }
  if (!remove.empty()) {
    out += "git rm -q --cached --ignore-unmatch --" + remove + " && ";
  }
  return out + "mr update";
}

// The two commits the note names, with their ids; nullopt when either cannot be read.
struct NotedCommits {
  git_oid from{};
  git_oid to{};
  CommitPtr from_commit;
  CommitPtr to_commit;
};

std::optional<NotedCommits> read_noted_commits(git_repository* repo, const UpdateNote& note) {
  const auto from = parse_oid(note.from);
  const auto to = parse_oid(note.to);
  git_commit* from_raw = nullptr;
  if (!from || !to || git_commit_lookup(&from_raw, repo, &*from) != 0) {
    return std::nullopt;
  }
  NotedCommits c{*from, *to, CommitPtr(from_raw), nullptr};
  git_commit* to_raw = nullptr;
  if (git_commit_lookup(&to_raw, repo, &*to) != 0) {
    return std::nullopt;
  }
  c.to_commit.reset(to_raw);
  return c;
}

// Whether the branch already points at the update's target (the kill came after it
// moved). An error says why the update cannot be finished: HEAD left the branch, or the
// branch moved anywhere else since.
Result<bool> noted_branch_moved(git_repository* repo, const UpdateNote& note, const NotedCommits& c,
                                const std::string& give_up) {
  const std::string branch = branch_name(note.branch);
  git_reference* head_raw = nullptr;
  if (git_reference_lookup(&head_raw, repo, "HEAD") != 0) {
    return fail("HEAD cannot be read: " + last_error(-1));
  }
  RefPtr head(head_raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC ||
      note.branch != git_reference_symbolic_target(head.get())) {
    return fail("HEAD is no longer on " + branch + "; " + give_up);
  }
  git_oid tip{};
  if (git_reference_name_to_id(&tip, repo, note.branch.c_str()) != 0) {
    return fail(branch + " cannot be read: " + last_error(-1));
  }
  const bool moved = git_oid_equal(&tip, &c.to) != 0;
  if (!moved && git_oid_equal(&tip, &c.from) == 0) {
    return fail(branch + " has moved to " + std::string(git_oid_tostr_s(&tip)).substr(0, 7) +
                " since; " + give_up);
  }
  return moved;
}

// The index, if mr may finish the update in it; an error says why it may not (an index
// mr does not rewrite, or a merge begun since).
Result<IndexFile> read_recovery_index(const std::string& gitdir, const std::string& give_up) {
  auto index = IndexFile::read(gitdir + "index");
  if (!index) {
    return index;
  }
  if (auto why = cannot_rewrite(*index)) {
    return fail("mr does not rewrite " + *why + " (git pull --ff-only finishes it)");
  }
  for (const auto& e : index->entries()) {
    if (e.stage() != 0) {
      return fail("the index has unmerged paths since; " + give_up);
    }
  }
  return index;
}

// The trees of the two commits (the old one is the checkout's baseline) and the paths the
// update changes between them.
struct NotedDiff {
  TreePtr from_tree;
  TreePtr to_tree;
  std::vector<PathChange> changes;
};

Result<NotedDiff> diff_noted_commits(git_repository* repo, const NotedCommits& c) {
  git_tree* from_tree_raw = nullptr;
  git_tree* to_tree_raw = nullptr;
  git_commit_tree(&from_tree_raw, c.from_commit.get());
  git_commit_tree(&to_tree_raw, c.to_commit.get());
  NotedDiff d{TreePtr(from_tree_raw), TreePtr(to_tree_raw), {}};
  MR_TRY_VAR(changes, changed_paths(repo, d.from_tree.get(), d.to_tree.get()));
  d.changes = std::move(*changes);
  return d;
}

// A kill between naming a replacement file and renaming it over the old one left it
// beside the file (util::replace_file_at): this process owns the update now.
void remove_replacement_leftovers(git_repository* repo, const std::vector<PathChange>& changes) {
  const std::string workdir = git_repository_workdir(repo);
  for (const auto& c : changes) {
    struct stat file {};
    struct stat dir {};
    const std::filesystem::path path = workdir + c.path;
    if (c.to && (c.to->mode & 0170000) == 0100000 && ::lstat(path.c_str(), &file) == 0 &&
        S_ISREG(file.st_mode) && ::lstat(path.parent_path().c_str(), &dir) == 0 &&
        S_ISDIR(dir.st_mode)) {
      util::remove_stale_temporaries(path);
    }
  }
}

// Lets the lock go while the note stays, naming no lock: the git commands a refusal names
// can run, and the next mr update finds the interrupted one again.
void release_recovery_lock(const std::string& gitdir, const UpdateNote& note, IndexLock& lock) {
  write_note(gitdir, UpdateNote::mine(note.branch, note.from, note.to, {}));
  lock.rollback();
}

// Does what is left of the update's work under the lock (which carry_out renames over the
// index), or only lets the lock go when nothing is left. A failure releases the lock and
// is returned as is.
Result<void> redo_remaining_work(git_repository* repo, const std::string& gitdir,
                                 const UpdateNote& note, const NotedCommits& c, const NotedDiff& d,
                                 const Survey& s, const IndexFile& index, IndexLock& lock) {
  if (s.work.empty()) {
    lock.rollback();
    return {};
  }
  if (auto done = carry_out(repo, d.from_tree.get(), c.to_commit.get(), s.work, index, lock,
                            /*force=*/true);
      !done) {
    release_recovery_lock(gitdir, note, lock);
    return done;
  }
  return {};
}

} // namespace

Result<std::string> finish_interrupted(git_repository* repo, const std::string& gitdir,
                                       const UpdateNote& note, std::size_t stat_width) {
  const std::string branch = branch_name(note.branch);
  const std::string what = "the interrupted update of " + branch + " (" + note.from.substr(0, 7) +
                           ".." + note.to.substr(0, 7) + ")";
  const std::string give_up = "if the work tree is as you want it: rm " + note_path(gitdir);
  const auto commits = read_noted_commits(repo, note);
  if (!commits) {
    return fail(what + " cannot be finished: its commits cannot be read; " + give_up);
  }
  MR_TRY_VAR(lock, lock_for_recovery(gitdir, note));
  const auto refuse = [&](const std::string& why) -> Result<std::string> {
    release_recovery_lock(gitdir, note, *lock);
    return fail(what + " cannot be finished: " + why);
  };
  const auto moved = noted_branch_moved(repo, note, *commits, give_up);
  if (!moved) {
    return refuse(moved.error().message);
  }
  const auto index = read_recovery_index(gitdir, give_up);
  if (!index) {
    return refuse(index.error().message);
  }
  const auto diff = diff_noted_commits(repo, *commits);
  if (!diff) {
    return refuse(diff.error().message);
  }
  remove_replacement_leftovers(repo, diff->changes);
  const Survey s = survey(repo, *index, diff->changes);
  if (!s.changed.empty()) {
    return refuse(first_few(s.changed) + " changed since it stopped (neither the old version, " +
                  "the new one nor a partly written one); keep what you need of them, then " +
                  "finish it with: " + finishing_commands(diff->changes, s.changed, note.to));
  }
  if (auto done = redo_remaining_work(repo, gitdir, note, *commits, *diff, s, *index, *lock);
      !done) {
    return fail(what + " stopped again: " + done.error().message +
                " (mr update finishes it once that is fixed)");
  }
  if (!*moved) {
    if (auto m = move_branch(repo, note.branch, commits->from, commits->to); !m) {
      return fail(
          what + ": the work tree and index are done but " + branch +
          " could not be moved: " + m.error().message +
          " (the next mr update finishes it, or says what to do if the branch moved meanwhile)");
    }
  }
  MR_TRY(remove_note(gitdir));
  return "Finishing " + what + "\n" +
         fast_forward_text(repo, commits->from_commit.get(), commits->to_commit.get(), stat_width);
}

} // namespace mr::git
