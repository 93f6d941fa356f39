#include <cstdio>

#include <gtest/gtest.h>

#include <mr/util/sha1.hpp>

#include "cli_fixture.hpp"
#include "git/index_file.hpp"

namespace mr::git {

namespace {

namespace fs = std::filesystem;

std::string hex(std::string_view raw) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  for (const char c : raw) {
    out += k_digits[static_cast<unsigned char>(c) >> 4];
    out += k_digits[static_cast<unsigned char>(c) & 15];
  }
  return out;
}

class IndexFileTest : public test::CliTest {
protected:
  fs::path repo() {
    const auto r = root() / "r";
    if (!fs::exists(r)) {
      git(root(), {"init", "-q", "-b", "main", r.string()});
    }
    return r;
  }

  // What `git ls-files --stage --debug` prints, rebuilt from our reading of the index.
  static std::string as_git_debug(const IndexFile& index) {
    std::string out;
    char line[256];
    for (const auto& e : index.entries()) {
      const auto s = index.stat(e);
      std::snprintf(line, sizeof line, "%06o %s %d\t", e.mode, hex(index.oid(e)).c_str(),
                    e.stage());
      out += line;
      out += index.path(e);
      // git prints its in-memory flags: the stored ones without the name length, the
      // extended ones above them.
      const unsigned flags = (e.flags & ~0x0fffU) | (unsigned{e.extended} << 16);
      std::snprintf(line, sizeof line,
                    "\n  ctime: %u:%u\n  mtime: %u:%u\n  dev: %u\tino: %u\n  uid: %u\tgid: "
                    "%u\n  size: %u\tflags: %x\n",
                    s.ctime_sec, s.ctime_nsec, s.mtime_sec, s.mtime_nsec, s.dev, s.ino, s.uid,
                    s.gid, s.size, flags);
      out += line;
    }
    return out;
  }

  IndexFile read_index(const fs::path& r) {
    auto index = IndexFile::read(r / ".git/index");
    EXPECT_TRUE(index.has_value()) << (index ? "" : index.error().message);
    return index ? std::move(*index) : IndexFile{};
  }

  void expect_as_git_reads_it(const fs::path& r) {
    const auto index = read_index(r);
    EXPECT_EQ(as_git_debug(index), git(r, {"ls-files", "--stage", "--debug"}));
  }

  // A work tree with files, a directory, an executable, a symlink and a conflict.
  fs::path varied() {
    const auto r = repo();
    test::write_file(r / "a", "a\n");
    test::write_file(r / "dir/b", "b\n");
    test::write_file(r / "dir/sub/c", "c\n");
    test::write_file(r / "x.sh", "#!/bin/sh\n");
    fs::permissions(r / "x.sh", fs::perms::owner_exec, fs::perm_options::add);
    fs::create_symlink("a", r / "link");
    git(r, {"add", "."});
    git(r, {"commit", "-q", "-m", "one"});
    return r;
  }
};

} // namespace

TEST_F(IndexFileTest, Version2EntriesStatDataAndTheTreeExtension) {
  const auto r = varied();
  const auto index = read_index(r);
  EXPECT_EQ(index.version(), 2U);
  ASSERT_EQ(index.entries().size(), 5U);
  EXPECT_NE(index.extension("TREE"), nullptr); // written by the commit
  EXPECT_FALSE(index.skip_hash());
  expect_as_git_reads_it(r);
  // The stat data sits at the entry's offset, as the refresh patches it.
  const auto& e = index.entries()[1];
  EXPECT_EQ(index.path(e), "dir/b");
  EXPECT_EQ(load_be32(index.bytes(), e.offset + 36), index.stat(e).size);
  EXPECT_EQ(index.find("dir/sub/c"), std::optional<std::size_t>(2));
  EXPECT_EQ(index.find("dir"), std::nullopt);
}

TEST_F(IndexFileTest, Version3IntentToAddSkipWorktreeAndAssumeUnchanged) {
  const auto r = varied();
  test::write_file(r / "new", "later\n");
  git(r, {"add", "-N", "new"});
  git(r, {"update-index", "--skip-worktree", "dir/b"});
  git(r, {"update-index", "--assume-unchanged", "a"});
  const auto index = read_index(r);
  EXPECT_EQ(index.version(), 3U);
  EXPECT_TRUE(index.entries()[*index.find("new")].intent_to_add());
  EXPECT_TRUE(index.entries()[*index.find("dir/b")].skip_worktree());
  EXPECT_TRUE(index.entries()[*index.find("a")].assume_valid());
  EXPECT_FALSE(index.entries()[*index.find("x.sh")].skip_worktree());
  expect_as_git_reads_it(r);
}

