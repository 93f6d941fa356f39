#include "update_plan.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <set>
#include <unistd.h>

#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>

#include "handles.hpp"
#include "repository.hpp"

namespace mr::git {

namespace {

constexpr std::size_t k_max_dir_walk = 10000;

std::optional<TreeItem> side(const git_diff_file& f) {
  if (f.mode == 0 || (f.flags & GIT_DIFF_FLAG_EXISTS) == 0) {
    return std::nullopt;
  }
  return TreeItem{static_cast<std::uint32_t>(f.mode), f.id};
}

// git's verify_path, the part that matters on Linux: no empty, "." or ".." component and
// nothing that some file system would take for ".git" (core.protectNTFS and
// core.protectHFS default to true in git).
bool valid_path(std::string_view path) {
  std::size_t start = 0;
  for (;;) {
    const auto slash = path.find('/', start);
    std::string part(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (part.empty() || part == "." || part == "..") {
      return false;
    }
    while (!part.empty() && (part.back() == '.' || part.back() == ' ')) {
      part.pop_back();
    }
    std::string lower;
    for (const char c : part) {
      // HFS ignores some zero-width characters; git rejects names that fold to .git.
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (lower == ".git" || lower == "git~1" || lower.starts_with(".git\xe2\x80")) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    start = slash + 1;
  }
}

} // namespace

Result<std::vector<PathChange>> changed_paths(git_repository* repo, git_tree* from, git_tree* to) {
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
  git_diff* raw = nullptr;
  if (const int rc = git_diff_tree_to_tree(&raw, repo, from, to, &opts); rc != 0) {
    return fail("cannot compare the commits: " + last_error(rc));
  }
  DiffPtr diff(raw);
  std::vector<PathChange> changes;
  const std::size_t n = git_diff_num_deltas(diff.get());
  for (std::size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    const std::string path = d->new_file.path != nullptr ? d->new_file.path : d->old_file.path;
    if (!changes.empty() && changes.back().path == path) {
      // A type change reported as a deletion and an addition.
      auto& c = changes.back();
      const auto old_side = side(d->old_file);
      const auto new_side = side(d->new_file);
      if ((c.from && old_side) || (c.to && new_side)) {
        // Not a type change: a tree that lists the path twice (git fsck: duplicateEntries).
        return fail("a tree of the update lists " + path + " twice (git refuses such trees)");
      }
      c.from = c.from ? c.from : old_side;
      c.to = c.to ? c.to : new_side;
      continue;
    }
    changes.push_back({path, side(d->old_file), side(d->new_file)});
  }
  std::sort(changes.begin(), changes.end(),
            [](const PathChange& a, const PathChange& b) { return a.path < b.path; });
  return changes;
}

bool same_entry(const IndexFile& index, const IndexEntry* e, const std::optional<TreeItem>& t) {
  if (e == nullptr || !t) {
    return e == nullptr && !t;
  }
  return e->mode == t->mode &&
         index.oid(*e) == std::string_view(reinterpret_cast<const char*>(t->id.id), k_oid_bytes);
}

// `git sparse-checkout` sets core.sparseCheckout in the work tree's own config.worktree,
// which libgit2 1.5 does not read.
static bool worktree_config_sparse(git_repository* repo) {
  const std::string file = std::string(git_repository_path(repo)) + "config.worktree";
  git_config* raw = nullptr;
  if (git_config_open_ondisk(&raw, file.c_str()) != 0) {
    git_error_clear();
    return false;
  }
  ConfigPtr config(raw);
  int value = 0;
  if (git_config_get_bool(&value, config.get(), "core.sparsecheckout") != 0) {
    git_error_clear();
    return false;
  }
  return value != 0;
}

Worktree::Worktree(git_repository* repo, const IndexFile& index)
    : m_repo(repo), m_index(index), m_dir(git_repository_workdir(repo)) {
  m_dirfd = ::open(m_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  const Config config(repo);
  m_filemode = config.boolean("core.filemode").value_or(true);
  m_trustctime = config.boolean("core.trustctime").value_or(true);
  m_symlinks = config.boolean("core.symlinks").value_or(true);
  m_sparse =
      config.boolean("core.sparsecheckout").value_or(false) ||
      (config.boolean("extensions.worktreeconfig").value_or(false) && worktree_config_sparse(repo));
}

Worktree::~Worktree() {
  if (m_dirfd >= 0) {
    ::close(m_dirfd);
  }
}

int Worktree::lstat(const std::string& path, struct stat& st) const {
  if (m_dirfd < 0) {
    return EBADF;
  }
  return ::fstatat(m_dirfd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno;
}

bool Worktree::beyond_symlink(const std::string& path) {
  for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    const std::string dir = path.substr(0, slash);
    auto known = m_dir_is_link.find(dir);
    if (known == m_dir_is_link.end()) {
      struct stat st {};
      const int err = lstat(dir, st);
      if (err == ENOENT || err == ENOTDIR) {
        return false; // nothing further along exists: nothing to follow
      }
      known = m_dir_is_link.emplace(dir, err == 0 && S_ISLNK(st.st_mode)).first;
    }
    if (known->second) {
      return true;
    }
  }
  return false;
}

bool Worktree::type_matches(std::uint32_t mode, const struct stat& st) const {
  if ((mode & 0170000) == 0120000) {
    return S_ISLNK(st.st_mode) || (!m_symlinks && S_ISREG(st.st_mode));
  }
  if (!S_ISREG(st.st_mode)) {
    return false;
  }
  return !m_filemode || ((st.st_mode & 0100) != 0) == ((mode & 0100) != 0);
}

std::optional<git_oid> Worktree::content_id(const std::string& path, std::uint32_t mode,
                                            const struct stat& st) {
  git_oid id{};
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
    const ssize_t n = ::readlinkat(m_dirfd, path.c_str(), target.data(), target.size());
    if (n < 0 || static_cast<std::size_t>(n) >= target.size()) {
      return std::nullopt;
    }
    if (git_odb_hash(&id, target.data(), static_cast<std::size_t>(n), GIT_OBJECT_BLOB) != 0) {
      return std::nullopt;
    }
    return id;
  }
  const std::string full = m_dir + path;
  // A symlink checked out as a plain file (core.symlinks=false) holds the link text as it
  // is; other files are hashed through the clean filters (line endings), as git does.
  const int rc =
      (mode & 0170000) == 0120000
          ? git_odb_hashfile(&id, full.c_str(), GIT_OBJECT_BLOB)
          : git_repository_hashfile(&id, m_repo, full.c_str(), GIT_OBJECT_BLOB, path.c_str());
  if (rc != 0) {
    git_error_clear();
    return std::nullopt;
  }
  return id;
}

Worktree::State Worktree::check(const IndexEntry& e) {
  const std::string path(m_index.path(e));
  struct stat st {};
  if (const int err = lstat(path, st); err != 0) {
    // ENOTDIR: a file (or a link to one) where a directory of the path was: not missing,
    // the user's own file in its way (git's verify_uptodate refuses it likewise).
    return err == ENOENT ? State::missing : err == ENOTDIR ? State::differs : State::unreadable;
  }
  if (e.gitlink()) {
    return State::matches; // git leaves a submodule's checkout to the submodule
  }
  if (!type_matches(e.mode, st)) {
    return State::differs;
  }
  IndexStat recorded = m_index.stat(e);
  IndexStat now = IndexStat::from(st, e.mode);
  if (!m_trustctime) {
    now.ctime_sec = recorded.ctime_sec;
    now.ctime_nsec = recorded.ctime_nsec;
  }
  const auto& written = m_index.file_stat().st_mtim;
  const bool racy = recorded.mtime_sec > static_cast<std::uint32_t>(written.tv_sec) ||
                    (recorded.mtime_sec == static_cast<std::uint32_t>(written.tv_sec) &&
                     recorded.mtime_nsec >= static_cast<std::uint32_t>(written.tv_nsec));
  if (recorded.same_file_data(now) && !racy && recorded.size != 0) {
    m_seen[path] = IndexStat::from(st, e.mode);
    return State::matches;
  }
  const auto id = content_id(path, e.mode, st);
  if (!id) {
    return State::unreadable;
  }
  if (m_index.oid(e) != std::string_view(reinterpret_cast<const char*>(id->id), k_oid_bytes)) {
    return State::differs;
  }
  m_seen[path] = IndexStat::from(st, e.mode);
  return State::matches;
}

std::vector<std::string> Worktree::changed_since(const std::vector<std::string>& paths) const {
  std::vector<std::string> changed;
  for (const auto& path : paths) {
    struct stat st {};
    const auto seen = m_seen.find(path);
    const int err = lstat(path, st);
    // Missing (or a directory the update empties) then and now; or the same inode, times
    // and size.
    const bool same =
        seen == m_seen.end()
            ? (err == ENOENT || err == ENOTDIR || (err == 0 && S_ISDIR(st.st_mode)))
            : err == 0 && IndexStat::from(st, seen->second.mode).same_file_data(seen->second);
    if (!same) {
      changed.push_back(path);
    }
  }
  return changed;
}

bool Worktree::holds(const std::string& path, const TreeItem& item) {
  struct stat st {};
  if (lstat(path, st) != 0 || !type_matches(item.mode, st)) {
    return false;
  }
  const auto id = content_id(path, item.mode, st);
  return id && git_oid_equal(&*id, &item.id) != 0;
}

bool Worktree::holds_prefix(const std::string& path, const TreeItem& item) {
  struct stat st {};
  if (lstat(path, st) != 0 || !S_ISREG(st.st_mode) || (item.mode & 0170000) != 0100000) {
    return false;
  }
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, m_repo, &item.id) != 0) {
    git_error_clear();
    return false;
  }
  const BlobPtr blob(raw);
  Buf content;
  git_blob_filter_options opts = GIT_BLOB_FILTER_OPTIONS_INIT;
  // Not CHECK_FOR_BINARY: with it a binary blob gives an empty buffer. The filters decide
  // for themselves what is text, as they do when checking out.
  opts.flags &= ~static_cast<std::uint32_t>(GIT_BLOB_FILTER_CHECK_FOR_BINARY);
  if (git_blob_filter(&content.buf, blob.get(), path.c_str(), &opts) != 0) {
    git_error_clear();
    return false;
  }
  if (static_cast<std::size_t>(st.st_size) > content.buf.size) {
    return false;
  }
  const auto file = util::read_file(m_dir + path);
  return file && file->size() <= content.buf.size &&
         std::string_view(content.buf.ptr, file->size()) == *file;
}

bool Worktree::only_contains(const std::string& path,
                             const std::function<bool(const std::string&)>& removable) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::recursive_directory_iterator it(m_dir + path, ec);
  std::size_t seen = 0;
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (++seen > k_max_dir_walk) {
      return false;
    }
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      continue;
    }
    const std::string rel = fs::path(it->path()).lexically_relative(m_dir).generic_string();
    if (!removable(rel)) {
      return false;
    }
  }
  return !ec;
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

