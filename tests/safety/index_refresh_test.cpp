// mr status refreshes stale stat data in the index as git status does, and never undoes
// what another process did to the index: a `git add` running beside it always lands, the
// extensions git keeps there (the untracked cache) survive, and a kill while mr holds
// index.lock leaves the index as it was.
#include <ctime>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "git/index_file.hpp"
#include "pause_point.hpp"

namespace mr::test {
namespace {

class IndexRefresh : public CliTest {
protected:
  fs::path repo() {
    const auto r = make_repo(root() / "ws" / "r", /*remote=*/false);
    write_file(r / "tracked.txt", "tracked\n");
    write_file(r / "dir/other.txt", "other\n");
    git(r, {"add", "."});
    git(r, {"commit", "-q", "-m", "files"});
    write_file(registry(), "[repos.\"" + r.string() + "\"]\n");
    return r;
  }

  // The file's mtime a while ago, so that it is old on every clock: a stale entry that mr
  // may refresh.
  void make_stale(const fs::path& file) {
    ASSERT_EQ(std::system(("touch -d '1 hour ago' '" + file.string() + "'").c_str()), 0);
  }

  // "mtime: S:N" as `git ls-files --debug` reports the entry of `path`.
  std::string index_mtime(const fs::path& r, const std::string& path) {
    const auto lines = lines_of(git(r, {"ls-files", "--debug", "--", path}));
    return lines.size() > 2 ? lines[2] : "<no entry>";
  }
  static std::string file_mtime(const fs::path& file) {
    struct stat st {};
    ::lstat(file.c_str(), &st);
    return "  mtime: " + std::to_string(st.st_mtim.tv_sec) + ":" +
           std::to_string(st.st_mtim.tv_nsec);
  }

  git::IndexFile read_index(const fs::path& r) {
    auto index = git::IndexFile::read(r / ".git/index");
    EXPECT_TRUE(index.has_value());
    return index ? std::move(*index) : git::IndexFile{};
  }

  RunResult status(const fs::path& r) { return mr({"status"}, r); }

  // mr status shows tracked.txt changed and writes the index (dir/other.txt's stat data
  // refreshed) with tracked.txt's entry smudged (size 0), so git still reads the file.
  void expect_shown_written_and_smudged(const fs::path& r) {
    const auto st = status(r);
    EXPECT_EQ(st.exit_code, 0);
    EXPECT_NE(st.out.find(" M tracked.txt"), std::string::npos) << st.out;
    EXPECT_EQ(index_mtime(r, "dir/other.txt"), file_mtime(r / "dir/other.txt")) << "written";
    const auto debug = lines_of(git(r, {"ls-files", "--debug", "--", "tracked.txt"}));
    ASSERT_GE(debug.size(), 6U);
    EXPECT_EQ(debug[5].substr(0, 10), "  size: 0\t") << "smudged";
    EXPECT_EQ(git(r, {"status", "--porcelain"}), " M tracked.txt\n");
  }

  void expect_healthy(const fs::path& r) {
    const auto fsck = git_result(r, {"fsck", "--no-progress"});
    EXPECT_EQ(fsck.exit_code, 0) << fsck.err;
    const auto st = git_result(r, {"status", "--porcelain"});
    EXPECT_EQ(st.exit_code, 0) << st.err;
  }
};

} // namespace

TEST_F(IndexRefresh, StaleStatDataIsWrittenBackOnceAndNotAgain) {
  const auto r = repo();
  make_stale(r / "tracked.txt");
  // The other files too: written in the second of the index, they would be racy (whole
  // seconds, as git counts), smudged by the first write and refreshed by the second.
  make_stale(r / "README");
  make_stale(r / "dir/other.txt");
  EXPECT_NE(index_mtime(r, "tracked.txt"), file_mtime(r / "tracked.txt"));
  const auto first = status(r);
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out.find("tracked.txt"), std::string::npos) << first.out;
  // Refreshed: the next status finds the stat data matching and hashes nothing.
  EXPECT_EQ(index_mtime(r, "tracked.txt"), file_mtime(r / "tracked.txt"));
  const auto before = read_file(r / ".git/index");
  struct stat st_before {};
  ::stat((r / ".git/index").c_str(), &st_before);
  EXPECT_EQ(status(r).exit_code, 0);
  struct stat st_after {};
  ::stat((r / ".git/index").c_str(), &st_after);
  EXPECT_EQ(st_after.st_ino, st_before.st_ino) << "nothing left to refresh: not rewritten";
  EXPECT_EQ(read_file(r / ".git/index"), before);
  expect_healthy(r);
}

