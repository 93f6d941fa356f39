// An update killed at any step, or stopped by a full disk, is visible (mr status, mr
// summary) and the next mr update finishes it: the result is what git pull --ff-only
// gives on a copy of the repository, nothing staged or committed is lost, no lock is
// left. What changed since the interruption is refused, naming the commands that finish.
#include <cerrno>
#include <cstring>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <gtest/gtest.h>

#include "pause_point.hpp"
#include "update_support.hpp"

namespace mr::test {
namespace {

class UpdateInterrupted : public UpdateTest {
protected:
  // A working copy with local work the update must keep (a staged change, an unstaged
  // one, an untracked file), its copy for git, and an upstream change of several files.
  void prepare() {
    w = clone_of_upstream("w");
    write_file(w / "README", "my staged edit\n");
    git(w, {"add", "README"});
    write_file(w / "b.txt", "my unstaged edit\n");
    write_file(w / "notes.txt", "untracked\n");
    copy = root() / "copy";
    ASSERT_EQ(std::system(("cp -a '" + w.string() + "' '" + copy.string() + "'").c_str()), 0);
    write_file(seed() / "a.txt", "a, changed upstream\n");
    write_file(seed() / "d/x", "x, changed upstream\n");
    write_file(seed() / "new.txt", "new upstream\n");
    write_file(seed() / "script.sh", "#!/bin/sh\necho changed\n");
    fs::remove(seed() / "f");
    upstream_head = push_seed();
  }

  // mr update stopped for good at `point`.
  void kill_at(const std::string& point) {
    PausedRun run({mr_binary().string(), "update"}, in(w), point, root() / "scratch");
    ASSERT_TRUE(run.wait_paused()) << point;
    run.kill9();
  }

  void expect_reported_interrupted(const std::string& branch = "main") {
    const auto st = mr({"status"}, w);
    EXPECT_EQ(st.exit_code, 0) << st.err;
    EXPECT_NE(st.out.find("mr update was interrupted here (" + branch + ": "), std::string::npos)
        << st.out;
    const auto summary = mr({"--json", "summary"}, w);
    EXPECT_NE(summary.out.find("\"state\":\"update\""), std::string::npos) << summary.out;
    const auto text = mr({"summary"}, w);
    EXPECT_NE(text.out.find("UPDATE INTERRUPTED"), std::string::npos) << text.out;
  }

  // The next update finishes it: git's result, nothing left behind.
  void expect_finished() {
    const auto r = mr({"update"}, w);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("Finishing the interrupted update of main ("), std::string::npos) << r.out;
    const auto by_git = git_result(copy, {"pull", "-q", "--ff-only"});
    ASSERT_EQ(by_git.exit_code, 0) << by_git.err;
    EXPECT_EQ(snapshot(w), snapshot(copy));
    EXPECT_EQ(rev(w, "HEAD"), upstream_head);
    EXPECT_EQ(git(w, {"diff", "--cached", "--name-only"}), "README\n") << "the staged edit";
    EXPECT_EQ(git(w, {"show", ":README"}), "my staged edit\n");
    expect_no_leftovers(w);
    const auto st = mr({"status"}, w);
    EXPECT_EQ(st.out.find("interrupted"), std::string::npos) << st.out;
  }

  // The next update starts afresh, as nothing had changed: git's result, nothing left.
  void expect_updated_afresh() {
    const auto r = mr({"update"}, w);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out.find("Finishing"), std::string::npos) << r.out;
    const auto by_git = git_result(copy, {"pull", "-q", "--ff-only"});
    ASSERT_EQ(by_git.exit_code, 0) << by_git.err;
    EXPECT_EQ(snapshot(w), snapshot(copy));
    expect_no_leftovers(w);
  }

  fs::path w;
  fs::path copy;
  std::string upstream_head;
};

} // namespace

TEST_F(UpdateInterrupted, KilledAfterWritingTheNote) {
  prepare();
  kill_at("update.after_note");
  EXPECT_TRUE(fs::exists(w / ".git/index.lock")) << "the killed mr's lock, taken over later";
  expect_reported_interrupted();
  expect_finished();
}

TEST_F(UpdateInterrupted, KilledInTheMiddleOfTheCheckout) {
  prepare();
  kill_at("update.mid_checkout");
  expect_reported_interrupted();
  expect_finished();
}

TEST_F(UpdateInterrupted, KilledAfterWritingTheIndex) {
  prepare();
  kill_at("update.after_index");
  expect_reported_interrupted();
  expect_finished();
}

