#include <sys/stat.h>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <mr/util/file_io.hpp>

#include "cli_fixture.hpp"

namespace mr::util {

TEST(FileIo, WriteAtomicallyCreatesAndReplaces) {
  test::TempDir tmp;
  const auto file = tmp.path() / "f.toml";
  ASSERT_TRUE(write_file_atomically(file, "one\n"));
  EXPECT_EQ(*read_file(file), "one\n");
  ASSERT_TRUE(write_file_atomically(file, "two\n"));
  EXPECT_EQ(*read_file(file), "two\n");
  // No temporary files are left behind.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp.path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

TEST(FileIo, WriteAtomicallyKeepsPermissions) {
  test::TempDir tmp;
  const auto file = tmp.path() / "f.toml";
  test::write_file(file, "x");
  ::chmod(file.c_str(), 0600);
  ASSERT_TRUE(write_file_atomically(file, "y"));
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(FileIo, WriteAtomicallyReplacesTheTargetOfASymlinkNotTheLink) {
  test::TempDir tmp;
  const auto target = tmp.path() / "dotfiles/mrconfig.toml";
  test::write_file(target, "old");
  const auto link = tmp.path() / ".mrconfig.toml";
  fs::create_symlink(target, link);
  ASSERT_TRUE(write_file_atomically(link, "new"));
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(test::read_file(target), "new");
}

TEST(FileIo, ReadFileNamesThePathInErrors) {
  test::TempDir tmp;
  auto missing = read_file(tmp.path() / "nope");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope: No such file or directory"), std::string::npos);
  auto dir = read_file(tmp.path());
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.error().message.find("is a directory"), std::string::npos);
}

TEST(FileIo, DirectoryLockSerialisesReadModifyWrite) {
  test::TempDir tmp;
  const auto file = tmp.path() / "counter";
  test::write_file(file, "0");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto lock = DirectoryLock::acquire(tmp.path());
        ASSERT_TRUE(lock);
        const int n = std::stoi(*read_file(file));
        ASSERT_TRUE(write_file_atomically(file, std::to_string(n + 1)));
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(test::read_file(file), "200");
}

} // namespace mr::util
