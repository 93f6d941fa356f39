#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <limits>
#include <optional>
#include <random>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include <mr/util/fd.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>
#include <mr/util/test_point.hpp>

namespace mr::util {

namespace {

tl::unexpected<Error> fail_errno(const fs::path& path, std::string_view what, int err) {
  std::string msg = path.string() + ": ";
  if (!what.empty()) {
    msg += std::string(what) + ": ";
  }
  return fail(msg + errno_text(err));
}

// Appends what `fd` holds to `out`, stopping once `out` is longer than `limit`; false
// (errno set) on a read error.
bool read_all(int fd, std::string& out, std::size_t limit) {
  char buf[65536];
  while (out.size() <= limit) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    if (n == 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

} // namespace

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

Result<std::string> read_file(const fs::path& path) {
  FdGuard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return fail_errno(path, "", errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return fail(path.string() + ": is a directory");
  }
  std::string content;
  if (!read_all(fd.get(), content, std::numeric_limits<std::size_t>::max())) {
    return fail_errno(path, "", errno);
  }
  return content;
}

namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) {
    return "a directory";
  }
  if (S_ISFIFO(mode)) {
    return "a FIFO";
  }
  if (S_ISCHR(mode)) {
    return "a character device";
  }
  if (S_ISBLK(mode)) {
    return "a block device";
  }
  if (S_ISSOCK(mode)) {
    return "a socket";
  }
  return "not a plain file";
}

std::string size_text(std::size_t bytes) {
  constexpr std::size_t k_mib = 1024 * 1024;
  if (bytes % k_mib == 0) {
    return std::to_string(bytes / k_mib) + " MiB";
  }
  return std::to_string(bytes) + " bytes";
}

} // namespace

std::optional<std::string> non_regular_kind(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  if (S_ISLNK(st.st_mode) && ::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return std::nullopt;
    }
    std::error_code ec;
    const auto target = fs::read_symlink(path, ec);
    return "a symbolic link to " + (ec ? std::string("a missing file") : target.string()) +
           ", which does not exist";
  }
  if (S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return std::string(kind_of(st.st_mode));
}

namespace {

Result<RegularFile> not_regular(const fs::path& path, mode_t mode) {
  return fail(path.string() + ": not a regular file (" + kind_of(mode) + ")");
}

Result<RegularFile> too_large(const fs::path& path, std::size_t limit) {
  return fail(path.string() + ": larger than " + size_text(limit) + ", the limit for this file");
}

} // namespace