TEST_F(UpdateInterrupted, KilledBeforeMovingTheBranch) {
  prepare();
  kill_at("update.before_ref");
  EXPECT_FALSE(fs::exists(w / ".git/index.lock"));
  expect_reported_interrupted();
  expect_finished();
}

// Someone else's index.lock is never taken over, even with an interrupted update here.
TEST_F(UpdateInterrupted, AnotherProcesssLockIsNotTakenOver) {
  prepare();
  kill_at("update.mid_checkout");
  fs::remove(w / ".git/index.lock");
  write_file(w / ".git/index.lock", ""); // a git process of the user's, say
  const auto r = mr({"update"}, w);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("index.lock exists"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("an interrupted mr update waits to be finished here"), std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::exists(w / ".git/index.lock"));
  fs::remove(w / ".git/index.lock");
  expect_finished();
}

// A file the update was writing, edited by hand since: refused, naming the file and the
// commands that finish the update; those commands do.
TEST_F(UpdateInterrupted, AFileChangedSinceIsRefusedWithTheCommandsThatFinish) {
  prepare();
  kill_at("update.mid_checkout");
  write_file(w / "new.txt", "written by hand after the interruption\n");
  const auto r = mr({"update"}, w);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const std::string finish = "git checkout " + upstream_head.substr(0, 12) + " -- 'new.txt'";
  EXPECT_NE(r.err.find("new.txt changed since it stopped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("finish it with: " + finish + " && mr update"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(w / "new.txt"), "written by hand after the interruption\n");
  EXPECT_FALSE(fs::exists(w / ".git/index.lock")) << "released, so that git can run";
  expect_reported_interrupted();
  const auto done = run({"sh", "-c", finish}, in(w));
  ASSERT_EQ(done.exit_code, 0) << done.err;
  expect_finished();
}

// A full disk (here: a file size limit) stops the checkout half-way through a file.
TEST_F(UpdateInterrupted, AFullDiskStopsItAndTheNextUpdateFinishes) {
  prepare();
  // A file larger than the limit, between small ones.
  std::string big(300 * 1024, 'x');
  write_file(seed() / "big.bin", big);
  write_file(seed() / "z.txt", "last\n");
  upstream_head = push_seed("more upstream");
  git_result(copy, {"fetch", "-q"}); // the copy stays where w is; git pulls it below
  auto options = in(w);
  const auto r =
      run({"sh", "-c", "trap '' XFSZ; ulimit -f 100; exec '" + mr_binary().string() + "' update"},
          options);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("the update stopped half-way: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mr update finishes it once that is fixed"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(w / ".git/index.lock")) << "no lock left to block git";
  EXPECT_LT(fs::file_size(w / "big.bin"), big.size()) << "cut short";
  expect_reported_interrupted();
  expect_finished();
  EXPECT_TRUE(read_file(w / "big.bin") == big) << "big.bin differs";
}

// A real full disk: the repository on a small tmpfs that the checkout fills up.
TEST_F(UpdateInterrupted, ARealFullDiskStopsItAndTheNextUpdateFinishes) {
  const auto small = root() / "small";
  fs::create_directories(small);
  if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=2m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                 << "): the file size limit test covers a full disk";
  }
  struct Unmount {
    fs::path dir;
    ~Unmount() { ::umount2(dir.c_str(), MNT_DETACH); }
  } unmount{small};
  w = small / "w";
  git(root(), {"clone", "-q", (root() / "srv" / "up.git").string(), w.string()});
  write_file(registry(), "[repos.\"" + w.string() + "\"]\n");
  write_file(w / "README", "my staged edit\n");
  git(w, {"add", "README"});
  copy = root() / "copy";
  ASSERT_EQ(std::system(("cp -a '" + w.string() + "' '" + copy.string() + "'").c_str()), 0);
  // 600 KB that does not compress, between small changes.
  std::string big(600 * 1024, '\0');
  unsigned x = 12345;
  for (auto& c : big) {
    x = x * 1103515245 + 12345;
    c = static_cast<char>(x >> 16);
  }
  write_file(seed() / "a.txt", "a, changed upstream\n");
  write_file(seed() / "big.bin", big);
  write_file(seed() / "z.txt", "last\n");
  upstream_head = push_seed();
  // Room for the fetched pack, not for the checkout too.
  struct statvfs vfs {};
  ASSERT_EQ(::statvfs(small.c_str(), &vfs), 0);
  const auto free_bytes =
      static_cast<long long>(vfs.f_bavail) * static_cast<long long>(vfs.f_frsize);
  const long long keep = static_cast<long long>(big.size()) + 300 * 1024;
  ASSERT_GT(free_bytes, keep);
  write_file(small / "filler", std::string(static_cast<std::size_t>(free_bytes - keep), 'f'));

  const auto r = mr({"update"}, w);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("the update stopped half-way: "), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(w / ".git/index.lock"));
  EXPECT_LT(fs::file_size(w / "big.bin"), big.size()) << "cut short";
  expect_reported_interrupted();
  fs::remove(small / "filler");
  expect_finished();
  EXPECT_TRUE(read_file(w / "big.bin") == big) << "big.bin differs";
}

