#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <set>
#include <string_view>
#include <sys/stat.h>
#include <utility>
#include <vector>

#include <mr/git/discover.hpp>
#include <mr/util/strings.hpp>

namespace mr::git {

namespace {

namespace fs = std::filesystem;

// What one directory holds, as far as the walk cares.
struct Listing {
  bool dot_git = false; // a `.git` entry of any type: the top of a work tree
  bool head = false;    // HEAD, objects/ and refs/: a git directory (a bare repository)
  bool objects = false;
  bool refs = false;
  std::vector<std::string> subdirs; // not symbolic links, not `.git`

  bool git_directory() const { return head && objects && refs; }
};

// Closes a directory stream (and the descriptor it owns).
struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

class Walker {
public:
  Walker(fs::path top, const SearchOptions& options) : m_top(std::move(top)), m_options(options) {}

  Result<SearchResult> run() {
    const int fd = ::open(m_top.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      return fail("cannot read " + m_top.string() + ": " + util::errno_text(errno));
    }
    visit(fd, {}, 0);
    if (m_options.stop.stop_requested()) {
      return cancelled();
    }
    if (m_entries > m_options.max_entries) {
      return fail("stopped after reading " + std::to_string(m_options.max_entries) +
                  " directory entries below " + m_top.string() +
                  ", the most mr reads in one search; name a smaller directory");
    }
    std::sort(m_result.repos.begin(), m_result.repos.end(),
              [](const FoundRepo& a, const FoundRepo& b) { return a.relative < b.relative; });
    return std::move(m_result);
  }

private:
  bool stopped() const {
    return m_entries > m_options.max_entries || m_options.stop.stop_requested();
  }

  void warn(const fs::path& relative, const std::string& what) {
    m_result.warnings.push_back((m_top / relative).lexically_normal().string() + ": " + what);
  }

  // Is the entry `name` of `dir` a directory (not a link to one)? readdir says so on most
  // filesystems; a stat answers where it does not.
  static bool is_dir(DIR* dir, const dirent* entry) {
    if (entry->d_type != DT_UNKNOWN) {
      return entry->d_type == DT_DIR;
    }
    struct stat st {};
    return ::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISDIR(st.st_mode);
  }

  Listing list(DIR* dir) {
    Listing out;
    errno = 0;
    while (const dirent* entry = ::readdir(dir)) {
      if (++m_entries > m_options.max_entries) {
        break;
      }
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") {
        continue;
      }
      if (name == ".git") {
        out.dot_git = true;
        continue;
      }
      const bool directory = is_dir(dir, entry);
      if (name == "HEAD") {
        out.head = !directory;
      } else if (name == "objects" || name == "refs") {
        (name == "objects" ? out.objects : out.refs) = directory;
      }
      if (directory) {
        out.subdirs.emplace_back(name);
      }
    }
    return out;
  }

  // Reads the directory open as `fd` (which it takes over), `relative` below the top.
  void visit(int fd, const fs::path& relative, std::size_t depth) {
    DirPtr dir(::fdopendir(fd));
    if (!dir) {
      ::close(fd);
      warn(relative, "cannot read: " + util::errno_text(errno));
      return;
    }
    struct stat st {};
    if (::fstat(::dirfd(dir.get()), &st) == 0 && !m_seen.emplace(st.st_dev, st.st_ino).second) {
      return; // reached again (a bind mount of a directory above it)
    }
    auto listing = list(dir.get());
    if (listing.dot_git) {
      m_result.repos.push_back({relative, false});
      if (!m_options.nested) {
        return;
      }
    } else if (listing.git_directory()) {
      // Never entered: its objects and refs are no repositories of their own.
      if (m_options.bare) {
        m_result.repos.push_back({relative, true});
      } else {
        ++m_result.bare_skipped;
      }
      return;
    }
    if (depth >= m_options.max_depth && !listing.subdirs.empty()) {
      warn(relative, "not searched further: more than " + std::to_string(m_options.max_depth) +
                         " directories deep");
      return;
    }
    std::sort(listing.subdirs.begin(), listing.subdirs.end());
    for (const auto& name : listing.subdirs) {
      if (stopped()) {
        return;
      }
      const int child = ::openat(::dirfd(dir.get()), name.c_str(),
                                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child < 0) {
        // Replaced by a link or a file since it was listed: nothing to search.
        if (errno != ELOOP && errno != ENOTDIR && errno != ENOENT) {
          warn(relative / name, "cannot read: " + util::errno_text(errno));
        }
        continue;
      }
      visit(child, relative / name, depth + 1);
    }
  }

  fs::path m_top;
  const SearchOptions& m_options;
  SearchResult m_result;
  std::size_t m_entries = 0;
  std::set<std::pair<dev_t, ino_t>> m_seen;
};

} // namespace

Result<SearchResult> find_repositories(const std::filesystem::path& dir,
                                       const SearchOptions& options) {
  return Walker(dir, options).run();
}

} // namespace mr::git
