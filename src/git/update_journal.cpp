#include "update_journal.hpp"

#include <cerrno>
#include <fcntl.h>
#include <optional>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>
#include <utility>

#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>

#include "process_stamp.hpp"
#include "refs.hpp"

namespace mr::git {

namespace {

constexpr std::size_t k_max_journal = 4096;

// A file's device, inode and birth time; nullopt when the file system keeps no birth time.
std::optional<std::tuple<std::uint64_t, std::uint64_t, std::int64_t, std::uint32_t>>
identity(const std::string& path) {
  struct statx stx {};
  if (path.empty() ||
      ::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_BTIME, &stx) != 0 ||
      (stx.stx_mask & STATX_BTIME) == 0) {
    return std::nullopt;
  }
  const std::uint64_t dev = (std::uint64_t{stx.stx_dev_major} << 32) | stx.stx_dev_minor;
  return std::tuple(dev, std::uint64_t{stx.stx_ino}, std::int64_t{stx.stx_btime.tv_sec},
                    std::uint32_t{stx.stx_btime.tv_nsec});
}

bool is_hex_id(const std::string& s) {
  return s.size() == 40 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

UpdateNote UpdateNote::mine(std::string branch, std::string from, std::string to,
                            const std::string& lock_path) {
  UpdateNote note;
  note.branch = std::move(branch);
  note.from = std::move(from);
  note.to = std::move(to);
  note.pid = static_cast<long>(::getpid());
  note.start_time = process_start_time(note.pid);
  if (const auto id = identity(lock_path)) {
    std::tie(note.lock_dev, note.lock_ino, note.lock_birth_sec, note.lock_birth_nsec) = *id;
  }
  return note;
}

bool UpdateNote::names_lock(const std::string& path) const {
  const auto id = identity(path);
  return lock_ino != 0 && id &&
         *id == std::tuple(lock_dev, lock_ino, lock_birth_sec, lock_birth_nsec);
}

bool UpdateNote::owner_running() const {
  return ProcessStamp{.pid = pid, .start_time = start_time, .boot_id = {}}.running();
}

std::string note_path(const std::string& gitdir) {
  return gitdir + "mr-update";
}

Result<std::optional<UpdateNote>> read_note(const std::string& gitdir) {
  const std::string path = note_path(gitdir);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return std::optional<UpdateNote>{};
    }
    return fail(path + ": " + util::errno_text(errno));
  }
  const auto damaged = [&](const std::string& why) {
    return fail(path + ": " + why + " (left by an interrupted mr update; check git status, then " +
                "remove it)");
  };
  if (!S_ISREG(st.st_mode) || static_cast<std::size_t>(st.st_size) > k_max_journal) {
    return damaged("not a note mr wrote");
  }
  MR_TRY_VAR(text, util::read_file(path));
  UpdateNote note;
  bool header = false;
  for (const auto line : util::split_lines(*text)) {
    const auto space = line.find(' ');
    const std::string key(line.substr(0, space));
    const std::string value(space == std::string_view::npos ? "" : line.substr(space + 1));
    unsigned long n = 0;
    if (key == "mr-update" && value == "1") {
      header = true;
    } else if (key == "branch" && is_branch_ref(value)) {
      note.branch = value;
    } else if (key == "from" && is_hex_id(value)) {
      note.from = value;
    } else if (key == "to" && is_hex_id(value)) {
      note.to = value;
    } else if (key == "pid" && util::parse_unsigned(value, n)) {
      note.pid = static_cast<long>(n);
    } else if (key == "start" && util::parse_unsigned(value, n)) {
      note.start_time = n;
    } else if (key == "phase" && (value == "planning" || value == "changing")) {
      note.planning = value == "planning";
    } else if (key == "lock") {
      std::istringstream in(value);
      if (!(in >> note.lock_dev >> note.lock_ino >> note.lock_birth_sec >> note.lock_birth_nsec)) {
        return damaged("bad lock line");
      }
    } else {
      return damaged("unexpected line '" + std::string(line) + "'");
    }
  }
  if (!header || note.branch.empty() || note.from.empty() || note.to.empty()) {
    return damaged("incomplete");
  }
  return std::optional<UpdateNote>(std::move(note));
}

Result<void> write_note(const std::string& gitdir, const UpdateNote& note) {
  std::string text =
      "mr-update 1\nbranch " + note.branch + "\nfrom " + note.from + "\nto " + note.to + "\npid " +
      std::to_string(note.pid) + "\nstart " + std::to_string(note.start_time) + "\nlock " +
      std::to_string(note.lock_dev) + " " + std::to_string(note.lock_ino) + " " +
      std::to_string(note.lock_birth_sec) + " " + std::to_string(note.lock_birth_nsec) +
      "\nphase " + (note.planning ? "planning" : "changing") + "\n";
  return util::write_file_atomically(note_path(gitdir), text);
}

Result<void> remove_note(const std::string& gitdir) {
  const std::string path = note_path(gitdir);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return fail("cannot remove " + path + ": " + util::errno_text(errno));
  }
  util::sync_directory(gitdir);
  return {};
}

Result<UpdateGuard> UpdateGuard::acquire(const std::string& gitdir) {
  util::FdGuard fd(::open(gitdir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.open()) {
    return fail("cannot open " + gitdir + ": " + util::errno_text(errno));
  }
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) {
      continue;
    }
    const int err = errno;
    if (err == EWOULDBLOCK) {
      return fail("another mr update is running in this repository");
    }
    // A file system without flock: index.lock alone keeps updates apart (only two mr
    // runs finishing the same interrupted update could race).
    break;
  }
  return UpdateGuard(std::move(fd));
}

} // namespace mr::git
