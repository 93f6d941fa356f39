// No process mr started outlives it, however mr ends: a `kill -9` of mr takes with it not
// only the commands it ran (they have a death signal) but also what those started in their
// process group (`sh -c 'sleep & sleep'`), at any -j. Processes that left the group on
// purpose (setsid) are the exception, as documented. They are cancelled as a Ctrl-C cancels
// them, SIGTERM first: git removes its index.lock, a command's `trap` runs.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "cli_fixture.hpp"

namespace mr::test {
namespace {

using namespace std::chrono_literals;

// /proc/PID/NAME (its first 4 KiB); empty once the process is gone. read(2): the process
// may end while it is read (ESRCH), which streams would throw.
std::string proc_file(int pid, const char* name) {
  std::string text(4096, '\0');
  const int fd = ::open(("/proc/" + std::to_string(pid) + "/" + name).c_str(), O_RDONLY);
  const ssize_t got = fd >= 0 ? ::read(fd, text.data(), text.size()) : -1;
  if (fd >= 0) {
    ::close(fd);
  }
  text.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return text;
}

// The command line of `pid`, words separated by spaces; empty once it is gone (or a zombie).
std::string command_line(int pid) {
  auto line = proc_file(pid, "cmdline");
  std::replace(line.begin(), line.end(), '\0', ' ');
  return line;
}

// Field `field` of /proc/PID/stat, a number (4: the parent, 5: the process group); 0 once
// it is gone. The command name (field 2) may hold spaces: counting starts after its ')'.
int stat_field(int pid, int field) {
  const auto stat = proc_file(pid, "stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos) {
    return 0;
  }
  std::istringstream rest(stat.substr(close + 1));
  std::string word;
  for (int at = 3; at <= field && rest >> word; ++at) {
  }
  return std::atoi(word.c_str());
}

// Every process now running, by pid.
std::vector<int> all_pids() {
  std::vector<int> pids;
  DIR* proc = ::opendir("/proc");
  while (const dirent* e = proc != nullptr ? ::readdir(proc) : nullptr) {
    if (const int pid = std::atoi(e->d_name); pid > 0) {
      pids.push_back(pid);
    }
  }
  if (proc != nullptr) {
    ::closedir(proc);
  }
  return pids;
}

// The pids of the processes whose command line holds `marker` (zombies have none).
std::vector<int> with_marker(const std::string& marker) {
  std::vector<int> found;
  for (const int pid : all_pids()) {
    if (pid != ::getpid() && command_line(pid).find(marker) != std::string::npos) {
      found.push_back(pid);
    }
  }
  return found;
}

// mr's watchdog: its child named "mr: watchdog"; 0 if there is none.
int watchdog_of(int mr_pid) {
  for (const int pid : all_pids()) {
    if (stat_field(pid, 4) == mr_pid && command_line(pid).rfind("mr: watchdog", 0) == 0) {
      return pid;
    }
  }
  return 0;
}

// The process group of `pid`, 0 once it is gone.
int group_of(int pid) {
  return stat_field(pid, 5);
}

// How many processes, zombies aside, are in process group `pgid`.
std::size_t members_of(int pgid) {
  const auto pids = all_pids();
  return static_cast<std::size_t>(std::count_if(pids.begin(), pids.end(), [&](int pid) {
    return group_of(pid) == pgid && !command_line(pid).empty();
  }));
}

// Waits (at most a minute: a bound, not a timing assertion) until `done` holds.
template <typename Done>
bool wait_until(Done done) {
  for (int i = 0; i < 600; ++i) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(100ms);
  }
  return done();
}

class Orphans : public CliTest {
protected:
  Orphans() {
    std::string entries;
    for (const char* name : {"a", "b", "c"}) {
      fs::create_directories(home() / "ws" / name);
      entries += "[repos.\"ws/" + std::string(name) + "\"]\n";
    }
    write_file(registry(), entries);
  }
  ~Orphans() override {
    for (const int pid : with_marker(m_marker)) {
      ::kill(pid, SIGKILL); // what a failed test left
    }
  }

  // A number no other test uses in a `sleep` argument: it names this test's processes.
  std::string marker() const { return m_marker; }