Result<RegularFile> read_regular_file(const fs::path& path, std::size_t limit) {
  struct stat st {};
  // Checked before opening too: opening a device can have effects of its own.
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return not_regular(path, st.st_mode);
  }
  FdGuard fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (fd.get() < 0) {
    return fail(path.string() + ": " + errno_text(errno));
  }
  if (::fstat(fd.get(), &st) != 0) {
    return fail(path.string() + ": " + errno_text(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return not_regular(path, st.st_mode);
  }
  if (st.st_size < 0 || static_cast<std::uintmax_t>(st.st_size) > limit) {
    return too_large(path, limit);
  }
  RegularFile file;
  file.owner = st.st_uid;
  file.group = st.st_gid;
  file.mode = st.st_mode & 07777;
  file.content.reserve(static_cast<std::size_t>(st.st_size));
  if (!read_all(fd.get(), file.content, limit)) {
    return fail(path.string() + ": " + errno_text(errno));
  }
  if (file.content.size() > limit) {
    return too_large(path, limit); // it grew while being read
  }
  return file;
}

Result<void> make_directories_beneath(const fs::path& base, const fs::path& rel) {
  MR_TRY(open_directories_beneath(base, rel)); // closed again at once
  return {};
}

Result<FdGuard> open_directories_beneath(const fs::path& base, const fs::path& rel) {
  FdGuard dir(::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (dir.get() < 0) {
    return fail_errno(base, "", errno);
  }
  fs::path walked = base;
  for (const auto& part : rel) {
    if (part.empty() || part == ".") {
      continue;
    }
    walked /= part;
    if (part == ".." || part.has_root_path()) {
      return fail(walked.string() + ": not below " + base.string());
    }
    if (::mkdirat(dir.get(), part.c_str(), 0777) != 0 && errno != EEXIST) {
      return fail_errno(walked, "cannot create", errno);
    }
    const int next =
        ::openat(dir.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) {
      const int err = errno;
      struct stat st {};
      if (::fstatat(dir.get(), part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISLNK(st.st_mode)) {
        return fail(walked.string() + " is a symbolic link; mr does not create through it");
      }
      return fail_errno(walked, "", err);
    }
    dir = FdGuard(next);
  }
  return dir;
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

bool is_regular_file(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_directory(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void sync_directory(const fs::path& dir) {
  const FdGuard fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.open()) {
    ::fsync(fd.get());
  }
}

namespace {

// The name a temporary gets for the moment between linking and renaming it; also what
// remove_stale_temporaries() looks for.
std::string temp_prefix(const fs::path& file) {
  return "." + file.filename().string() + ".mr-tmp-";
}

constexpr std::size_t k_temp_suffix = 6;

std::string random_suffix() {
  static constexpr std::string_view k_chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937 gen{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, k_chars.size() - 1);
  std::string s;
  for (std::size_t i = 0; i < k_temp_suffix; ++i) {
    s += k_chars[pick(gen)];
  }
  return s;
}

// Gives the unnamed file `fd` a fresh temporary name in `dfd`; the name, or errno.
std::optional<std::string> link_temporary(int fd, int dfd, const fs::path& file) {
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name = temp_prefix(file) + random_suffix();
    if (::linkat(AT_FDCWD, proc.c_str(), dfd, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      return name;
    }
    if (errno == ENOENT && ::linkat(fd, "", dfd, name.c_str(), AT_EMPTY_PATH) == 0) {
      return name; // no /proc: AT_EMPTY_PATH (needs CAP_DAC_READ_SEARCH)
    }
    if (errno != EEXIST) {
      return std::nullopt;
    }
  }
  errno = EEXIST;
  return std::nullopt;
}

// A named temporary, for filesystems without O_TMPFILE; the name, or errno.
std::optional<std::string> create_named_temporary(int dfd, const fs::path& file, mode_t mode,
                                                  FdGuard& fd) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name = temp_prefix(file) + random_suffix();
    fd.reset(::openat(dfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.open()) {
      return name;
    }
    if (errno != EEXIST) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// A new file for `file`'s next content in the directory `dfd`: unnamed (O_TMPFILE) while
// it is written, so that a kill before it is linked leaves nothing behind; or, where the
// file system has no O_TMPFILE, under a temporary name (`name`). False with errno set.
bool open_temporary(int dfd, const fs::path& file, mode_t mode, FdGuard& fd,
                    std::optional<std::string>& name) {
  fd = FdGuard(::openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode));
  if (fd.get() >= 0) {
    return true;
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    return false;
  }
  name = create_named_temporary(dfd, file, mode, fd);
  return name.has_value();
}

} // namespace

Result<void> write_file_atomically(const fs::path& given, std::string_view content,
                                   unsigned new_mode) {
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
    // Created with this mode, the kernel takes the umask off. (Reading the umask would
    // mean changing it for a moment, for every thread of the process.)
    mode = new_mode & 07777;
  }

  FdGuard dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0) {
    return fail_errno(path, "", errno);
  }
  FdGuard fd;
  std::optional<std::string> name;
  if (!open_temporary(dfd.get(), path, mode, fd, name)) {
    return fail_errno(path, "", errno);
  }
  const auto cleanup_fail = [&](std::string_view what) {
    const int err = errno;
    if (name) {
      ::unlinkat(dfd.get(), name->c_str(), 0);
    }
    return fail_errno(path, what, err);
  };
  if (existed && ::fchmod(fd.get(), mode) != 0) { // the old file's bits, umask or not
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
  test_point("atomic_write.before_link");
  if (!name) {
    name = link_temporary(fd.get(), dfd.get(), path);
    if (!name) {
      return cleanup_fail("cannot create a temporary file");
    }
  }
  if (fd.close() != 0) {
    return cleanup_fail("");
  }
  test_point("atomic_write.before_rename");
  if (::renameat(dfd.get(), name->c_str(), dfd.get(), path.filename().c_str()) != 0) {
    return cleanup_fail("cannot replace");
  }
  ::fsync(dfd.get()); // make the rename itself durable
  return {};
}

Result<void> replace_file_at(int dirfd, const std::string& name, std::string_view content,
                             bool executable) {
  const fs::path rel(name);
  const fs::path parent = rel.has_parent_path() ? rel.parent_path() : fs::path(".");
  FdGuard dfd(::openat(dirfd, parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0) {
    return fail_errno(rel, "", errno);
  }
  // The kernel applies the umask to the mode given at creation (never fchmod, which would
  // not), and the process-wide umask is never changed: other threads are creating files.
  const mode_t mode = executable ? 0777 : 0666;
  FdGuard fd;
  std::optional<std::string> temp;
  if (!open_temporary(dfd.get(), rel, mode, fd, temp)) {
    return fail_errno(rel, "", errno);
  }
  const auto cleanup_fail = [&](std::string_view what) {
    const int err = errno;
    if (temp) {
      ::unlinkat(dfd.get(), temp->c_str(), 0);
    }
    return fail_errno(rel, what, err);
  };
  if (!write_all(fd.get(), content)) {
    return cleanup_fail("could not write");
  }
  if (!temp) {
    temp = link_temporary(fd.get(), dfd.get(), rel);
    if (!temp) {
      return cleanup_fail("cannot create a temporary file");
    }
  }
  if (fd.close() != 0) {
    return cleanup_fail("could not write");
  }
  if (::renameat(dfd.get(), temp->c_str(), dfd.get(), rel.filename().c_str()) != 0) {
    return cleanup_fail("cannot replace");
  }
  return {};
}

void remove_stale_temporaries(const fs::path& given) {
  const fs::path path = resolve_symlinks(given);
  const std::string prefix = temp_prefix(path);
  std::error_code ec;
  for (fs::directory_iterator it(path.has_parent_path() ? path.parent_path() : ".", ec), end;
       !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() == prefix.size() + k_temp_suffix && name.starts_with(prefix) &&
        it->symlink_status(ec).type() == fs::file_type::regular) {
      ::unlink(it->path().c_str());
    }
  }
}

Result<DirectoryLock> DirectoryLock::acquire(const fs::path& dir) {
  FdGuard fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.open()) {
    return fail_errno(dir, "cannot lock", errno);
  }
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) {
      return fail_errno(dir, "cannot lock", errno);
    }
  }
  return DirectoryLock(std::move(fd));
}

Result<TemporaryDirectory> TemporaryDirectory::make(std::string_view prefix) {
  std::error_code ec;
  fs::path dir = fs::temp_directory_path(ec); // $TMPDIR, when it is a directory
  if (ec) {
    dir = "/tmp";
  }
  std::string templ = (dir / (std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) {
    return fail("cannot make a temporary directory in " + dir.string() + ": " + errno_text(errno));
  }
  return TemporaryDirectory(fs::path(templ));
}

TemporaryDirectory::TemporaryDirectory(TemporaryDirectory&& other) noexcept
    : m_path(std::exchange(other.m_path, {})) {}

TemporaryDirectory::~TemporaryDirectory() {
  if (!m_path.empty()) {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
}

} // namespace mr::util