// In a linked worktree the note and the lock live in the worktree's own git directory.
TEST_F(UpdateInterrupted, InALinkedWorktree) {
  const auto main_copy = clone_of_upstream("main");
  const auto linked = root() / "ws" / "linked";
  git(main_copy,
      {"worktree", "add", "-q", "--track", "-b", "feature", linked.string(), "origin/main"});
  write_file(registry(), "[repos.\"" + linked.string() + "\"]\n");
  write_file(seed() / "a.txt", "a, changed upstream\n");
  write_file(seed() / "d/x", "x, changed upstream\n");
  write_file(seed() / "z.txt", "new\n");
  upstream_head = push_seed();
  const auto main_head = rev(main_copy, "HEAD");
  w = linked;
  kill_at("update.mid_checkout");
  const auto gitdir = main_copy / ".git/worktrees/linked";
  EXPECT_TRUE(fs::exists(gitdir / "mr-update"));
  EXPECT_FALSE(fs::exists(main_copy / ".git/mr-update"));
  expect_reported_interrupted("feature");
  const auto r = mr({"update"}, linked);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rev(linked, "HEAD"), upstream_head);
  EXPECT_EQ(git(linked, {"status", "--porcelain"}), "");
  EXPECT_EQ(rev(main_copy, "HEAD"), main_head) << "main's branch untouched";
  EXPECT_FALSE(fs::exists(gitdir / "mr-update"));
  EXPECT_FALSE(fs::exists(gitdir / "index.lock"));
  EXPECT_EQ(read_file(linked / "a.txt"), "a, changed upstream\n");
}

// While an update runs, status says so, and a second update of the same repository
// (another mr run) waits for nothing: it fails at once.
TEST_F(UpdateInterrupted, ASecondUpdateOfTheSameRepositoryFailsAtOnce) {
  prepare();
  PausedRun run({mr_binary().string(), "update"}, in(w), "update.after_note", root() / "scratch");
  ASSERT_TRUE(run.wait_paused());
  const auto st = mr({"status"}, w);
  EXPECT_NE(st.out.find("mr update is running here (pid " + std::to_string(run.pid()) + ")"),
            std::string::npos)
      << st.out;
  const auto second = mr({"update"}, w);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("another mr update is running in this repository"), std::string::npos)
      << second.err;
  const auto first = run.resume();
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  const auto by_git = git_result(copy, {"pull", "-q", "--ff-only"});
  ASSERT_EQ(by_git.exit_code, 0) << by_git.err;
  EXPECT_EQ(snapshot(w), snapshot(copy));
  expect_no_leftovers(w);
}

// A file saved by hand after mr checked it, before mr replaces it: kept, and the update
// refused with nothing changed.
TEST_F(UpdateInterrupted, AFileSavedDuringTheUpdateIsKept) {
  prepare();
  const auto before = snapshot(w);
  PausedRun run({mr_binary().string(), "update"}, in(w), "update.after_note", root() / "scratch");
  ASSERT_TRUE(run.wait_paused());
  write_file(w / "a.txt", "saved meanwhile\n");
  const auto r = run.resume();
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("local changes would be overwritten by the update: a.txt (changed while "
                       "mr was updating"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(read_file(w / "a.txt"), "saved meanwhile\n");
  EXPECT_EQ(rev(w, "HEAD"), before.head);
  EXPECT_EQ(git(w, {"ls-files", "--stage"}), before.index);
  expect_no_leftovers(w);
}

// The user moved on by hand (reset and committed) after the interruption: the update is
// not finished over their work; they are told how to drop the note.
TEST_F(UpdateInterrupted, ABranchMovedSinceIsLeftAlone) {
  prepare();
  kill_at("update.after_index");
  fs::remove(w / ".git/index.lock");
  git(w, {"reset", "-q", "--hard", "HEAD"});
  git(w, {"commit", "-q", "--allow-empty", "-m", "mine"});
  const auto mine = rev(w, "HEAD");
  const auto r = mr({"update"}, w);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("main has moved to " + mine.substr(0, 7) +
                       " since; if the work tree is "
                       "as you want it: rm " +
                       (w / ".git/mr-update").string()),
            std::string::npos)
      << r.err;
  EXPECT_EQ(rev(w, "HEAD"), mine);
  EXPECT_FALSE(fs::exists(w / ".git/index.lock"));
  fs::remove(w / ".git/mr-update");
  const auto again = mr({"update"}, w);
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_NE(again.err.find(w.string() + ": origin/main diverged: ahead 1, behind 1"),
            std::string::npos)
      << again.err;
  expect_no_leftovers(w);
}

