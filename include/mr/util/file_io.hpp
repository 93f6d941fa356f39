// Reading files whole, and replacing them without ever leaving a half-written one behind.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <mr/util/result.hpp>

namespace mr::util {

namespace fs = std::filesystem;

// The whole file. The error names the path and the reason ("PATH: Permission denied").
Result<std::string> read_file(const fs::path& path);

// Does `path` exist (any type)? A permission error counts as existing.
bool exists(const fs::path& path);

// `path` itself, or the file it finally points to when it is a symlink that resolves.
fs::path resolve_symlinks(const fs::path& path);

// Replaces `path` (the file it links to, if it is a symlink) with `content` atomically: a temporary
// file in the same directory is written, fsync'ed and renamed over `path`, then the directory is
// fsync'ed. The file keeps its permission bits (new files get 0644 minus the umask). A read-only
// `path` is refused. On any failure `path` is untouched and the temporary file removed.
Result<void> write_file_atomically(const fs::path& path, std::string_view content);

// An exclusive advisory lock (flock) on a directory, held until destruction. Writers of a
// file in that directory take it around read-modify-write, so concurrent writers queue up
// instead of losing each other's changes. Locking the directory, not the file, stays
// correct while the file itself is replaced by rename().
class DirectoryLock {
public:
  static Result<DirectoryLock> acquire(const fs::path& dir);
  DirectoryLock(DirectoryLock&& other) noexcept;
  DirectoryLock& operator=(DirectoryLock&& other) noexcept;
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  ~DirectoryLock();

private:
  explicit DirectoryLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

} // namespace mr::util
