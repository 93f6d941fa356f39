#include "clean_worktree.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <mutex>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

#include <mr/util/dir_entries.hpp>
#include <mr/util/fd.hpp>

namespace mr::git {

namespace {

constexpr std::uint32_t k_regular = 0100644;
constexpr std::uint32_t k_executable = 0100755;
constexpr std::uint32_t k_symlink = 0120000;

// One directory that holds tracked files: what the index says is in it.
struct Dir {
  std::string_view path;               // "" for the top, else "a/b/" (into the index's paths)
  std::vector<std::size_t> files;      // the entries directly in it
  std::vector<std::string_view> names; // every name the index has in it, files and dirs
};

// The directories of the index, parents before children, each with its entries and names.
std::vector<Dir> directories_of(const IndexFile& index) {
  std::vector<Dir> dirs(1);
  std::unordered_map<std::string_view, std::size_t> seen{{std::string_view(), 0}};
  const auto& entries = index.entries();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string_view path = index.path(entries[i]);
    std::size_t parent = 0;
    std::size_t from = 0;
    for (auto slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', from)) {
      const std::string_view dir = path.substr(0, slash + 1);
      auto [it, added] = seen.try_emplace(dir, dirs.size());
      if (added) {
        dirs[parent].names.push_back(path.substr(from, slash - from));
        dirs.push_back(Dir{dir, {}, {}});
      }
      parent = it->second;
      from = slash + 1;
    }
    dirs[parent].files.push_back(i);
    dirs[parent].names.push_back(path.substr(from));
  }
  for (auto& d : dirs) {
    std::sort(d.names.begin(), d.names.end());
  }
  return dirs;
}

// In whole seconds, as git built without USE_NSEC (Debian's) decides raciness: a file
// modified earlier in the second the index was written is still racy there, and git reads
// it. The stricter rule is the safe one whatever git the user runs.
bool older(std::uint32_t sec, const timespec& than) {
  return sec < static_cast<std::uint32_t>(than.tv_sec);
}

// Whether git would take the file with status `st` for entry `e` unchanged without reading
// it (git's match_stat_data and the type and executable-bit checks before it), and the
// entry is not racily clean: its mtime is older than the index file's, so a change made in
// the same clock tick as the index was written cannot hide behind equal stat data.
constexpr const char* k_racy = "racily clean";

// nullptr when the entry is unchanged and not racy, else why (k_racy for a racy entry).
const char* stat_doubt(const IndexFile& index, const IndexEntry& e, const struct stat& st,
                       const StatRules& rules) {
  const bool type_ok = e.mode == k_symlink ? S_ISLNK(st.st_mode) : S_ISREG(st.st_mode);
  if (!type_ok) {
    return "type changed";
  }
  if (rules.file_mode && e.mode != k_symlink &&
      ((st.st_mode & S_IXUSR) != 0) != (e.mode == k_executable)) {
    return "mode changed";
  }
  const IndexStat was = index.stat(e);
  const IndexStat now = IndexStat::from(st, e.mode);
  bool same = was.mtime_sec == now.mtime_sec && was.size == now.size;
  if (!rules.check_stat_minimal) {
    same = same && was.mtime_nsec == now.mtime_nsec && was.uid == now.uid && was.gid == now.gid &&
           was.ino == now.ino;
    if (rules.trust_ctime) {
      same = same && was.ctime_sec == now.ctime_sec && was.ctime_nsec == now.ctime_nsec;
    }
  }
  if (!same) {
    return "stat data differs";
  }
  if (!older(was.mtime_sec, index.file_stat().st_mtim)) {
    return k_racy;
  }
  return nullptr;
}

// The directory `path` below `top_fd` ("." for the top), reached without following any
// symbolic link on the way: a tracked path under a linked directory is not the file git
// recorded (git sees it deleted).
int open_dir(int top_fd, std::string_view path) {
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const std::string p = path.empty() ? std::string(".") : std::string(path);
  return static_cast<int>(::syscall(SYS_openat2, top_fd, p.c_str(), &how, sizeof how));
}

class Checker {
public:
  Checker(int top_fd, const IndexFile& index, const WorktreeCheck& check)
      : m_top(top_fd), m_index(index), m_check(check) {}

