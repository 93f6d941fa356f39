// A fresh directory under $TMPDIR, removed with everything in it on destruction.
#pragma once

#include <filesystem>

namespace mr::test {

class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Physical path (symlinks in $TMPDIR resolved), so tests compare against what mr prints.
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

} // namespace mr::test
