// Private to src/git: git's index lock. `index.lock` is created exclusively beside the
// index (a lock held by git or anyone else is never touched), the new index is written
// into it and synced, and it is renamed over the index: readers see the old index or the
// new one, never a mix. A lock dropped without commit() is removed.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/stat.h>

#include <mr/util/fd.hpp>
#include <mr/util/result.hpp>

namespace mr::git {

class IndexLock {
public:
  // Creates GITDIR/index.lock. Fails with the reason (EEXIST: someone holds it).
  static Result<IndexLock> acquire(const std::string& gitdir);
  // The same, for a process that must never leave a lock nobody can recognise (mr update,
  // which records the lock's identity so that a later run takes over the lock a killed
  // update left). The file is first created as GITDIR/mr-index.lock.new; `announce` is
  // given its path to record, and only then is it linked to index.lock (link() fails when
  // index.lock exists, as O_EXCL does). A kill at any point leaves no lock, or one that was
  // announced. The caller keeps other mr updates out of GITDIR (UpdateGuard): a leftover
  // mr-index.lock.new is a killed update's and is removed. On a file system without hard
  // links, the lock is created directly and announced after, as git's own lock is.
  static Result<IndexLock>
  acquire_announced(const std::string& gitdir,
                    const std::function<Result<void>(const std::string& path)>& announce);
  // The same as acquire, where a failure is not worth a message: status simply skips its
  // refresh.
  static std::optional<IndexLock> try_acquire(const std::string& gitdir);

  IndexLock(IndexLock&& other) noexcept;
  IndexLock& operator=(IndexLock&&) = delete;
  IndexLock(const IndexLock&) = delete;
  IndexLock& operator=(const IndexLock&) = delete;
  ~IndexLock();

  // The lock file as created: its inode names it in a note, its mtime is "now" on the
  // file system's own clock.
  const struct stat& file_stat() const { return m_stat; }
  const std::string& path() const { return m_path; }

  // Writes the whole new index into the lock file, with `mode`'s permission bits, and
  // syncs it.
  Result<void> write(std::string_view bytes, mode_t mode);
  // Renames the written lock file over the index and syncs the directory.
  Result<void> commit();
  // Removes the lock file if it is still ours (it is, unless someone removed it by hand).
  void rollback();

  // The message for a lock that exists already.
  static std::string busy_message(const std::string& gitdir);
  // GITDIR/index.lock, the one file name every git process agrees on.
  static std::string path_in(const std::string& gitdir) { return gitdir + "index.lock"; }
  // GITDIR/mr-index.lock.new, where acquire_announced() creates the lock before linking it.
  static std::string staged_path_in(const std::string& gitdir) {
    return gitdir + "mr-index.lock.new";
  }

private:
  IndexLock(std::string gitdir, util::FdGuard fd, const struct stat& st);

  std::string m_gitdir;
  std::string m_path;
  util::FdGuard m_fd;
  bool m_held = false;
  struct stat m_stat {};
};

} // namespace mr::git
