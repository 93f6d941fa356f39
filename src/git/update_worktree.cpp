// Worktree: the work tree's files as the update plan looks at them (see update_plan.hpp).
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
#include "update_plan.hpp"

namespace mr::git {

namespace {

constexpr std::size_t k_max_dir_walk = 10000; // entries only_contains() reads at most

// `git sparse-checkout` sets core.sparseCheckout in the work tree's own config.worktree,
// which libgit2 1.5 does not read.
bool worktree_config_sparse(git_repository* repo) {
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

} // namespace

Worktree::Worktree(git_repository* repo, const IndexFile& index)
    : m_repo(repo), m_index(index), m_dir(git_repository_workdir(repo)) {
  m_dirfd.reset(::open(m_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  const Config config(repo);
  m_filemode = config.boolean("core.filemode").value_or(true);
  m_trustctime = config.boolean("core.trustctime").value_or(true);
  m_symlinks = config.boolean("core.symlinks").value_or(true);
  m_sparse =
      config.boolean("core.sparsecheckout").value_or(false) ||
      (config.boolean("extensions.worktreeconfig").value_or(false) && worktree_config_sparse(repo));
}

int Worktree::lstat(const std::string& path, struct stat& st) const {
  if (!m_dirfd.open()) {
    return EBADF;
  }
  return ::fstatat(m_dirfd.get(), path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno;
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
    const ssize_t n = ::readlinkat(m_dirfd.get(), path.c_str(), target.data(), target.size());
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

} // namespace mr::git
