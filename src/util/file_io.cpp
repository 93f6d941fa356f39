#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>
#include <mr/util/test_point.hpp>

namespace mr::util {

namespace {

Result<void> fail_errno(const fs::path& path, std::string_view what, int err) {
  std::string msg = path.string() + ": ";
  if (!what.empty()) {
    msg += std::string(what) + ": ";
  }
  return fail(msg + errno_text(err));
}

// Closes an fd on scope exit unless released.
class FdGuard {
public:
  explicit FdGuard(int fd) : m_fd(fd) {}
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  ~FdGuard() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }

private:
  int m_fd;
};

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

} // namespace

Result<std::string> read_file(const fs::path& path) {
  FdGuard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return tl::unexpected(fail_errno(path, "", errno).error());
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return fail(path.string() + ": is a directory");
  }
  std::string content;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return tl::unexpected(fail_errno(path, "", errno).error());
    }
    if (n == 0) {
      break;
    }
    content.append(buf, static_cast<std::size_t>(n));
  }
  return content;
}

fs::path resolve_symlinks(const fs::path& path) {
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(path, ec))) {
    fs::path target = fs::canonical(path, ec);
    if (!ec) {
      return target;
    }
  }
  return path;
}

bool exists(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 || errno != ENOENT;
}

Result<void> write_file_atomically(const fs::path& given, std::string_view content) {
  // Replace the file a symlink points to, never the symlink itself: dotfile managers keep
  // ~/.mrconfig.toml as a link into their repository.
  const fs::path path = resolve_symlinks(given);
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  mode_t mode = 0;
  bool existed = false;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    existed = true;
    mode = st.st_mode & 07777;
    if (::access(path.c_str(), W_OK) != 0) {
      return fail_errno(path, "", errno);
    }
  } else if (errno != ENOENT) {
    return fail_errno(path, "", errno);
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }

  std::string tmpl = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  FdGuard fd(::mkostemp(tmpl.data(), O_CLOEXEC));
  if (fd.get() < 0) {
    return fail_errno(path, "", errno);
  }
  const fs::path tmp(tmpl);
  const auto cleanup_fail = [&](std::string_view what) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail_errno(path, what, err);
  };
  if (::fchmod(fd.get(), mode) != 0) {
    return cleanup_fail("cannot set permissions");
  }
  if (existed) {
    // Keep the owner too when we are allowed to (root editing a user's file).
    if (::fchown(fd.get(), st.st_uid, st.st_gid) != 0 && errno != EPERM) {
      return cleanup_fail("cannot set owner");
    }
  }
  if (!write_all(fd.get(), content)) {
    return cleanup_fail("");
  }
  if (::fsync(fd.get()) != 0) {
    return cleanup_fail("cannot sync");
  }
  if (::close(fd.release()) != 0) {
    return cleanup_fail("");
  }
  test_point("atomic_write.before_rename");
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return cleanup_fail("cannot replace");
  }
  // Make the rename itself durable.
  FdGuard dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) {
    ::fsync(dfd.get());
  }
  return {};
}

Result<DirectoryLock> DirectoryLock::acquire(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return tl::unexpected(fail_errno(dir, "cannot lock", errno).error());
  }
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      const int err = errno;
      ::close(fd);
      return tl::unexpected(fail_errno(dir, "cannot lock", err).error());
    }
  }
  return DirectoryLock(fd);
}

DirectoryLock::DirectoryLock(DirectoryLock&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)) {}

DirectoryLock& DirectoryLock::operator=(DirectoryLock&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

DirectoryLock::~DirectoryLock() {
  if (m_fd >= 0) {
    ::close(m_fd); // closing the last descriptor releases the flock
  }
}

} // namespace mr::util