  // One directory: its tracked files' stat data, then its names.
  void run(const Dir& dir) {
    if (m_failed.load(std::memory_order_relaxed) || m_check.stop.stop_requested()) {
      return;
    }
    util::FdGuard fd(open_dir(m_top, dir.path));
    if (!fd.open()) {
      return fail(std::string(dir.path) + ": cannot be opened without following a link");
    }
    for (const std::size_t i : dir.files) {
      const IndexEntry& e = m_index.entries()[i];
      const std::string_view path = m_index.path(e);
      const std::string name(path.substr(dir.path.size()));
      struct stat st {};
      if (::fstatat(fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return fail(std::string(path) + ": cannot be looked at");
      }
      if (const char* why = stat_doubt(m_index, e, st, m_check.rules)) {
        return fail(std::string(path) + ": " + why, why == k_racy);
      }
    }
    if (m_check.untracked != Untracked::no) {
      list_names(dir, fd.get());
    }
  }

  std::optional<WorktreeDoubt> doubt() const {
    if (m_check.stop.stop_requested() && !m_reason) {
      return WorktreeDoubt{"cancelled"};
    }
    return m_reason;
  }

private:
  void fail(std::string why, bool racy = false) {
    const std::lock_guard lock(m_mutex);
    if (!m_reason) {
      m_reason = WorktreeDoubt{std::move(why), racy};
    }
    m_failed = true;
  }

  // Every name in the directory the index does not hold must be ignored.
  void list_names(const Dir& dir, int fd) {
    const int error = util::for_each_entry(fd, [&](std::string_view name, unsigned char type) {
      if ((dir.path.empty() && name == ".git") ||
          std::binary_search(dir.names.begin(), dir.names.end(), name)) {
        return true;
      }
      struct stat st {};
      if (type == DT_UNKNOWN &&
          ::fstatat(fd, std::string(name).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
      }
      std::string path = std::string(dir.path) + std::string(name) + (type == DT_DIR ? "/" : "");
      if (!ignored(path)) {
        fail(path + ": not in the index and not ignored");
        return false;
      }
      return true;
    });
    if (error != 0) {
      fail(std::string(dir.path) + ": cannot be listed");
    }
  }

  bool ignored(const std::string& path) {
    if (!m_check.ignored) {
      return false;
    }
    const std::lock_guard lock(m_ignore_mutex);
    return m_check.ignored(path).value_or(false);
  }

  const int m_top;
  const IndexFile& m_index;
  const WorktreeCheck& m_check;
  std::atomic<bool> m_failed = false;
  std::mutex m_mutex;
  std::mutex m_ignore_mutex;
  std::optional<WorktreeDoubt> m_reason;
};

} // namespace

std::optional<std::string> index_entries_doubt(const IndexFile& index, bool symlinks) {
  for (const IndexEntry& e : index.entries()) {
    const char* why = nullptr;
    if (e.stage() != 0) {
      why = "unmerged";
    } else if (e.assume_valid()) {
      why = "assume-unchanged";
    } else if (e.skip_worktree()) {
      why = "skip-worktree";
    } else if (e.intent_to_add()) {
      why = "intent-to-add";
    } else if (e.gitlink()) {
      why = "a submodule";
    } else if (e.mode != k_regular && e.mode != k_executable && e.mode != k_symlink) {
      why = "an unusual mode";
    } else if (e.mode == k_symlink && !symlinks) {
      why = "a symbolic link with core.symlinks off";
    }
    if (why != nullptr) {
      return std::string(index.path(e)) + ": " + why;
    }
  }
  return std::nullopt;
}

std::optional<WorktreeDoubt> worktree_doubt(int top_fd, const IndexFile& index,
                                            const WorktreeCheck& check) {
  const std::vector<Dir> dirs = directories_of(index);
  Checker checker(top_fd, index, check);
  const auto body = [&](std::size_t i) { checker.run(dirs[i]); };
  if (check.parallel && index.entries().size() >= k_parallel_entries) {
    check.parallel(dirs.size(), body);
  } else {
    for (std::size_t i = 0; i < dirs.size(); ++i) {
      body(i);
    }
  }
  return checker.doubt();
}

} // namespace mr::git
