// mr update never discards staged work: on a copy of each repository `git pull --ff-only`
// runs, and mr update must do what it does: refuse (with git's reason, nothing changed)
// or give the same HEAD, index and work tree.
#include <functional>

#include <gtest/gtest.h>

#include "update_support.hpp"

namespace mr::test {
namespace {

class UpdateVsGit : public UpdateTest {
protected:
  // Builds the local state with `local`, copies the repository, lets upstream change with
  // `upstream`, then runs git pull --ff-only in the copy and mr update in the original.
  // `reason`: the refusal both must give (mr's words), or "" when both fast-forward.
  void differential(const std::function<void(const fs::path&)>& local,
                    const std::function<void(const fs::path&)>& upstream,
                    const std::string& reason) {
    const auto w = clone_of_upstream("w");
    local(w);
    const auto copy = root() / "copy";
    ASSERT_EQ(std::system(("cp -a '" + w.string() + "' '" + copy.string() + "'").c_str()), 0);
    upstream(seed());
    push_seed();
    const auto before = snapshot(w);
    const auto by_git = git_result(copy, {"pull", "-q", "--ff-only"});
    const auto by_mr = mr({"update"}, w);
    if (reason.empty()) {
      ASSERT_EQ(by_git.exit_code, 0) << by_git.err;
      EXPECT_EQ(by_mr.exit_code, 0) << by_mr.out << by_mr.err;
      EXPECT_EQ(snapshot(w), snapshot(copy));
      EXPECT_NE(snapshot(w).head, before.head);
    } else {
      EXPECT_NE(by_git.exit_code, 0) << "git pull --ff-only did not refuse";
      EXPECT_EQ(by_mr.exit_code, 1) << by_mr.out << by_mr.err;
      EXPECT_NE(by_mr.err.find(reason), std::string::npos) << by_mr.err;
      EXPECT_EQ(snapshot(w), before) << "refused, yet something changed";
    }
    expect_no_leftovers(w);
  }
};

} // namespace

TEST_F(UpdateVsGit, AStagedChangeWithTheFileBackAtHeadIsRefused) {
  differential(
      [&](const fs::path& w) {
        write_file(w / "a.txt", "mine\n");
        git(w, {"add", "a.txt"});
        write_file(w / "a.txt", "a\n"); // the work tree matches HEAD again
      },
      [&](const fs::path& s) { write_file(s / "a.txt", "upstream\n"); },
      "local changes would be overwritten by the update: a.txt");
}

TEST_F(UpdateVsGit, AStagedDeletionIsRefused) {
  differential(
      [&](const fs::path& w) {
        git(w, {"rm", "-q", "a.txt"});
      },
      [&](const fs::path& s) { write_file(s / "a.txt", "upstream\n"); },
      "local changes would be overwritten by the update: a.txt");
}

TEST_F(UpdateVsGit, AStagedModeChangeIsRefused) {
  differential(
      [&](const fs::path& w) {
        git(w, {"update-index", "--chmod=+x", "a.txt"});
      },
      [&](const fs::path& s) { write_file(s / "a.txt", "upstream\n"); },
      "local changes would be overwritten by the update: a.txt");
}

TEST_F(UpdateVsGit, AnAddedThenDeletedFileIsRefused) {
  differential(
      [&](const fs::path& w) {
        write_file(w / "new.txt", "mine\n");
        git(w, {"add", "new.txt"});
        fs::remove(w / "new.txt"); // "AD"
      },
      [&](const fs::path& s) { write_file(s / "new.txt", "upstream\n"); },
      "local changes would be overwritten by the update: new.txt");
}

TEST_F(UpdateVsGit, UpstreamDeletingAStagedModifiedFileIsRefused) {
  differential(
      [&](const fs::path& w) {
        write_file(w / "b.txt", "mine\n");
        git(w, {"add", "b.txt"});
        write_file(w / "b.txt", "b\n");
      },
      [&](const fs::path& s) {
        git(s, {"rm", "-q", "b.txt"});
      },
      "local changes would be overwritten by the update: b.txt");
}

TEST_F(UpdateVsGit, AnIntentToAddPathUpstreamAddsIsRefused) {
  differential(
      [&](const fs::path& w) {
        write_file(w / "new.txt", "mine\n");
        git(w, {"add", "-N", "new.txt"});
      },
      [&](const fs::path& s) { write_file(s / "new.txt", "upstream\n"); },
      "local changes would be overwritten by the update: new.txt");
}

TEST_F(UpdateVsGit, AFileRemovedFromTheIndexThatUpstreamDeletesIsRefused) {
  differential(
      [&](const fs::path& w) {
        git(w, {"rm", "-q", "--cached", "b.txt"});
      },
      [&](const fs::path& s) {
        git(s, {"rm", "-q", "b.txt"});
      },
      "untracked files would be removed by the update: b.txt");
}

TEST_F(UpdateVsGit, UntrackedContentInADirectoryUpstreamReplacesIsRefused) {
  differential([&](const fs::path& w) { write_file(w / "d/mine.txt", "mine\n"); },
               [&](const fs::path& s) {
                 git(s, {"rm", "-q", "d/x"});
                 write_file(s / "d", "now a file\n");
               },
               "updating these directories would lose untracked files in them: d");
}

TEST_F(UpdateVsGit, AStagedChangeElsewhereIsKept) {
  differential(
      [&](const fs::path& w) {
        write_file(w / "README", "my staged edit\n");
        git(w, {"add", "README"});
        write_file(w / "README", "my staged edit\nand more, unstaged\n");
        write_file(w / "untracked.txt", "mine\n");
      },
      [&](const fs::path& s) { write_file(s / "a.txt", "upstream\n"); }, "");
}

TEST_F(UpdateVsGit, AChangeStagedAlreadyAsUpstreamHasItIsKept) {
  differential(
      [&](const fs::path& w) {
        write_file(w / "a.txt", "upstream\n");
        git(w, {"add", "a.txt"});
        write_file(w / "a.txt", "upstream\nplus an unstaged line\n");
      },
      [&](const fs::path& s) { write_file(s / "a.txt", "upstream\n"); }, "");
}

TEST_F(UpdateVsGit, AStagedDeletionOfAFileUpstreamDeletesIsKept) {
  differential(
      [&](const fs::path& w) {
        git(w, {"rm", "-q", "b.txt"});
      },
      [&](const fs::path& s) {
        git(s, {"rm", "-q", "b.txt"});
        write_file(s / "a.txt", "upstream\n");
      },
      "");
}

TEST_F(UpdateVsGit, AFileDeletedFromTheWorkTreeIsRecreatedAsGitDoes) {
  differential([&](const fs::path& w) { fs::remove(w / "a.txt"); },
               [&](const fs::path& s) { write_file(s / "a.txt", "upstream\n"); }, "");
}

TEST_F(UpdateVsGit, FilesBecomeDirectoriesAndBack) {
  differential([](const fs::path&) {},
               [&](const fs::path& s) {
                 git(s, {"rm", "-q", "f", "d/x"});
                 write_file(s / "f/inside.txt", "was a file\n");
                 write_file(s / "d", "was a directory\n");
               },
               "");
}

TEST_F(UpdateVsGit, ModeChangesSymlinksAndDeletions) {
  differential([&](const fs::path& w) { write_file(w / "untracked.txt", "mine\n"); },
               [&](const fs::path& s) {
                 fs::permissions(s / "a.txt", fs::perms::owner_exec, fs::perm_options::add);
                 git(s, {"rm", "-q", "b.txt"});
                 fs::remove(s / "script.sh");
                 fs::create_symlink("a.txt", s / "script.sh");
                 fs::create_symlink("d", s / "link");
               },
               "");
}

TEST_F(UpdateVsGit, AnUntrackedFileInTheWayIsRefused) {
  differential([&](const fs::path& w) { write_file(w / "new.txt", "mine\n"); },
               [&](const fs::path& s) { write_file(s / "new.txt", "upstream\n"); },
               "untracked files would be overwritten by the update: new.txt");
}

TEST_F(UpdateVsGit, AModifiedFileIsRefused) {
  differential([&](const fs::path& w) { write_file(w / "a.txt", "mine\n"); },
               [&](const fs::path& s) { write_file(s / "a.txt", "upstream\n"); },
               "local changes would be overwritten by the update: a.txt");
}

// The index mr builds keeps what git keeps: its version, intent-to-add and
// assume-unchanged entries, and it stays readable to git with its extensions.
TEST_F(UpdateVsGit, AVersion4IndexWithFlagsAndExtensions) {
  differential(
      [&](const fs::path& w) {
        git(w, {"update-index", "--index-version", "4"});
        git(w, {"config", "core.untrackedCache", "true"});
        write_file(w / "later.txt", "intent to add\n");
        git(w, {"add", "-N", "later.txt"});
        git(w, {"update-index", "--assume-unchanged", "README"});
        git(w, {"status", "--porcelain"});
      },
      [&](const fs::path& s) {
        write_file(s / "a.txt", "upstream\n");
        write_file(s / "deep/er/new.txt", "new\n");
        git(s, {"rm", "-q", "d/x"});
      },
      "");
  const auto w = root() / "ws" / "w";
  EXPECT_EQ(read_file(w / ".git/index").substr(4, 4), std::string("\0\0\0\4", 4));
  const auto verify = git_result(w, {"ls-files", "--debug"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

// Line-ending conversion: files checked out with CRLF are up to date (their clean form is
// the index's), and the new versions are written converted, as git writes them.
TEST_F(UpdateVsGit, FilesCheckedOutWithCrlf) {
  differential(
      [&](const fs::path& w) {
        git(w, {"config", "core.autocrlf", "true"});
        fs::remove(w / "a.txt");
        fs::remove(w / "README");
        git(w, {"checkout", "--", "a.txt", "README"});
      },
      [&](const fs::path& s) {
        write_file(s / "a.txt", "upstream\nline two\n");
        write_file(s / "README", "hello\nagain\n");
      },
      "");
  EXPECT_EQ(read_file(root() / "ws" / "w" / "a.txt"), "upstream\r\nline two\r\n");
}

// The user put a file of their own where a tracked directory was: git refuses to remove
// the directory's files "through" it, and mr must not delete the user's file.
TEST_F(UpdateVsGit, AUsersFileInPlaceOfATrackedDirectoryIsRefusedAndKept) {
  differential(
      [&](const fs::path& w) {
        fs::remove_all(w / "d");
        write_file(w / "d", "my precious notes\n");
      },
      [&](const fs::path& s) {
        git(s, {"rm", "-q", "d/x"});
      },
      "local changes would be overwritten by the update: d/x");
  EXPECT_EQ(read_file(root() / "ws" / "w" / "d"), "my precious notes\n");
}

// Paths the user deleted whose type upstream changes are written, as git writes them.
TEST_F(UpdateVsGit, TypeChangesOfPathsDeletedLocally) {
  differential(
      [&](const fs::path& w) {
        fs::remove(w / "a.txt");
        fs::remove(w / "f");
        fs::remove_all(w / "d");
      },
      [&](const fs::path& s) {
        fs::remove(s / "a.txt");
        fs::create_symlink("b.txt", s / "a.txt"); // file -> link
        git(s, {"rm", "-q", "f", "d/x"});
        write_file(s / "f/inside", "file -> directory\n");
        fs::create_symlink("README", s / "d"); // directory -> link
      },
      "");
}

} // namespace mr::test
