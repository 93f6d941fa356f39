#include "update_apply.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/util/fd.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>
#include <mr/util/test_point.hpp>

#include "diffstat.hpp"
#include "handles.hpp"
#include "index_build.hpp"
#include "log.hpp"
#include "ref_lock_note.hpp"
#include "repository.hpp"

namespace mr::git {

namespace {

bool regular(std::uint32_t mode) {
  return (mode & 0170000) == 0100000;
}

std::string raw_oid(const git_oid& id) {
  return std::string(reinterpret_cast<const char*>(id.id), k_oid_bytes);
}

struct CheckoutState {
  std::string workdir;
  std::vector<std::string> conflicts;
  std::map<std::string, struct stat> written; // the stat of each file right after writing it
  bool mid_point_passed = false;              // update.mid_checkout already reached
};

int on_notify(git_checkout_notify_t why, const char* path, const git_diff_file*,
              const git_diff_file*, const git_diff_file*, void* payload) {
  if (why == GIT_CHECKOUT_NOTIFY_CONFLICT && path != nullptr) {
    static_cast<CheckoutState*>(payload)->conflicts.emplace_back(path);
  }
  return 0;
}

// Called by libgit2 after each file it removes or writes: the stat data the index
// records is taken at once, as git takes it from the file it just wrote.
void on_progress(const char* path, size_t completed, size_t total, void* payload) {
  auto& state = *static_cast<CheckoutState*>(payload);
  if (path == nullptr) {
    return;
  }
  struct stat st {};
  if (::lstat((state.workdir + path).c_str(), &st) == 0) {
    state.written[path] = st;
  } else {
    state.written.erase(path);
  }
  if (completed == 1 && total > 1 && !state.mid_point_passed) {
    util::test_point("update.mid_checkout");
  }
}

int run_checkout(git_repository* repo, git_tree* baseline, git_commit* target,
                 const std::vector<PathChange>& changes, unsigned strategy, CheckoutState& state) {
  std::vector<const char*> paths;
  for (const auto& c : changes) {
    paths.push_back(c.path.c_str());
  }
  git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
  // Only these paths (never an empty list: that would mean every path), and never the
  // index: mr writes it.
  opts.checkout_strategy =
      strategy | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH | GIT_CHECKOUT_DONT_UPDATE_INDEX;
  opts.paths.strings = const_cast<char**>(paths.data());
  opts.paths.count = paths.size();
  opts.baseline = baseline;
  opts.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
  opts.notify_cb = on_notify;
  opts.notify_payload = &state;
  opts.progress_cb = on_progress;
  opts.progress_payload = &state;
  return git_checkout_tree(repo, reinterpret_cast<git_object*>(target), &opts);
}

// The new version of a file: a regular file gets the blob through the work-tree filters
// (line endings, ident), in a new file renamed over any old one; a symlink its target
// (with core.symlinks=false: a file holding it, as git writes it).
Result<void> replace_file(git_repository* repo, int dirfd, const PathChange& c) {
  git_blob* raw = nullptr;
  if (const int rc = git_blob_lookup(&raw, repo, &c.to->id); rc != 0) {
    return fail("cannot read the new " + c.path + ": " + last_error(rc));
  }
  const BlobPtr blob(raw);
  if ((c.to->mode & 0170000) == 0120000) {
    const std::string target(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                             git_blob_rawsize(blob.get()));
    if (!Config(repo).boolean("core.symlinks").value_or(true)) {
      return util::replace_file_at(dirfd, c.path, target, false);
    }
    if (::symlinkat(target.c_str(), dirfd, c.path.c_str()) != 0) {
      return fail(c.path + ": cannot create the symbolic link: " + util::errno_text(errno));
    }
    return {};
  }
  Buf filtered;
  git_blob_filter_options opts = GIT_BLOB_FILTER_OPTIONS_INIT;
  opts.flags = 0; // as checkout: the filters decide for themselves what is binary
  if (const int rc = git_blob_filter(&filtered.buf, blob.get(), c.path.c_str(), &opts); rc != 0) {
    return fail("cannot convert " + c.path + " for the work tree: " + last_error(rc));
  }
  const std::string_view content(filtered.buf.ptr, filtered.buf.size);
  return util::replace_file_at(dirfd, c.path, content, (c.to->mode & 0111) != 0);
}

// The work tree's top directory, which the files are written relative to.
Result<util::FdGuard> open_work_tree(const std::string& workdir) {
  util::FdGuard dirfd(::open(workdir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dirfd.open()) {
    return fail("cannot open the work tree: " + util::errno_text(errno));
  }
  return dirfd;
}

// Writes the new version of each of `paths`, whose file is missing, creating the
// directories on its way (never through a symlink), and records its stat.
Result<void> create_files(git_repository* repo, const std::string& workdir,
                          const std::vector<const PathChange*>& paths, CheckoutState& state) {
  if (paths.empty()) {
    return {};
  }
  MR_TRY_VAR(dirfd, open_work_tree(workdir));
  for (const auto* c : paths) {
    const auto parent = std::filesystem::path(c->path).parent_path();
    if (!parent.empty()) {
      if (auto made = util::make_directories_beneath(workdir, parent); !made) {
        return made;
      }
    }
    if (auto r = replace_file(repo, dirfd->get(), *c); !r) {
      return r;
    }
    struct stat st {};
    if (::fstatat(dirfd->get(), c->path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      state.written[c->path] = st;
    }
  }
  return {};
}

constexpr unsigned k_safe =
    GIT_CHECKOUT_SAFE | GIT_CHECKOUT_RECREATE_MISSING | GIT_CHECKOUT_DONT_OVERWRITE_IGNORED;

// Without a stat taken right after writing (or for the placeholder index of the dry
// check), an entry is recorded without stat data: size 0, "smudged", so that every reader
// hashes the file before trusting it.
std::vector<IndexEdit> edits_for(const Work& work,
                                 const std::map<std::string, struct stat>& written) {
  std::vector<IndexEdit> edits;
  const auto entry = [](const TreeItem& item, const IndexStat& st) {
    return NewEntry{item.mode, raw_oid(item.id), st};
  };
  for (const auto& c : work.checkout) {
    if (!c.to) {
      edits.push_back({c.path, std::nullopt});
      continue;
    }
    const auto it = written.find(c.path);
    const IndexStat st =
        it != written.end() ? IndexStat::from(it->second, c.to->mode) : IndexStat{};
    edits.push_back({c.path, entry(*c.to, st)});
  }
  for (const auto& c : work.submodules) {
    edits.push_back(
        {c.path, c.to ? std::optional<NewEntry>(entry(*c.to, IndexStat{})) : std::nullopt});
  }
  for (const auto& [c, st] : work.in_place) {
    edits.push_back({c.path, entry(*c.to, st)});
  }
  for (const auto& c : work.already_gone) {
    edits.push_back({c.path, std::nullopt});
  }
  for (const auto& c : work.create) {
    const auto it = written.find(c.path);
    const IndexStat st =
        it != written.end() ? IndexStat::from(it->second, c.to->mode) : IndexStat{};
    edits.push_back({c.path, entry(*c.to, st)});
  }
  std::sort(edits.begin(), edits.end(),
            [](const IndexEdit& a, const IndexEdit& b) { return a.path < b.path; });
  return edits;
}

// Kept entries that are racily clean in the old index stop being racy in the new one:
// those whose file differs, or may have changed unseen since this run began, are smudged.
std::vector<std::size_t> racy_to_smudge(git_repository* repo, const IndexFile& index,
                                        const std::vector<IndexEdit>& edits,
                                        const timespec& started) {
  std::vector<std::size_t> smudge;
  const auto& written = index.file_stat().st_mtim;
  const auto at_or_after = [](const IndexStat& s, const timespec& t) {
    const auto sec = static_cast<std::uint32_t>(t.tv_sec);
    return s.mtime_sec > sec ||
           (s.mtime_sec == sec && s.mtime_nsec >= static_cast<std::uint32_t>(t.tv_nsec));
  };
  Worktree wt(repo, index);
  for (std::size_t i = 0; i < index.entries().size(); ++i) {
    const auto& e = index.entries()[i];
    const IndexStat s = index.stat(e);
    if (e.stage() != 0 || e.gitlink() || e.skip_worktree() || e.assume_valid() ||
        e.intent_to_add() || s.size == 0 || !at_or_after(s, written)) {
      continue;
    }
    const std::string path(index.path(e));
    if (std::binary_search(
            edits.begin(), edits.end(), IndexEdit{path, std::nullopt},
            [](const IndexEdit& a, const IndexEdit& b) { return a.path < b.path; })) {
      continue;
    }
    if (at_or_after(s, started) || wt.check(e) != Worktree::State::matches) {
      smudge.push_back(i);
    }
  }
  return smudge;
}

} // namespace

Result<std::vector<std::string>> checkout_conflicts(git_repository* repo, git_tree* baseline,
                                                    git_commit* target, const Work& work) {
  if (work.checkout.empty()) {
    return std::vector<std::string>{};
  }
  CheckoutState state{git_repository_workdir(repo), {}, {}};
  const int rc =
      run_checkout(repo, baseline, target, work.checkout, k_safe | GIT_CHECKOUT_DRY_RUN, state);
  if (rc != 0 && rc != GIT_ECONFLICT) {
    return fail("cannot check out: " + last_error(rc));
  }
  if (rc == GIT_ECONFLICT && state.conflicts.empty()) {
    return fail("cannot check out: " + last_error(rc));
  }
  return state.conflicts;
}

Result<void> check_index_result(const IndexFile& index, const Work& work) {
  MR_TRY(build_index(index, edits_for(work, {}), {}));
  return {};
}

namespace {

// Files that stay regular files are replaced by mr, one at a time (see the header); the
// rest (new, removed, type changes, symlinks) by libgit2's checkout.
struct CheckoutSplit {
  std::vector<const PathChange*> replaced;
  std::vector<PathChange> rest;
};

CheckoutSplit split_checkout(const std::vector<PathChange>& checkout, const std::string& workdir) {
  CheckoutSplit split;
  for (const auto& c : checkout) {
    struct stat st {};
    const bool file_to_file = c.from && c.to && regular(c.from->mode) && regular(c.to->mode) &&
                              ::lstat((workdir + c.path).c_str(), &st) == 0 && S_ISREG(st.st_mode);
    file_to_file ? split.replaced.push_back(&c) : split.rest.push_back(c);
  }
  return split;
}

// Replaces each file of `replaced` by its new version and records its stat. `mid_point`:
// the update changes more than one path, so a test can stop it after the first.
Result<void> replace_files(git_repository* repo, const std::string& workdir,
                           const std::vector<const PathChange*>& replaced, bool mid_point,
                           CheckoutState& state) {
  if (replaced.empty()) {
    return {};
  }
  MR_TRY_VAR(dirfd, open_work_tree(workdir));
  for (const auto* c : replaced) {
    if (auto r = replace_file(repo, dirfd->get(), *c); !r) {
      return r;
    }
    struct stat st {};
    if (::fstatat(dirfd->get(), c->path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      state.written[c->path] = st;
    }
    if (c == replaced.front() && mid_point) {
      util::test_point("update.mid_checkout");
    }
  }
  return {};
}

// libgit2's checkout of the other paths: safe (what is in the way is a conflict, named)
// unless `force`.
Result<void> checkout_rest(git_repository* repo, git_tree* baseline, git_commit* target,
                           const std::vector<PathChange>& rest, bool force, CheckoutState& state) {
  if (rest.empty()) {
    return {};
  }
  const int rc = run_checkout(repo, baseline, target, rest,
                              force ? static_cast<unsigned>(GIT_CHECKOUT_FORCE) : k_safe, state);
  if (rc != 0) {
    const std::string why = state.conflicts.empty()
                                ? last_error(rc)
                                : "changed meanwhile: " + first_few(state.conflicts);
    return fail(why);
  }
  return {};
}

// What is still missing: paths the user had deleted, and any new version libgit2 left
// unwritten (it skips some type changes, such as a directory becoming a file).
std::vector<const PathChange*> still_missing(const Work& work, const std::vector<PathChange>& rest,
                                             const std::string& workdir) {
  std::vector<const PathChange*> missing;
  for (const auto& c : work.create) {
    missing.push_back(&c);
  }
  for (const auto& c : rest) {
    struct stat st {};
    if (c.to && ::lstat((workdir + c.path).c_str(), &st) != 0 && errno == ENOENT) {
      missing.push_back(&c);
    }
  }
  return missing;
}

// As git: a new submodule gets an empty directory, a removed one loses it if empty.
void update_submodule_dirs(const std::string& workdir, const std::vector<PathChange>& submodules) {
  for (const auto& c : submodules) {
    const std::string dir = workdir + c.path;
    if (c.to) {
      ::mkdir(dir.c_str(), 0777);
    } else {
      ::rmdir(dir.c_str());
    }
  }
}

// The new index, built from the old one and the work, written into the lock and renamed
// over the index.
Result<void> write_new_index(git_repository* repo, const IndexFile& index, const Work& work,
                             const CheckoutState& state, const timespec& started, IndexLock& lock) {
  const auto edits = edits_for(work, state.written);
  const auto smudge = racy_to_smudge(repo, index, edits, started);
  MR_TRY_VAR(bytes, build_index(index, edits, smudge));
  if (auto w = lock.write(*bytes, index.on_disk() ? index.file_stat().st_mode : 0644); !w) {
    return w;
  }
  util::test_point("update.after_index");
  return lock.commit();
}

} // namespace

Result<void> carry_out(git_repository* repo, git_tree* baseline, git_commit* target,
                       const Work& work, const IndexFile& index, IndexLock& lock, bool force) {
  timespec started{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &started);
  const std::string workdir = git_repository_workdir(repo);
  CheckoutState state{workdir, {}, {}};
  const CheckoutSplit split = split_checkout(work.checkout, workdir);
  MR_TRY(replace_files(repo, workdir, split.replaced, work.checkout.size() > 1, state));
  state.mid_point_passed = !split.replaced.empty();
  MR_TRY(checkout_rest(repo, baseline, target, split.rest, force, state));
  MR_TRY(create_files(repo, workdir, still_missing(work, split.rest, workdir), state));
  update_submodule_dirs(workdir, work.submodules);
  MR_TRY(write_new_index(repo, index, work, state, started, lock));
  util::test_point("update.before_ref");
  return {};
}

Result<void> move_branch(git_repository* repo, const std::string& branch_ref, const git_oid& from,
                         const git_oid& to) {
  // A kill while libgit2 holds the branch's lock leaves it: the note lets the next run
  // remove it (ref_lock_note.hpp). The guard keeps the note until the branch has moved.
  MR_TRY_VAR(note, RefLockNoteGuard::write(repo, RefLockNote::for_ref(repo, branch_ref)));
  util::test_point("update.moving_branch");
  git_reference* moved = nullptr;
  const int rc = git_reference_create_matching(&moved, repo, branch_ref.c_str(), &to, 1, &from,
                                               "pull: Fast-forward");
  if (rc != 0) {
    return fail(explain_lock_failure(last_error(rc)));
  }
  const RefPtr owned(moved); // only the ref on disk matters
  return {};
}

std::string fast_forward_text(git_repository* repo, git_commit* from, git_commit* to,
                              std::size_t stat_width) {
  Abbreviator abbrev(repo);
  git_tree* old_tree = nullptr;
  git_tree* new_tree = nullptr;
  git_commit_tree(&old_tree, from);
  git_commit_tree(&new_tree, to);
  TreePtr a(old_tree);
  TreePtr b(new_tree);
  return "Updating " + abbrev(*git_commit_id(from)) + ".." + abbrev(*git_commit_id(to)) +
         "\nFast-forward\n" + diffstat_between(repo, a.get(), b.get(), stat_width);
}

} // namespace mr::git