std::string UpdatePlan::refusal() const {
  std::vector<std::string> parts;
  const auto add = [&](const std::vector<std::string>& paths, const std::string& what,
                       const std::string& advice) {
    if (!paths.empty()) {
      parts.push_back(what + ": " + first_few(paths) + " (" + advice + ")");
    }
  };
  add(local_changes, "local changes would be overwritten by the update",
      "commit or stash them, then update again");
  add(untracked_overwritten, "untracked files would be overwritten by the update",
      "move or remove them, then update again");
  add(untracked_removed, "untracked files would be removed by the update",
      "move or remove them, then update again");
  add(dirs_losing_untracked, "updating these directories would lose untracked files in them",
      "move or remove those files, then update again");
  add(behind_link, "the update changes paths beyond a symbolic link",
      "mr never writes through a link; replace it by a directory, or use git pull --ff-only");
  add(invalid, "the update has paths git refuses to check out", "nothing was changed");
  add(unsupported, "a submodule changes type", "use git pull --ff-only");
  add(sparse, "the update changes paths of a sparse checkout", "use git pull --ff-only");
  add(filtered,
      "the update changes paths whose filter driver (" +
          util::join(std::vector<std::string>(filter_drivers.begin(), filter_drivers.end()), ", ") +
          ") mr does not run",
      "use git pull --ff-only");
  return util::join(parts, "; ");
}