TEST_F(IndexRefresh, TheUntrackedCacheSurvivesARefresh) {
  const auto r = repo();
  git(r, {"config", "core.untrackedCache", "true"});
  write_file(r / "untracked.txt", "u\n");
  git(r, {"status", "--porcelain"});
  const auto before = read_index(r);
  const auto* untr = before.extension("UNTR");
  ASSERT_NE(untr, nullptr) << "git wrote no untracked cache";
  const std::string cache(before.data(*untr));
  make_stale(r / "tracked.txt");
  EXPECT_EQ(status(r).exit_code, 0);
  EXPECT_EQ(index_mtime(r, "tracked.txt"), file_mtime(r / "tracked.txt")) << "refreshed";
  const auto after = read_index(r);
  ASSERT_NE(after.extension("UNTR"), nullptr);
  EXPECT_EQ(after.data(*after.extension("UNTR")), cache);
  EXPECT_EQ(after.extensions().size(), before.extensions().size());
  expect_healthy(r);
}

// 100 files staged one by one by git while mr status runs again and again: every one of
// them is still staged at the end. Each git add also makes a tracked file stale, so that
// every status has something to write back.
TEST_F(IndexRefresh, AGitAddLoopBesideAStatusLoopLosesNothing) {
  const auto r = repo();
  for (int i = 1; i <= 100; ++i) {
    write_file(r / ("f" + std::to_string(i)), "file " + std::to_string(i) + "\n");
  }
  RunOptions options;
  options.cwd = r;
  options.env = env_for(r);
  // git add fails while mr holds index.lock, as beside git status: it is retried.
  const int adder =
      spawn({"sh", "-c",
             "for i in $(seq 1 100); do n=0; touch -d '1 hour ago' tracked.txt; "
             "until git add f$i 2>/dev/null; do n=$((n+1)); [ $n -lt 1000 ] || exit 1; done; done"},
            options);
  int runs = 0;
  int failed = 0;
  std::string errors;
  int exit_status = 0;
  while (::waitpid(adder, &exit_status, WNOHANG) == 0 && runs < 2000) {
    const auto st = status(r);
    if (st.exit_code != 0) {
      ++failed;
      errors = st.err;
    }
    ++runs;
  }
  ASSERT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0);
  EXPECT_GT(runs, 1);
  const auto staged = lines_of(git(r, {"diff", "--cached", "--name-only"}));
  EXPECT_EQ(staged.size(), 100U) << runs << " status runs";
  EXPECT_EQ(failed, 0) << errors;
  expect_healthy(r);
}

TEST_F(IndexRefresh, AGitAddBetweenReadingAndWritingSurvives) {
  const auto r = repo();
  make_stale(r / "tracked.txt");
  write_file(r / "new.txt", "new\n");
  RunOptions options;
  options.cwd = r;
  options.env = env_for(r);
  PausedRun run({mr_binary().string(), "status"}, options, "status.before_refresh",
                root() / "scratch");
  ASSERT_TRUE(run.wait_paused());
  git(r, {"add", "new.txt"});
  const auto result = run.resume();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("?? new.txt"), std::string::npos) << "read before the add";
  EXPECT_EQ(git(r, {"diff", "--cached", "--name-only"}), "new.txt\n");
  expect_healthy(r);
}

