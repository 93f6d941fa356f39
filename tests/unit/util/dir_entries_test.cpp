#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include <mr/util/dir_entries.hpp>
#include <mr/util/fd.hpp>

#include "temp_dir.hpp"

namespace mr::util {

namespace fs = std::filesystem;

TEST(DirEntries, EveryNameOnceWithItsTypeAcrossManyReads) {
  test::TempDir tmp;
  std::set<std::string> want;
  // Long names: far more than one 32 KB read of records.
  for (int i = 0; i < 1500; ++i) {
    const std::string name = std::string(60, 'n') + std::to_string(i);
    std::ofstream(tmp.path() / name) << "x";
    want.insert(name);
  }
  fs::create_directory(tmp.path() / "sub");
  fs::create_symlink("sub", tmp.path() / "link");
  const FdGuard fd(::open(tmp.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  std::set<std::string> files;
  std::set<std::string> others;
  const int rc = for_each_entry(fd.get(), [&](std::string_view name, unsigned char type) {
    (type == DT_REG ? files : others)
        .insert(std::string(name) + (type == DT_DIR ? "/" : "") + (type == DT_LNK ? "@" : ""));
    return true;
  });
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(files, want);
  EXPECT_EQ(others, (std::set<std::string>{"sub/", "link@"}));
}

TEST(DirEntries, StopsWhenAskedAndReportsAReadError) {
  test::TempDir tmp;
  for (int i = 0; i < 10; ++i) {
    std::ofstream(tmp.path() / std::to_string(i)) << "x";
  }
  const FdGuard fd(::open(tmp.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  int seen = 0;
  EXPECT_EQ(for_each_entry(fd.get(), [&](std::string_view, unsigned char) { return ++seen < 3; }),
            0);
  EXPECT_EQ(seen, 3);
  const FdGuard file(::open((tmp.path() / "0").c_str(), O_RDONLY | O_CLOEXEC));
  EXPECT_EQ(for_each_entry(file.get(), [](std::string_view, unsigned char) { return true; }),
            ENOTDIR);
}

} // namespace mr::util