UpdatePlan plan_fast_forward(Worktree& wt, const IndexFile& index,
                             std::vector<PathChange> changes) {
  UpdatePlan plan;
  plan.changes = std::move(changes);
  std::set<std::string> removing; // files the update deletes from the work tree
  std::vector<std::size_t> adds;  // new paths: checked once every removal is known
  for (std::size_t i = 0; i < plan.changes.size(); ++i) {
    const auto& c = plan.changes[i];
    if ((c.to && !valid_path(c.path))) {
      plan.invalid.push_back(c.path);
      continue;
    }
    if (c.from && c.to && c.from->gitlink() != c.to->gitlink()) {
      plan.unsupported.push_back(c.path);
      continue;
    }
    const auto at = index.find(c.path, 0);
    const IndexEntry* e = at ? &index.entries()[*at] : nullptr;
    if (wt.sparse() || (e != nullptr && e->skip_worktree())) {
      plan.sparse.push_back(c.path);
      continue;
    }
    // A tracked file behind a link (the user replaced a directory by one) is not the file the
    // index records. A new path behind a link is refused below, as a file in its way, unless
    // the update removes the (tracked) link.
    if (e != nullptr && wt.beyond_symlink(c.path)) {
      plan.behind_link.push_back(c.path);
      continue;
    }
    if (e == nullptr) {
      if (c.from && c.to) {
        plan.local_changes.push_back(c.path); // a staged deletion of a file M changes
      } else if (c.from) {
        struct stat st {};
        if (wt.lstat(c.path, st) == 0) {
          plan.untracked_removed.push_back(c.path); // removed from the index, kept on disk
        }
      } else {
        adds.push_back(i);
      }
      continue;
    }
    if (same_entry(index, e, c.to)) {
      continue; // already what the update brings (staged by hand): kept as it is
    }
    if (!same_entry(index, e, c.from)) {
      plan.local_changes.push_back(c.path); // a staged change
      continue;
    }
    const auto state = wt.check(*e);
    if (state != Worktree::State::missing && state != Worktree::State::matches) {
      plan.local_changes.push_back(c.path);
      continue;
    }
    plan.apply.push_back(i);
    if (!c.to && !e->gitlink()) {
      removing.insert(c.path);
    }
  }
  for (const auto i : adds) {
    const auto& c = plan.changes[i];
    struct stat st {};
    const int err = wt.lstat(c.path, st);
    if (err == 0) {
      if (!S_ISDIR(st.st_mode)) {
        plan.untracked_overwritten.push_back(c.path);
      } else if (c.to->gitlink() || wt.only_contains(c.path, [&](const std::string& f) {
                   return removing.count(f) != 0;
                 })) {
        plan.apply.push_back(i);
      } else {
        plan.dirs_losing_untracked.push_back(c.path);
      }
      continue;
    }
    if (err != ENOENT && err != ENOTDIR) {
      plan.local_changes.push_back(c.path);
      continue;
    }
    // Missing: every directory on its way must be one, or a file the update removes.
    bool clear = true;
    for (auto slash = c.path.find('/'); slash != std::string::npos;
         slash = c.path.find('/', slash + 1)) {
      const std::string dir = c.path.substr(0, slash);
      struct stat dst {};
      const int derr = wt.lstat(dir, dst);
      if (derr == ENOENT) {
        break;
      }
      if (derr != 0) {
        plan.local_changes.push_back(c.path);
        clear = false;
        break;
      }
      if (!S_ISDIR(dst.st_mode)) {
        if (removing.count(dir) == 0) {
          if (std::find(plan.untracked_overwritten.begin(), plan.untracked_overwritten.end(),
                        dir) == plan.untracked_overwritten.end()) {
            plan.untracked_overwritten.push_back(dir);
          }
          clear = false;
        }
        break;
      }
    }
    if (clear) {
      plan.apply.push_back(i);
    }
  }
  std::sort(plan.apply.begin(), plan.apply.end());
  return plan;
}

} // namespace mr::git