// A commit that lands after the update read the branch and before it took index.lock: the
// update must not apply upstream's changes over it (it would stage them on top of the
// user's commit and fail to move the branch). Nothing changes; the next update reports the
// divergence.
TEST_F(UpdateInterrupted, ACommitJustBeforeTheLockIsLeftAlone) {
  prepare();
  PausedRun run({mr_binary().string(), "update"}, in(w), "index_lock.announced",
                root() / "scratch");
  ASSERT_TRUE(run.wait_paused());
  git(w, {"commit", "-q", "-m", "mine"}); // commits the staged README
  const auto mine = rev(w, "HEAD");
  const auto before = snapshot(w);
  const auto r = run.resume();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find(w.string() + ": main moved while mr was updating; nothing was changed"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(rev(w, "HEAD"), mine);
  EXPECT_EQ(snapshot(w), before);
  EXPECT_EQ(read_file(w / "b.txt"), "my unstaged edit\n");
  expect_no_leftovers(w);
  const auto again = mr({"update"}, w);
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_NE(again.err.find("origin/main diverged: ahead 1, behind 1"), std::string::npos)
      << again.err;
  EXPECT_EQ(rev(w, "HEAD"), mine);
}

TEST_F(UpdateInterrupted, ADamagedNoteIsNamed) {
  prepare();
  write_file(w / ".git/mr-update", "not a note\n");
  const auto r = mr({"update"}, w);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find((w / ".git/mr-update").string() +
                       ": unexpected line 'not a note' (left "
                       "by an interrupted mr update; check git status, then remove it)"),
            std::string::npos)
      << r.err;
  const auto st = mr({"status"}, w);
  EXPECT_EQ(st.exit_code, 0);
  EXPECT_NE(st.out.find("warning: " + (w / ".git/mr-update").string()), std::string::npos)
      << st.out;
}

// A stop half-way leaves every file the update changes old or new, never missing: a
// `git commit -a` there must not commit deletions. Here the third of thirty files is
// larger than the file size limit.
TEST_F(UpdateInterrupted, AStoppedUpdateLeavesNoChangedFileMissing) {
  prepare();
  std::vector<std::string> names;
  for (int i = 0; i < 30; ++i) {
    names.push_back("many/f" + std::to_string(10 + i));
    write_file(seed() / names.back(), "old " + names.back() + "\n");
  }
  push_seed("thirty files");
  git(w, {"pull", "-q", "--ff-only"});
  git(copy, {"pull", "-q", "--ff-only"});
  for (std::size_t i = 0; i < names.size(); ++i) {
    write_file(seed() / names[i], std::string(i == 2 ? 300 * 1024 : 10, 'n'));
  }
  upstream_head = push_seed("thirty changed");
  const auto r =
      run({"sh", "-c", "trap '' XFSZ; ulimit -f 100; exec '" + mr_binary().string() + "' update"},
          in(w));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("the update stopped half-way: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(names[2]), std::string::npos) << r.err;
  for (const auto& name : names) {
    ASSERT_TRUE(fs::exists(w / name)) << name << " is missing";
    const auto now = read_file(w / name);
    EXPECT_TRUE(now == "old " + name + "\n" || now == std::string(10, 'n')) << name;
  }
  EXPECT_EQ(git(w, {"diff", "--name-only", "--diff-filter=D"}), "");
  expect_reported_interrupted();
  expect_finished();
}

// A file replaced by the update is a new file: a hard link to the old one elsewhere keeps
// the old content, as with git.
TEST_F(UpdateInterrupted, AReplacedFileIsANewFile) {
  prepare();
  fs::create_hard_link(w / "a.txt", root() / "a-link");
  const auto r = mr({"update"}, w);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_file(w / "a.txt"), "a, changed upstream\n");
  EXPECT_EQ(read_file(root() / "a-link"), "a\n");
}

