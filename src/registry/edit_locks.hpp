// Private to src/registry: the directory locks every registry writer holds (edit.cpp,
// import.cpp), so that writers of the same directory queue up.
#pragma once

#include <filesystem>
#include <sys/stat.h>
#include <vector>

#include <mr/util/file_io.hpp>
#include <mr/util/result.hpp>

namespace mr::registry {

// Locks held while writing: the root file's directory, plus the defining file's directory
// when that is another one. Always taken in that order, so two writers cannot deadlock.
class EditLocks {
public:
  Result<void> lock_dir_of(const std::filesystem::path& file) {
    const auto dir = util::resolve_symlinks(file).parent_path();
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
      for (const auto& held : m_held) {
        if (held.dev == st.st_dev && held.ino == st.st_ino) {
          return {}; // flock is per open file: locking the same directory twice would block
        }
      }
    }
    MR_TRY_VAR(lock, util::DirectoryLock::acquire(dir));
    m_held.push_back({st.st_dev, st.st_ino, std::move(*lock)});
    return {};
  }

private:
  struct Held {
    dev_t dev;
    ino_t ino;
    util::DirectoryLock lock;
  };
  std::vector<Held> m_held;
};

} // namespace mr::registry