TEST_F(IndexRefresh, KilledWhileHoldingTheLockTheIndexIsIntact) {
  const auto r = repo();
  make_stale(r / "tracked.txt");
  const auto before = read_file(r / ".git/index");
  RunOptions options;
  options.cwd = r;
  options.env = env_for(r);
  PausedRun run({mr_binary().string(), "status"}, options, "status.refresh_locked",
                root() / "scratch");
  ASSERT_TRUE(run.wait_paused());
  // As beside git, a git add fails while the lock is held.
  write_file(r / "new.txt", "new\n");
  EXPECT_NE(git_result(r, {"add", "new.txt"}).exit_code, 0);
  run.kill9();
  EXPECT_EQ(read_file(r / ".git/index"), before);
  EXPECT_TRUE(fs::exists(r / ".git/index.lock")) << "a stale lock stays, as git leaves one";
  expect_healthy(r);
  // And mr status works beside it, as git status does.
  const auto again = status(r);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_file(r / ".git/index"), before);
}

// A file changed in the very tick its entry was recorded, to the same size and mtime: only
// its racy timestamp tells git to look at the content. When mr writes the index that
// entry would stop being racy, so it is smudged (size 0), as git does.
TEST_F(IndexRefresh, ARacilyCleanModifiedEntryIsSmudgedWhenTheIndexIsWritten) {
  const auto r = repo();
  git(r, {"config", "core.trustctime", "false"});
  make_stale(r / "dir/other.txt");            // something to refresh: the index gets written
  write_file(r / "tracked.txt", "TRACKED\n"); // same size
  // Back to the recorded mtime; the index file no older than it: racily clean.
  const auto recorded = index_mtime(r, "tracked.txt").substr(9); // "S:N"
  const auto sec = recorded.substr(0, recorded.find(':'));
  const auto nsec = recorded.substr(recorded.find(':') + 1);
  std::string frac = std::string(9 - nsec.size(), '0') + nsec;
  ASSERT_EQ(std::system(("touch -d '@" + sec + "." + frac + "' '" + (r / "tracked.txt").string() +
                         "' && touch -d '@" + sec + "." + frac + "' '" +
                         (r / ".git/index").string() + "'")
                            .c_str()),
            0);
  EXPECT_EQ(git(r, {"status", "--porcelain"}), " M tracked.txt\n");
  expect_shown_written_and_smudged(r);
}

// The same with the entry a few hundred milliseconds older than the index, in the same
// second: git (built without nanosecond timestamps, as Debian's) still takes it as racy
// and reads the file, so writing an index in which it is neither racy nor smudged would
// hide the change from git (a hostile test found `git status` and `git commit -a` missing
// it). Raciness is decided in whole seconds.
TEST_F(IndexRefresh, AnEntryRacyOnlyByTheSecondIsSmudgedToo) {
  const auto r = repo();
  const auto s = std::to_string(std::time(nullptr) - 100);
  const auto at = [&](const std::string& when, const fs::path& f) {
    ASSERT_EQ(std::system(("touch -d '@" + s + when + "' '" + f.string() + "'").c_str()), 0);
  };
  at(".100000000", r / "tracked.txt");
  git(r, {"update-index", "-q", "--really-refresh"}); // records S.1
  make_stale(r / "dir/other.txt");
  write_file(r / "tracked.txt", "TRACKED\n"); // same size, same mtime as recorded
  at(".100000000", r / "tracked.txt");
  at(".900000000", r / ".git/index");
  expect_shown_written_and_smudged(r);
}

TEST_F(IndexRefresh, AFileNewerThanTheRunIsNotRefreshed) {
  const auto r = repo();
  ASSERT_EQ(std::system(("touch -d '+1 hour' '" + (r / "tracked.txt").string() + "'").c_str()), 0);
  const auto before = index_mtime(r, "tracked.txt");
  EXPECT_EQ(status(r).exit_code, 0);
  EXPECT_EQ(index_mtime(r, "tracked.txt"), before);
}

