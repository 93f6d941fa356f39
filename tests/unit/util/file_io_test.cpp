#include <atomic>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
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

TEST(FileIo, ReadRegularFileRefusesWhatIsNotAPlainFileBeforeReading) {
  test::TempDir tmp;
  const auto fifo = tmp.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::pair<fs::path, std::string> refused[] = {
      {fifo, "not a regular file (a FIFO)"},
      {"/dev/zero", "not a regular file (a character device)"},
      {tmp.path(), "not a regular file (a directory)"},
  };
  for (const auto& [path, why] : refused) {
    auto r = read_regular_file(path, 1024);
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().message, path.string() + ": " + why);
  }
}

TEST(FileIo, ReadRegularFileHasASizeLimit) {
  test::TempDir tmp;
  const auto file = tmp.path() / "big";
  test::write_file(file, "");
  fs::resize_file(file, 64 * 1024 * 1024); // sparse: costs no disk
  auto r = read_regular_file(file, 16 * 1024 * 1024);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, file.string() + ": larger than 16 MiB, the limit for this file");
  test::write_file(file, "12345");
  ::chmod(file.c_str(), 0640);
  auto ok = read_regular_file(file, 5);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->content, "12345");
  EXPECT_EQ(ok->mode, 0640u);
  EXPECT_EQ(ok->owner, ::geteuid());
  EXPECT_FALSE(read_regular_file(file, 4));
}

TEST(FileIo, MakeDirectoriesBeneathCreatesButNeverThroughASymlink) {
  test::TempDir tmp;
  const auto base = tmp.path() / "base";
  fs::create_directories(base / "have");
  ASSERT_TRUE(make_directories_beneath(base, "have/new/deeper"));
  EXPECT_TRUE(fs::is_directory(base / "have/new/deeper"));
  ASSERT_TRUE(make_directories_beneath(base, "."));

  fs::create_directories(tmp.path() / "elsewhere");
  fs::create_directory_symlink(tmp.path() / "elsewhere", base / "link");
  auto r = make_directories_beneath(base, "link/x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            (base / "link").string() + " is a symbolic link; mr does not create through it");
  EXPECT_FALSE(fs::exists(tmp.path() / "elsewhere/x"));
  EXPECT_FALSE(make_directories_beneath(base, "../x"));
}

TEST(FileIo, NewFilesGetTheRequestedModeMinusTheUmask) {
  test::TempDir tmp;
  const auto file = tmp.path() / "f.toml";
  const mode_t old = ::umask(002);
  const auto written = write_file_atomically(file, "x", 0644);
  ::umask(old);
  ASSERT_TRUE(written);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(FileIo, StaleTemporariesOfOurOwnPatternAreRemovedAndNothingElse) {
  test::TempDir tmp;
  const auto file = tmp.path() / "reg.toml";
  test::write_file(file, "x");
  const std::vector<std::string> stale = {".reg.toml.mr-tmp-Ab12Cd"};
  const std::vector<std::string> kept = {".reg.toml.backup", ".reg.toml.mr-tmp-longer-name",
                                         ".other.toml.mr-tmp-Ab12Cd", "reg.toml"};
  for (const auto& name : stale) {
    test::write_file(tmp.path() / name, "old copy");
  }
  for (const auto& name : kept) {
    test::write_file(tmp.path() / name, "keep");
  }
  remove_stale_temporaries(file);
  for (const auto& name : stale) {
    EXPECT_FALSE(fs::exists(tmp.path() / name)) << name;
  }
  for (const auto& name : kept) {
    EXPECT_TRUE(fs::exists(tmp.path() / name)) << name;
  }
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

TEST(FileIo, WritingANewFileNeverChangesTheProcessUmask) {
  // Other threads create work-tree files, locks and clones meanwhile: a umask(0) for a
  // moment, even to read it, gives their files mode 0666 (0777 for directories).
  test::TempDir tmp;
  const mode_t old = ::umask(022);
  std::atomic<bool> done{false};
  std::atomic<int> zero_seen{0};
  std::thread watcher([&] {
    while (!done.load()) {
      std::ifstream status("/proc/self/status");
      for (std::string line; std::getline(status, line);) {
        if (line.starts_with("Umask:") && line.find("0000") != std::string::npos) {
          ++zero_seen;
        }
      }
    }
  });
  for (int i = 0; i < 3000 && zero_seen.load() == 0; ++i) {
    ASSERT_TRUE(write_file_atomically(tmp.path() / ("f" + std::to_string(i)), "x"));
  }
  done = true;
  watcher.join();
  ::umask(old);
  EXPECT_EQ(zero_seen.load(), 0);
  struct stat st {};
  ASSERT_EQ(::stat((tmp.path() / "f0").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u); // 0666 minus the umask, still
}

TEST(FileIo, IsRegularFileAndIsDirectoryFollowSymlinks) {
  test::TempDir tmp;
  test::write_file(tmp.path() / "f", "x");
  fs::create_directory(tmp.path() / "d");
  fs::create_symlink("f", tmp.path() / "to-f");
  fs::create_symlink("d", tmp.path() / "to-d");
  fs::create_symlink("missing", tmp.path() / "dangling");
  EXPECT_TRUE(util::is_regular_file(tmp.path() / "f"));
  EXPECT_TRUE(util::is_regular_file(tmp.path() / "to-f"));
  EXPECT_FALSE(util::is_regular_file(tmp.path() / "d"));
  EXPECT_FALSE(util::is_regular_file(tmp.path() / "dangling"));
  EXPECT_TRUE(util::is_directory(tmp.path() / "d"));
  EXPECT_TRUE(util::is_directory(tmp.path() / "to-d"));
  EXPECT_FALSE(util::is_directory(tmp.path() / "f"));
  EXPECT_TRUE(util::exists(tmp.path() / "dangling")); // exists() does not follow
}

TEST(FdGuard, ClosesOnceWhetherClosedByHandOrByTheOwnerGoing) {
  test::TempDir tmp;
  const auto file = tmp.path() / "f";
  test::write_file(file, "x");
  int raw = -1;
  {
    FdGuard fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    raw = fd.get();
    ASSERT_GE(raw, 0);
    FdGuard moved(std::move(fd));
    EXPECT_FALSE(fd.open()); // NOLINT(bugprone-use-after-move): the moved-from state is the test
    EXPECT_EQ(moved.get(), raw);
  }
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1); // closed when `moved` went
  FdGuard fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(fd.open());
  EXPECT_EQ(fd.close(), 0);
  EXPECT_FALSE(fd.open());
  EXPECT_EQ(fd.close(), -1); // nothing left to close, and said so
}

} // namespace mr::util