TEST_F(IndexFileTest, Version4PrefixCompressedPathsLongOnesToo) {
  const auto r = varied();
  // Paths longer than the 12-bit length field, added without files (cacheinfo).
  const auto blob = git(r, {"rev-parse", "HEAD:a"}).substr(0, 40);
  std::string deep;
  for (int i = 0; i < 20; ++i) {
    deep += std::string(250, static_cast<char>('k' + i % 3)) + "/";
  }
  git(r, {"update-index", "--add", "--cacheinfo", "100644," + blob + "," + deep + "one"});
  git(r, {"update-index", "--add", "--cacheinfo", "100644," + blob + "," + deep + "two"});
  expect_as_git_reads_it(r);
  EXPECT_EQ(read_index(r).version(), 2U);
  git(r, {"update-index", "--index-version", "4"});
  const auto index = read_index(r);
  EXPECT_EQ(index.version(), 4U);
  const auto two = index.find(deep + "two");
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(index.path(index.entries()[*two]), deep + "two");
  expect_as_git_reads_it(r);
}

TEST_F(IndexFileTest, ConflictStagesAndTheUntrackedCacheExtension) {
  const auto r = varied();
  git(r, {"checkout", "-q", "-b", "side"});
  test::write_file(r / "a", "side\n");
  git(r, {"commit", "-q", "-am", "side"});
  git(r, {"checkout", "-q", "main"});
  test::write_file(r / "a", "main\n");
  git(r, {"commit", "-q", "-am", "main"});
  EXPECT_NE(git_result(r, {"merge", "-q", "side"}).exit_code, 0);
  git(r, {"config", "core.untrackedCache", "true"});
  git(r, {"status", "--porcelain"});
  const auto index = read_index(r);
  EXPECT_NE(index.extension("UNTR"), nullptr);
  const auto [first, last] = index.range("a");
  EXPECT_EQ(last - first, 3U);
  EXPECT_EQ(index.find("a", 0), std::nullopt);
  EXPECT_EQ(index.entries()[*index.find("a", 2)].stage(), 2);
  expect_as_git_reads_it(r);
}

TEST_F(IndexFileTest, NoIndexIsAnEmptyIndexNotOnDisk) {
  const auto r = repo();
  const auto index = read_index(r);
  EXPECT_FALSE(index.on_disk());
  EXPECT_TRUE(index.entries().empty());
  EXPECT_TRUE(index.checksum().empty());
}

TEST_F(IndexFileTest, AZeroTrailerIsSkipHashAndABadOneIsRefused) {
  const auto r = varied();
  const std::string good = test::read_file(r / ".git/index");
  std::string zero = good;
  std::fill(zero.end() - 20, zero.end(), '\0');
  const auto skip = IndexFile::parse(zero, "idx");
  ASSERT_TRUE(skip.has_value()) << skip.error().message;
  EXPECT_TRUE(skip->skip_hash());
  EXPECT_EQ(skip->entries().size(), 5U);

  std::string flipped = good;
  flipped[20] ^= 1; // a byte of the first entry's stat data
  const auto refused = IndexFile::parse(flipped, "idx");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message, "idx: not a valid git index: checksum mismatch");
}

// Damaged files are refused with one line, whatever the damage: never a crash, never a
// read past the end (the ASan build runs this).
TEST_F(IndexFileTest, DamagedFilesAreRefusedCleanly) {
  const auto r = varied();
  const std::string good = test::read_file(r / ".git/index");
  const IndexReadOptions no_check{.verify_checksum = false};
  const auto whole = IndexFile::parse(good, "idx", no_check);
  ASSERT_TRUE(whole.has_value());
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    const auto parsed = IndexFile::parse(good.substr(0, cut), "idx", no_check);
    if (parsed) {
      // Unchecked, a cut that keeps every entry and ends on an extension boundary adds up.
      EXPECT_GE(cut, whole->entries_end() + 20U) << cut;
    } else {
      EXPECT_EQ(parsed.error().message.rfind("idx: not a valid git index: ", 0), 0U);
    }
  }
  std::string huge = good;
  store_be32(huge, 8, 0x7fffffff); // an absurd entry count
  const auto absurd = IndexFile::parse(huge, "idx", no_check);
  ASSERT_FALSE(absurd.has_value());
  EXPECT_NE(absurd.error().message.find("entries do not fit"), std::string::npos);
  std::string v9 = good;
  store_be32(v9, 4, 9);
  EXPECT_FALSE(IndexFile::parse(v9, "idx", no_check).has_value());
  // Every single byte flipped: refused or read, never undefined behaviour.
  for (std::size_t at = 0; at + 20 < good.size(); ++at) {
    std::string bad = good;
    bad[at] = static_cast<char>(~bad[at]);
    (void)IndexFile::parse(bad, "idx", no_check);
  }
  const IndexReadOptions tiny{.max_bytes = 64, .verify_checksum = true};
  const auto too_big = IndexFile::read(r / ".git/index", tiny);
  ASSERT_FALSE(too_big.has_value());
  EXPECT_NE(too_big.error().message.find("more than mr reads"), std::string::npos);
}

} // namespace mr::git