  // mr ARGS started, then killed with SIGKILL once `expected` sleeps run (counting the
  // sleeps themselves: a shell forked to start one has the marker in its arguments too).
  // Returns the process group of one of them.
  int kill_mr_when_running(const std::vector<std::string>& args, std::size_t expected) {
    std::vector<std::string> argv = {mr_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions o;
    o.cwd = home();
    o.env = env_for(home());
    const int pid = spawn(argv, o);
    const auto sleeps = [&] {
      const auto all = with_marker(m_marker);
      return std::count_if(all.begin(), all.end(),
                           [&](int p) { return command_line(p) == "sleep " + m_marker + " "; });
    };
    EXPECT_TRUE(wait_until([&] { return sleeps() >= static_cast<long>(expected); })) << sleeps();
    const auto all = with_marker(m_marker);
    const auto sleep = std::find_if(all.begin(), all.end(), [&](int p) {
      return command_line(p) == "sleep " + m_marker + " ";
    });
    const int group = sleep != all.end() ? group_of(*sleep) : 0;
    const int watchdog = watchdog_of(pid);
    ::kill(pid, SIGKILL);
    EXPECT_EQ(wait_for(pid), 128 + SIGKILL);
    // The watchdog that killed them does not stay either.
    EXPECT_NE(watchdog, 0);
    EXPECT_TRUE(wait_until([&] { return command_line(watchdog).rfind("mr: watchdog", 0) != 0; }));
    return group;
  }

private:
  std::string m_marker = std::to_string(700000 + ::getpid() % 100000);
};

// Each repository: the shell and two sleeps in its group, one of them in a nested shell.
std::vector<std::string> grandchildren(const std::string& marker) {
  return {"run", "sh", "-c",
          "sleep " + marker + " & sh -c 'sleep " + marker + "; true' & wait; true " + marker};
}

TEST_F(Orphans, KillingMrKillsWhatItsCommandsStartedOneJob) {
  auto args = grandchildren(marker());
  args.insert(args.begin(), "-j1");
  kill_mr_when_running(args, 2);
  EXPECT_TRUE(wait_until([&] { return with_marker(marker()).empty(); }))
      << with_marker(marker()).size() << " left";
}

TEST_F(Orphans, KillingMrKillsWhatItsCommandsStartedThreeJobs) {
  auto args = grandchildren(marker());
  args.insert(args.begin(), "-j3");
  kill_mr_when_running(args, 6);
  EXPECT_TRUE(wait_until([&] { return with_marker(marker()).empty(); }))
      << with_marker(marker()).size() << " left";
}

// setsid: the process left the command's group on purpose and is not mr's to kill.
TEST_F(Orphans, AProcessThatLeftTheGroupIsLeftRunning) {
  kill_mr_when_running(
      {"-j1", "run", "sh", "-c", "setsid sleep " + marker() + " & sleep " + marker() + "; wait"},
      2);
  EXPECT_TRUE(wait_until([&] { return with_marker(marker()).size() == 1; }))
      << with_marker(marker()).size() << " left";
  EXPECT_EQ(with_marker(marker()).size(), 1u);
}

// git commit waiting on a slow pre-commit hook holds .git/index.lock: mr killed then, git
// gets SIGTERM and removes it, the group is gone after the grace period, and the change in
// the work tree is still there.
TEST_F(Orphans, KillingMrDuringACommitLeavesNoIndexLock) {
  const auto repo = home() / "ws" / "a";
  make_repo(repo, false);
  write_file(repo / ".git" / "hooks" / "pre-commit", "#!/bin/sh\nsleep " + marker() + "\n");
  fs::permissions(repo / ".git" / "hooks" / "pre-commit", fs::perms::owner_all);
  write_file(repo / "README.md", "changed\n");
  git(repo, {"add", "README.md"});
  const int group = kill_mr_when_running({"-j1", "-d", "ws/a", "commit", "-m", "t"}, 1);
  ASSERT_NE(group, 0);
  EXPECT_TRUE(wait_until([&] { return members_of(group) == 0; })) << members_of(group);
  EXPECT_FALSE(fs::exists(repo / ".git" / "index.lock"));
  EXPECT_EQ(read_file(repo / "README.md"), "changed\n");
  // git can take the lock again, and commits the change that was staged.
  EXPECT_EQ(git_result(repo, {"commit", "-q", "--no-verify", "-m", "after"}).exit_code, 0);
  EXPECT_EQ(git(repo, {"show", "HEAD:README.md"}), "changed\n");
}

// A command's `trap ... TERM` runs when mr is killed, as when it is cancelled.
TEST_F(Orphans, KillingMrLetsACommandsTrapRun) {
  const auto trapped = root() / "trapped";
  kill_mr_when_running(
      {"-j1", "-d", "ws/a", "run", "sh", "-c",
       "trap 'echo x > " + trapped.string() + "; exit 1' TERM; sleep " + marker() + " & wait"},
      1);
  EXPECT_TRUE(wait_until([&] { return fs::exists(trapped); }));
  EXPECT_TRUE(wait_until([&] { return with_marker(marker()).empty(); }))
      << with_marker(marker()).size() << " left";
}

// A command that ignores SIGTERM is killed once the grace period is over.
TEST_F(Orphans, KillingMrKillsACommandIgnoringSigtermAfterTheGrace) {
  kill_mr_when_running(
      {"-j1", "-d", "ws/a", "run", "sh", "-c", "trap '' TERM; sleep " + marker() + "; true"}, 1);
  EXPECT_TRUE(wait_until([&] { return with_marker(marker()).empty(); }))
      << with_marker(marker()).size() << " left";
}

// And nothing of mr's stays behind when it ends normally.
TEST_F(Orphans, NothingStaysAfterANormalRun) {
  const auto r = mr({"-j3", "run", "sh", "-c", "true " + marker()}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(wait_until([&] { return with_marker(marker()).empty(); }))
      << with_marker(marker()).size() << " left";
}

} // namespace
} // namespace mr::test