TEST_F(IndexRefresh, Version4AndIntentToAddIndexesAreRefreshedAndStayValid) {
  const auto r = repo();
  write_file(r / "later.txt", "later\n");
  git(r, {"add", "-N", "later.txt"});
  git(r, {"update-index", "--index-version", "4"});
  make_stale(r / "tracked.txt");
  make_stale(r / "dir/other.txt");
  const auto expected = git(r, {"status", "--porcelain"});
  EXPECT_EQ(status(r).exit_code, 0);
  EXPECT_EQ(index_mtime(r, "dir/other.txt"), file_mtime(r / "dir/other.txt"));
  EXPECT_EQ(read_index(r).version(), 4U);
  EXPECT_EQ(git(r, {"status", "--porcelain"}), expected);
  EXPECT_EQ(git(r, {"ls-files", "--stage", "later.txt"}).substr(0, 7), "100644 ");
  expect_healthy(r);
}

TEST_F(IndexRefresh, ASplitIndexIsNeverWritten) {
  const auto r = repo();
  git(r, {"update-index", "--split-index"});
  make_stale(r / "tracked.txt");
  // libgit2 1.5 cannot read a split index, so mr hands the repository to git status, which
  // refreshes the index itself as git does: still split (libgit2, or mr's own refresh,
  // would have dropped the extension).
  const auto st = mr({"status"}, r);
  EXPECT_EQ(st.exit_code, 0) << st.out << st.err;
  EXPECT_NE(read_file(r / ".git/index").find("link"), std::string::npos);
  expect_healthy(r);
}

// A linked worktree has its own index (and index.lock) in its own git directory.
TEST_F(IndexRefresh, ALinkedWorktreesOwnIndexIsRefreshed) {
  const auto r = repo();
  const auto linked = root() / "ws" / "linked";
  git(r, {"worktree", "add", "-q", "-b", "other", linked.string()});
  write_file(registry(), "[repos.\"" + linked.string() + "\"]\n");
  make_stale(linked / "tracked.txt");
  const auto main_index = read_file(r / ".git/index");
  // A lock of the main worktree's is no reason not to refresh the linked one's.
  write_file(r / ".git/index.lock", "");
  const auto st = status(linked);
  EXPECT_EQ(st.exit_code, 0) << st.err;
  EXPECT_EQ(index_mtime(linked, "tracked.txt"), file_mtime(linked / "tracked.txt"));
  EXPECT_EQ(read_file(r / ".git/index"), main_index);
  // And its own lock only skips the refresh, as in the main worktree.
  fs::remove(r / ".git/index.lock");
  make_stale(linked / "dir/other.txt");
  write_file(r / ".git/worktrees/linked/index.lock", "");
  const auto before = read_file(r / ".git/worktrees/linked/index");
  const auto locked = status(linked);
  EXPECT_EQ(locked.exit_code, 0) << locked.err;
  EXPECT_EQ(read_file(r / ".git/worktrees/linked/index"), before);
}

// A symlink is refreshed from its own stat data (never its target's) and its target text.
TEST_F(IndexRefresh, ASymlinkIsRefreshedByItsTarget) {
  const auto r = repo();
  fs::create_symlink("tracked.txt", r / "link");
  git(r, {"add", "link"});
  git(r, {"commit", "-q", "-m", "link"});
  ASSERT_EQ(std::system(("touch -h -d '1 hour ago' '" + (r / "link").string() + "'").c_str()), 0);
  EXPECT_EQ(status(r).exit_code, 0);
  EXPECT_EQ(index_mtime(r, "link"), file_mtime(r / "link"));
  EXPECT_EQ(git(r, {"status", "--porcelain"}), "");
}

} // namespace mr::test
