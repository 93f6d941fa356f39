#include <fcntl.h>

#include <gtest/gtest.h>

#include <mr/git/library.hpp>
#include <mr/util/fd.hpp>
#include <mr/util/sha1.hpp>

#include "cli_fixture.hpp"
#include "git/commit_tree.hpp"
#include "git/index_file.hpp"
#include "git/index_tree.hpp"

namespace mr::test {
namespace {

class CommitTree : public CliTest {
protected:
  void SetUp() override { ASSERT_TRUE(git::initialise().has_value()); }
  // What commit_tree() reads for `rev` in `repo`, as hex; "" when it cannot.
  std::string read(const fs::path& repo, const std::string& rev) {
    git_oid id{};
    const auto hex = git(repo, {"rev-parse", rev});
    EXPECT_EQ(git_oid_fromstrn(&id, hex.data(), GIT_OID_HEXSZ), 0);
    const auto gitdir = git(repo, {"rev-parse", "--absolute-git-dir"});
    const std::string dir = gitdir.substr(0, gitdir.size() - 1) + "/";
    const util::FdGuard fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    const auto tree = git::commit_tree(fd.get(), dir, id);
    if (!tree) {
      return "";
    }
    git_oid t{};
    git_oid_fromraw(&t, reinterpret_cast<const unsigned char*>(tree->data()));
    char out[GIT_OID_HEXSZ + 1];
    return git_oid_tostr(out, sizeof out, &t);
  }
  std::string tree_of(const fs::path& repo, const std::string& rev) {
    auto t = git(repo, {"rev-parse", rev + "^{tree}"});
    t.pop_back();
    return t;
  }
  git::Library m_git;
};

TEST_F(CommitTree, LooseAndPackedCommitsAndAlternatesGiveGitsTree) {
  const auto r = make_repo(root() / "r", false);
  for (int i = 0; i < 30; ++i) {
    write_file(r / "f", std::to_string(i) + std::string(200, 'x') + "\n");
    git(r, {"add", "f"});
    git(r, {"commit", "-q", "-m", "change " + std::to_string(i)});
  }
  EXPECT_EQ(read(r, "HEAD"), tree_of(r, "HEAD")); // loose
  // Packed, most commits deltified against each other by an aggressive repack: those go
  // through libgit2, the rest are read directly; all give git's answer.
  git(r, {"gc", "-q", "--aggressive", "--prune=now"});
  for (int back = 0; back < 30; back += 7) {
    const std::string rev = "HEAD~" + std::to_string(back);
    EXPECT_EQ(read(r, rev), tree_of(r, rev)) << rev;
  }
  // A clone that borrows every object through objects/info/alternates.
  git(root(), {"clone", "-q", "--shared", r.string(), (root() / "shared").string()});
  EXPECT_EQ(read(root() / "shared", "HEAD"), tree_of(r, "HEAD"));
}

TEST_F(CommitTree, AMissingOrDamagedObjectIsNoAnswer) {
  const auto r = make_repo(root() / "r", false);
  auto hex = git(r, {"rev-parse", "HEAD"});
  hex.pop_back();
  const auto loose = r / ".git/objects" / hex.substr(0, 2) / hex.substr(2);
  fs::permissions(loose, fs::perms::owner_write, fs::perm_options::add);
  write_file(loose, "not zlib at all");
  EXPECT_EQ(read(r, "HEAD"), "");
}

// The tree an index describes, hashed without writing it, is `git write-tree`'s.
TEST_F(CommitTree, TheIndexTreeIsWriteTreesEvenWithAStaleCacheTree) {
  const auto r = make_repo(root() / "r", false);
  for (const char* p : {"a.txt", "a/b", "a/c/d", "a-b", "a0", "z/y/x", "exec.sh"}) {
    write_file(r / p, std::string(p) + "\n");
  }
  fs::permissions(r / "exec.sh", fs::perms::owner_exec, fs::perm_options::add);
  fs::create_symlink("a.txt", r / "link");
  git(r, {"add", "."});
  auto want = git(r, {"write-tree"}); // also records the cache tree
  want.pop_back();
  const auto id_of = [&] {
    const auto index = git::IndexFile::read(r / ".git/index");
    EXPECT_TRUE(index.has_value());
    const auto tree = git::index_tree_id(*index);
    git_oid t{};
    git_oid_fromraw(
        &t, reinterpret_cast<const unsigned char*>(tree.value_or(std::string(20, '\0')).data()));
    char out[GIT_OID_HEXSZ + 1];
    return std::string(git_oid_tostr(out, sizeof out, &t));
  };
  EXPECT_EQ(id_of(), want);
  // A stale cache tree (a tool rewrote an entry and left the TREE extension of before) is
  // not trusted: the entries decide.
  const auto before = git::IndexFile::read(r / ".git/index");
  write_file(r / "a0", "changed\n");
  git(r, {"add", "a0"});
  auto now = git(r, {"write-tree"});
  now.pop_back();
  const auto after = git::IndexFile::read(r / ".git/index");
  const auto* old_tree = before->extension("TREE");
  const auto* new_tree = after->extension("TREE");
  ASSERT_TRUE(old_tree != nullptr && new_tree != nullptr);
  ASSERT_EQ(old_tree->size, new_tree->size);
  std::string bytes = after->bytes();
  bytes.replace(new_tree->offset, new_tree->size, before->data(*old_tree));
  bytes.resize(bytes.size() - 20);
  const auto digest = util::Sha1::of(bytes);
  bytes.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  write_file(r / ".git/index", bytes);
  ASSERT_NE(now, want);
  EXPECT_EQ(id_of(), now);
}

} // namespace
} // namespace mr::test
