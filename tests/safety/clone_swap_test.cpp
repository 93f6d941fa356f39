// A checkout clones into the directory it made (or found) for the repository, open: a
// directory renamed away and a symlink put in its place while the clone runs (seconds on a
// real network) do not lead the clone, or its final rename, anywhere else. Through libgit2
// and through the git binary.
#include <csignal>

#include <gtest/gtest.h>

#include "pause_point.hpp"
#include "upstream_fixture.hpp"

namespace mr::test {
namespace {

class CloneSwap : public Upstream {
protected:
  void SetUp() override {
    Upstream::SetUp();
    fs::create_directories(ws() / "sub");
    fs::create_directories(elsewhere());
  }
  fs::path ws() const { return root() / "ws"; }
  fs::path elsewhere() const { return root() / "elsewhere"; }

  // `mr checkout` of ws/sub/c, with ws/sub swapped for a symlink to elsewhere/ once the
  // clone is about to start.
  void checkout_with_swap(const std::string& extra) {
    write_file(registry(), "[repos.\"" + (ws() / "sub" / "c").string() + "\"]\nurl = \"file://" +
                               m_bare.string() + "\"\n" + extra);
    PausedRun run({mr_binary().string(), "checkout"}, in(ws()), "clone.cloning",
                  root() / "scratch");
    ASSERT_TRUE(run.wait_paused());
    fs::rename(ws() / "sub", ws() / "moved");
    fs::create_directory_symlink(elsewhere(), ws() / "sub");
    // mr then finds nothing at ws/sub/c, and says so: the path leads elsewhere now.
    const auto r = run.resume();
    EXPECT_NE(r.err.find("done."), std::string::npos) << r.out << r.err;

    EXPECT_TRUE(fs::is_empty(elsewhere()));
    const auto c = ws() / "moved" / "c";
    EXPECT_EQ(git(c, {"rev-parse", "HEAD"}), git(m_bare, {"rev-parse", "main"}));
    EXPECT_EQ(git(c, {"status", "--porcelain"}), "");
    EXPECT_NE(git_result(c, {"config", "core.worktree"}).exit_code, 0);
  }
};

TEST_F(CloneSwap, ThroughLibgit2TheCloneStaysInItsDirectory) {
  checkout_with_swap("");
}

TEST_F(CloneSwap, ThroughGitTheCloneStaysInItsDirectory) {
  checkout_with_swap("transport = \"git\"\n");
}

} // namespace
} // namespace mr::test
