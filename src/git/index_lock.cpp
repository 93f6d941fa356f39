#include "index_lock.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

#include <mr/util/fd.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>
#include <mr/util/test_point.hpp>

namespace mr::git {

IndexLock::IndexLock(std::string gitdir, util::FdGuard fd, const struct stat& st)
    : m_gitdir(std::move(gitdir)), m_path(path_in(m_gitdir)), m_fd(std::move(fd)), m_held(true),
      m_stat(st) {}

IndexLock::IndexLock(IndexLock&& other) noexcept
    : m_gitdir(std::move(other.m_gitdir)), m_path(std::move(other.m_path)),
      m_fd(std::move(other.m_fd)), m_held(std::exchange(other.m_held, false)),
      m_stat(other.m_stat) {}

IndexLock::~IndexLock() {
  rollback();
}

std::string IndexLock::busy_message(const std::string& gitdir) {
  return "index.lock exists: another git process is running, or one crashed (if none is "
         "running: rm " +
         path_in(gitdir) + ")";
}

Result<IndexLock> IndexLock::acquire(const std::string& gitdir) {
  const std::string path = path_in(gitdir);
  util::FdGuard fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
  if (!fd.open()) {
    if (errno == EEXIST) {
      return fail(busy_message(gitdir));
    }
    return fail("cannot create " + path + ": " + util::errno_text(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    ::unlink(path.c_str());
    return fail("cannot create " + path + ": " + util::errno_text(err));
  }
  return IndexLock(gitdir, std::move(fd), st);
}

Result<IndexLock>
IndexLock::acquire_announced(const std::string& gitdir,
                             const std::function<Result<void>(const std::string& path)>& announce) {
  const std::string path = path_in(gitdir);
  const std::string staged = staged_path_in(gitdir);
  if (::unlink(staged.c_str()) != 0 && errno != ENOENT) {
    return fail("cannot remove " + staged + ": " + util::errno_text(errno));
  }
  util::FdGuard fd(::open(staged.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
  if (!fd.open()) {
    return fail("cannot create " + staged + ": " + util::errno_text(errno));
  }
  struct Staged {
    const std::string& path;
    ~Staged() { ::unlink(path.c_str()); }
  } remove_staged{staged};
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return fail("cannot create " + staged + ": " + util::errno_text(errno));
  }
  MR_TRY(announce(staged));
  util::test_point("index_lock.announced");
  if (::link(staged.c_str(), path.c_str()) != 0) {
    const int err = errno;
    if (err == EEXIST) {
      return fail(busy_message(gitdir));
    }
    if (err != EPERM && err != ENOTSUP && err != EOPNOTSUPP && err != EMLINK) {
      return fail("cannot create " + path + ": " + util::errno_text(err));
    }
    auto lock = acquire(gitdir); // no hard links here
    if (!lock) {
      return lock;
    }
    MR_TRY(announce(path));
    return lock;
  }
  util::test_point("index_lock.linked");
  return IndexLock(gitdir, std::move(fd), st);
}

std::optional<IndexLock> IndexLock::try_acquire(const std::string& gitdir) {
  auto lock = acquire(gitdir);
  if (!lock) {
    return std::nullopt;
  }
  return std::move(*lock);
}

Result<void> IndexLock::write(std::string_view bytes, mode_t mode) {
  if (!m_held || !m_fd.open()) {
    return fail(m_path + ": not held");
  }
  if (::fchmod(m_fd.get(), mode & 07777) != 0 || !util::write_all(m_fd.get(), bytes) ||
      ::fsync(m_fd.get()) != 0) {
    return fail("cannot write " + m_path + ": " + util::errno_text(errno));
  }
  return {};
}

Result<void> IndexLock::commit() {
  if (!m_held || !m_fd.open()) {
    return fail(m_path + ": not held");
  }
  if (m_fd.close() != 0) {
    return fail("cannot write " + m_path + ": " + util::errno_text(errno));
  }
  if (::rename(m_path.c_str(), (m_gitdir + "index").c_str()) != 0) {
    return fail("cannot replace " + m_gitdir + "index: " + util::errno_text(errno));
  }
  m_held = false;
  util::sync_directory(m_gitdir);
  return {};
}

void IndexLock::rollback() {
  m_fd.reset();
  if (!m_held) {
    return;
  }
  m_held = false;
  struct stat now {};
  if (::lstat(m_path.c_str(), &now) == 0 && now.st_ino == m_stat.st_ino &&
      now.st_dev == m_stat.st_dev) {
    ::unlink(m_path.c_str());
  }
}

} // namespace mr::git