// Killed before a directory that becomes a file was removed: the directory holds only
// what the update removes, which is the old state, and the next update finishes.
TEST_F(UpdateInterrupted, KilledBeforeADirectoryBecameAFile) {
  prepare();
  git(seed(), {"rm", "-q", "d/x"});
  write_file(seed() / "d", "now a file\n");
  upstream_head = push_seed("d becomes a file");
  kill_at("update.mid_checkout");
  EXPECT_TRUE(fs::is_directory(w / "d"));
  expect_reported_interrupted();
  expect_finished();
  EXPECT_EQ(read_file(w / "d"), "now a file\n");
}

// Killed while it planned (index.lock held, nothing changed yet): status says so, and the
// next update removes that lock and updates as if nothing had happened.
TEST_F(UpdateInterrupted, KilledWhilePlanning) {
  prepare();
  kill_at("update.planning");
  EXPECT_TRUE(fs::exists(w / ".git/index.lock"));
  const auto st = mr({"status"}, w);
  EXPECT_NE(st.out.find("before it changed anything; mr update removes the index.lock it left"),
            std::string::npos)
      << st.out;
  expect_updated_afresh();
}

// The same with a local change the update must refuse: refused as always, never offered
// as an interrupted update to finish with git checkout (that would discard it).
TEST_F(UpdateInterrupted, KilledWhilePlanningKeepsRefusingLocalChanges) {
  prepare();
  write_file(w / "a.txt", "my local edit\n");
  kill_at("update.planning");
  const auto r = mr({"update"}, w);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("local changes would be overwritten by the update: a.txt"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("git checkout"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(w / "a.txt"), "my local edit\n");
  expect_no_leftovers(w);
}

// The lock is named in the note before it is index.lock: killed just before or just after
// it became index.lock, the next update removes what was left and updates; no moment
// leaves a lock that only a human can remove.
TEST_F(UpdateInterrupted, KilledJustBeforeTakingTheLock) {
  prepare();
  kill_at("index_lock.announced");
  EXPECT_FALSE(fs::exists(w / ".git/index.lock"));
  EXPECT_EQ(git_result(w, {"add", "notes.txt"}).exit_code, 0) << "git is not kept out";
  git(w, {"reset", "-q", "notes.txt"});
  expect_updated_afresh();
}

TEST_F(UpdateInterrupted, KilledJustAfterTakingTheLock) {
  prepare();
  kill_at("index_lock.linked");
  EXPECT_TRUE(fs::exists(w / ".git/index.lock"));
  expect_updated_afresh();
}

// The same while finishing an interrupted update: the note names the new lock before it
// is taken, so a second kill is recovered from as the first was.
TEST_F(UpdateInterrupted, KilledAgainJustAfterTakingOverTheLock) {
  prepare();
  kill_at("update.after_note");
  kill_at("index_lock.linked");
  EXPECT_TRUE(fs::exists(w / ".git/index.lock"));
  expect_reported_interrupted();
  expect_finished();
}

TEST_F(UpdateInterrupted, KilledAgainJustBeforeTakingOverTheLock) {
  prepare();
  kill_at("update.after_note");
  kill_at("index_lock.announced");
  expect_reported_interrupted();
  expect_finished();
}

// Killed while libgit2 held the branch's lock (refs/heads/main.lock, which it writes the
// new commit into and renames over the branch): the next update removes that lock, which
// the dead process left, and finishes.
TEST_F(UpdateInterrupted, KilledWhileMovingTheBranch) {
  prepare();
  {
    PausedRun run({mr_binary().string(), "update"}, in(w), "update.moving_branch",
                  root() / "scratch");
    ASSERT_TRUE(run.wait_paused());
    write_file(w / ".git/refs/heads/main.lock", upstream_head + "\n"); // as libgit2 would
    run.kill9();
  }
  expect_reported_interrupted();
  expect_finished();
  EXPECT_FALSE(fs::exists(w / ".git/refs/heads/main.lock"));
  for (const auto& e : fs::directory_iterator(w / ".git")) {
    EXPECT_NE(e.path().filename().string().rfind("mr-refs-", 0), 0U) << e.path();
  }
}

} // namespace mr::test