namespace mr::git {

std::vector<std::string> paths_with_filter_drivers(git_repository* repo, const git_oid& target,
                                                   const std::vector<PathChange>& changes,
                                                   std::set<std::string>& drivers) {
  const Config config(repo);
  std::map<std::string, bool> configured; // driver name -> has a smudge or process command
  git_attr_options opts = GIT_ATTR_OPTIONS_INIT;
  opts.flags = GIT_ATTR_CHECK_FILE_THEN_INDEX | GIT_ATTR_CHECK_INCLUDE_COMMIT;
  opts.attr_commit_id = target;
  std::vector<std::string> paths;
  for (const auto& c : changes) {
    if (!c.to || (c.to->mode & 0170000) != 0100000) {
      continue;
    }
    const char* value = nullptr;
    if (git_attr_get_ext(&value, repo, &opts, c.path.c_str(), "filter") != 0) {
      git_error_clear();
      continue;
    }
    if (git_attr_value(value) != GIT_ATTR_VALUE_STRING) {
      continue;
    }
    const std::string name = value;
    auto known = configured.find(name);
    if (known == configured.end()) {
      const auto key = [&](const char* what) { return "filter." + name + "." + what; };
      known = configured
                  .emplace(name, config.string(key("smudge").c_str()).has_value() ||
                                     config.string(key("process").c_str()).has_value())
                  .first;
    }
    if (known->second) {
      paths.push_back(c.path);
      drivers.insert(name);
    }
  }
  return paths;
}

} // namespace mr::git
