// Where mr update is stricter than git pull --ff-only: it never writes or deletes through a
// symbolic link the user put in place of a tracked directory, and it leaves sparse work
// trees (and skip-worktree paths) to git. In each case mr refuses, names the paths and the
// git command, and changes nothing, inside the repository or out of it.
#include <gtest/gtest.h>

#include "update_support.hpp"

namespace mr::test {
namespace {

class UpdateStricter : public UpdateTest {
protected:
  // Runs mr update in `w` and expects a refusal containing `reason` with nothing changed.
  void expect_refused(const fs::path& w, const std::string& reason) {
    const auto before = snapshot(w);
    const auto by_mr = mr({"update"}, w);
    EXPECT_EQ(by_mr.exit_code, 1) << by_mr.out << by_mr.err;
    EXPECT_NE(by_mr.err.find(reason), std::string::npos) << by_mr.err;
    EXPECT_EQ(snapshot(w), before) << "refused, yet something changed";
    expect_no_leftovers(w);
  }

  // The user replaced the tracked directory d by a link to a directory outside the
  // repository holding a file of the same name and content.
  fs::path link_d_outside(const fs::path& w) {
    const auto outside = root() / "outside";
    write_file(outside / "x", "x\n");
    fs::remove_all(w / "d");
    fs::create_directory_symlink(outside, w / "d");
    return outside;
  }
};

} // namespace

TEST_F(UpdateStricter, UpstreamDeletingAFileBehindALinkDeletesNothingOutside) {
  const auto w = clone_of_upstream("w");
  const auto outside = link_d_outside(w);
  git(seed(), {"rm", "-q", "d/x"});
  push_seed();
  expect_refused(w, "the update changes paths beyond a symbolic link: d/x");
  EXPECT_EQ(read_file(outside / "x"), "x\n");
  EXPECT_TRUE(fs::is_symlink(w / "d"));
}

TEST_F(UpdateStricter, UpstreamChangingAFileBehindALinkWritesNothingOutside) {
  const auto w = clone_of_upstream("w");
  const auto outside = link_d_outside(w);
  write_file(seed() / "d/x", "upstream\n");
  write_file(seed() / "d/new", "new\n");
  push_seed();
  expect_refused(w, "beyond a symbolic link: d/x");
  EXPECT_EQ(read_file(outside / "x"), "x\n");
  EXPECT_FALSE(fs::exists(outside / "new"));
}

TEST_F(UpdateStricter, ANewFileBehindALinkIsRefusedAsInTheWay) {
  const auto w = clone_of_upstream("w");
  const auto outside = link_d_outside(w);
  write_file(seed() / "d/new", "new\n");
  push_seed();
  expect_refused(w, "untracked files would be overwritten by the update: d");
  EXPECT_FALSE(fs::exists(outside / "new"));
}

// git refuses this one too: a skip-worktree file upstream changes.
TEST_F(UpdateStricter, ASkipWorktreePathIsLeftToGit) {
  const auto w = clone_of_upstream("w");
  git(w, {"update-index", "--skip-worktree", "a.txt"});
  write_file(seed() / "a.txt", "upstream\n");
  push_seed();
  expect_refused(w,
                 "the update changes paths of a sparse checkout: a.txt (use git pull --ff-only)");
  EXPECT_EQ(read_file(w / "a.txt"), "a\n");
}

// git keeps paths outside the cone out of the work tree; mr leaves the update to it.
TEST_F(UpdateStricter, ASparseCheckoutIsLeftToGit) {
  const auto w = clone_of_upstream("w");
  git(w, {"sparse-checkout", "set", "d"});
  write_file(seed() / "a.txt", "upstream\n");
  write_file(seed() / "e/n", "new\n");
  push_seed();
  expect_refused(w, "paths of a sparse checkout: a.txt, e/n");
  EXPECT_EQ(read_file(w / "a.txt"), "a\n"); // the cone keeps files at the top
  EXPECT_FALSE(fs::exists(w / "e"));
  const auto pull = git_result(w, {"pull", "-q", "--ff-only"});
  EXPECT_EQ(pull.exit_code, 0) << pull.err;
}

// A broken or hostile upstream commit whose tree lists a path twice: git refuses it, and
// so does mr, changing nothing. (git fsck rightly objects to the fetched objects.)
TEST_F(UpdateStricter, ATreeListingAPathTwiceIsRefused) {
  const auto w = clone_of_upstream("w");
  const auto blob = [&](const std::string& text) {
    write_file(root() / "blob", text);
    auto id = git(seed(), {"hash-object", "-w", (root() / "blob").string()});
    id.pop_back();
    return id;
  };
  const auto one = blob("one\n");
  const auto two = blob("two\n");
  write_file(root() / "entries", "100644 blob " + one + "\tdup\n100644 blob " + two + "\tdup\n");
  auto tree = run({"sh", "-c", "git mktree < '" + (root() / "entries").string() + "'"}, in(seed()));
  ASSERT_EQ(tree.exit_code, 0) << tree.err;
  tree.out.pop_back();
  auto commit = git(seed(), {"commit-tree", tree.out, "-p", "HEAD", "-m", "duplicate"});
  commit.pop_back();
  git(seed(), {"push", "-q", "origin", commit + ":refs/heads/main"});
  const auto before = snapshot(w);
  const auto r = mr({"update"}, w);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("a tree of the update lists dup twice"), std::string::npos) << r.err;
  EXPECT_EQ(snapshot(w), before);
  EXPECT_FALSE(fs::exists(w / "dup"));
  EXPECT_FALSE(fs::exists(w / ".git/index.lock"));
  EXPECT_FALSE(fs::exists(w / ".git/mr-update"));
}

// A filter driver with a smudge command (git-lfs is one) is git's to run: without it the
// work tree would get the clean form (an LFS pointer) instead of the content.
TEST_F(UpdateStricter, PathsWithAFilterDriverAreLeftToGit) {
  const auto w = clone_of_upstream("w");
  git(w, {"config", "filter.up.smudge", "tr a-z A-Z"});
  git(w, {"config", "filter.up.clean", "tr A-Z a-z"});
  write_file(seed() / ".gitattributes", "*.up filter=up\n");
  write_file(seed() / "new.up", "shout\n");
  push_seed();
  expect_refused(w, "the update changes paths whose filter driver (up) mr does not run: "
                    "new.up (use git pull --ff-only)");
  const auto pull = git_result(w, {"pull", "-q", "--ff-only"});
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  EXPECT_EQ(read_file(w / "new.up"), "SHOUT\n");
}

} // namespace mr::test
