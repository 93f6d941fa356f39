// Reading files whole, and replacing them without ever leaving a half-written one behind.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <mr/util/fd.hpp>
#include <mr/util/result.hpp>

namespace mr::util {

namespace fs = std::filesystem;

// The whole file. The error names the path and the reason ("PATH: Permission denied").
Result<std::string> read_file(const fs::path& path);

// A regular file read whole, with the owner and permission bits of what was read.
struct RegularFile {
  std::string content;
  unsigned owner = 0; // uid
  unsigned group = 0; // gid
  unsigned mode = 0;  // permission bits (07777)
};

// For input mr must never block on or drown in (registries, ~/.mrtrust): anything but a
// regular file (a FIFO, a device such as /dev/zero, a directory) is refused before it is
// read, and so is a file of more than `limit` bytes. The open never blocks (O_NONBLOCK) and
// the read stops at the limit even if the file grows meanwhile. The error names the path
// and the reason ("PATH: not a regular file (a FIFO)").
Result<RegularFile> read_regular_file(const fs::path& path, std::size_t limit);

// Creates `rel` (relative, no "..") below the existing directory `base`, one component at a
// time with mkdirat, and opens each with O_NOFOLLOW: a symlink found in the way, or put
// there while this runs, is refused instead of followed. On success every component of
// base/rel is a real directory. The error names the component ("PATH is a symbolic link").
Result<void> make_directories_beneath(const fs::path& base, const fs::path& rel);

// The same, returning the last directory open (O_DIRECTORY, close-on-exec): whatever is renamed or
// swapped into its path afterwards, the descriptor stays on the directory that was checked, so what
// is made through it (mkdirat, renameat) lands there.
Result<FdGuard> open_directories_beneath(const fs::path& base, const fs::path& rel);

// Does `path` exist (any type, a dangling symlink included)? A permission error counts as
// existing.
bool exists(const fs::path& path);

// Is `path` a regular file, or a symlink to one?
bool is_regular_file(const fs::path& path);
// Is `path` a directory, or a symlink to one?
bool is_directory(const fs::path& path);

// What `path` is when it exists but is not a regular file (nor a symlink to one), for a
// message: "a FIFO", "a directory", "a character device", ... (of what a symlink points to),
// or "a symbolic link to TARGET, which does not exist". nullopt: a regular file, a symlink to
// one, nothing at all, or what cannot be looked at (its use then says why).
std::optional<std::string> non_regular_kind(const fs::path& path);

// Makes a rename or creation in `dir` durable (fsync of the directory). Best effort: a file
// system that cannot sync a directory changes nothing for the caller.
void sync_directory(const fs::path& dir);

// `path` itself, or the file it finally points to when it is a symlink that resolves.
fs::path resolve_symlinks(const fs::path& path);

// Replaces `path` (the file it links to, if it is a symlink) with `content` atomically: the
// new content is written and fsync'ed in an unnamed file (O_TMPFILE) in the same directory,
// which gets a name ("." FILE ".mr-tmp-XXXXXX") only just before it is renamed over `path`;
// then the directory is fsync'ed. So a process killed at any point leaves at most that one
// short-lived name behind, never a copy being written. The file keeps its permission bits;
// a new one gets `new_mode` minus the umask. A read-only `path` is refused. On any failure
// `path` is untouched and the temporary file removed.
Result<void> write_file_atomically(const fs::path& path, std::string_view content,
                                   unsigned new_mode = 0666);

// Replaces the file `name` in the open directory `dirfd` by a new file (a new inode, so a
// hard link elsewhere or a running program keeps the old content) holding `content`, as
// write_file_atomically() does but for a work tree: the new file gets 0666 (0777 when
// `executable`) minus the umask, as git gives it; nothing is synced; `name` itself is
// never followed if it is a symlink. A kill leaves the old file or the new one at `name`,
// never a part of one (at worst a temporary of remove_stale_temporaries()'s pattern).
Result<void> replace_file_at(int dirfd, const std::string& name, std::string_view content,
                             bool executable);
// Removes the temporaries write_file_atomically() or replace_file_at() left for `path`
// when killed between naming and renaming them. Call it only while holding the DirectoryLock that
// every writer of `path` takes, so that no temporary still in use is removed.
void remove_stale_temporaries(const fs::path& path);

// An exclusive advisory lock (flock) on a directory, held until destruction. Writers of a
// file in that directory take it around read-modify-write, so concurrent writers queue up
// instead of losing each other's changes. Locking the directory, not the file, stays
// correct while the file itself is replaced by rename().
class DirectoryLock {
public:
  static Result<DirectoryLock> acquire(const fs::path& dir);

private:
  explicit DirectoryLock(FdGuard fd) : m_fd(std::move(fd)) {}
  FdGuard m_fd; // closing the last descriptor releases the flock
};

// A directory of its own under $TMPDIR (else /tmp), named PREFIX-XXXXXX by mkdtemp (so only
// this user may enter it), removed with everything in it when this object is destroyed.
class TemporaryDirectory {
public:
  static Result<TemporaryDirectory> make(std::string_view prefix);
  TemporaryDirectory(TemporaryDirectory&& other) noexcept;
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(TemporaryDirectory&&) = delete;
  ~TemporaryDirectory();
  const fs::path& path() const { return m_path; }

private:
  explicit TemporaryDirectory(fs::path path) : m_path(std::move(path)) {}
  fs::path m_path;
};

} // namespace mr::util
