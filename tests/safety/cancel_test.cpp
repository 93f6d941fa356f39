// Every run ends, and leaves nothing running: --timeout and Ctrl-C with a grandchild that
// left the process group and holds the output pipe, a closed stdout while repositories
// are still running, mr killed by SIGKILL, stragglers left in a group by a command that
// exited. Each test marks its processes with a unique word in their command line and
// scans /proc for it afterwards.
#include <csignal>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <random>
#include <thread>

#include "cli_fixture.hpp"

namespace mr::test {
namespace {

using namespace std::chrono_literals;

std::string command_line(const std::string& pid) {
  std::string text;
  if (std::FILE* f = std::fopen(("/proc/" + pid + "/cmdline").c_str(), "rb")) {
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
      text.append(buf, n);
    }
    std::fclose(f);
  }
  for (char& c : text) {
    c = c == '\0' ? ' ' : c;
  }
  return text;
}

bool is_zombie(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string line;
  std::getline(in, line);
  const auto close = line.rfind(')');
  return close == std::string::npos || line.size() <= close + 2 || line[close + 2] == 'Z';
}

// Live processes whose command line contains `marker`.
std::vector<pid_t> processes_with(const std::string& marker) {
  std::vector<pid_t> found;
  DIR* proc = ::opendir("/proc");
  while (const dirent* e = ::readdir(proc)) {
    const std::string name = e->d_name;
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    if (command_line(name).find(marker) != std::string::npos && !is_zombie(name)) {
      found.push_back(std::stoi(name));
    }
  }
  ::closedir(proc);
  return found;
}

// Waits (bounded: processes just signalled take a moment to go) until none is left.
std::vector<pid_t> left_after_a_while(const std::string& marker) {
  std::vector<pid_t> left;
  for (int i = 0; i < 300; ++i) {
    left = processes_with(marker);
    if (left.empty()) {
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  return left;
}

class CancelSafety : public CliTest {
protected:
  CancelSafety() {
    // A sleep of 1000.NNNNNN seconds: the number is the marker, unique to this test.
    std::random_device random;
    m_marker = "1000." + std::to_string(100000 + random() % 900000);
  }
  ~CancelSafety() override {
    for (const pid_t p : processes_with(m_marker)) {
      ::kill(p, SIGKILL); // never leave one behind, even when a test fails
    }
  }
  void make_repos(int n) {
    std::string text;
    for (int i = 0; i < n; ++i) {
      fs::create_directories(home() / "ws" / ("r" + std::to_string(i)));
      text += "[repos.\"ws/r" + std::to_string(i) + "\"]\norder = " + std::to_string(i) + "\n";
    }
    write_file(registry(), text);
  }
  RunOptions options() {
    RunOptions o;
    o.cwd = home();
    o.env = env_for(home());
    return o;
  }
  // Waits until `count` processes carry the marker.
  bool wait_for_marked(std::size_t count) {
    for (int i = 0; i < 6000; ++i) {
      if (processes_with(m_marker).size() >= count) {
        return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  std::string sleep_cmd() const { return "sleep " + m_marker; }
  const std::string& marker() const { return m_marker; }

private:
  std::string m_marker;
};

TEST_F(CancelSafety, TimeoutEndsWhenADetachedGrandchildHoldsTheOutput) {
  make_repos(1);
  const auto r = mr({"--timeout", "2s", "run", "sh", "-c",
                     "setsid " + sleep_cmd() + " & echo started; " + sleep_cmd()},
                    home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("started\n"), std::string::npos) << r.out;
  // It names the one it left, which it does not kill: it was detached on purpose. (On
  // stderr: mr's stdout and stderr are different pipes here, so the repository's stderr,
  // where this note belongs, is kept apart.)
  const auto left = processes_with(marker());
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(r.err, "mr: stopped reading the output: " + std::to_string(left[0]) + " (" +
                       sleep_cmd() +
                       ") left the command's process group and still holds it open\n"
                       "mr run: timed out after 2s\n");
  EXPECT_NE(r.out.find("started\n"), std::string::npos) << r.out;
}

TEST_F(CancelSafety, CtrlCEndsWhenADetachedGrandchildKeepsWriting) {
  make_repos(2);
  // The writer leaves the group and writes forever; once mr closes the pipe it dies of
  // SIGPIPE by itself.
  Running run(
      {mr_binary().string(), "-j2", "run", "sh", "-c",
       "setsid sh -c 'while :; do echo y; sleep 0.01; done; : " + marker() + "' & " + sleep_cmd()},
      options());
  ASSERT_TRUE(wait_for_marked(4));
  ::kill(run.pid(), SIGINT);
  const auto r = run.finish();
  EXPECT_EQ(r.exit_code, 130);
  EXPECT_NE(r.out.find("mr run: finished (2 skipped)\n"), std::string::npos) << r.out;
  EXPECT_EQ(left_after_a_while(marker()), std::vector<pid_t>{});
}

TEST_F(CancelSafety, AClosedStdoutCancelsTheRunAtOnceAndEndsAsGitDoes) {
  make_repos(2);
  // `head -c0` exits at once: nothing will ever be written, yet mr notices while it waits.
  const auto r = run({"bash", "-c",
                      "'" + mr_binary().string() + "' -j2 run " + sleep_cmd() +
                          " | head -c0; echo \"${PIPESTATUS[0]}\""},
                     options());
  EXPECT_EQ(r.out, "141\n"); // killed by SIGPIPE, as git is
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(left_after_a_while(marker()), std::vector<pid_t>{});
}

TEST_F(CancelSafety, AClosedStdoutAfterTheFirstBlockCancelsTheRest) {
  make_repos(3);
  const auto r = run({"bash", "-c",
                      "'" + mr_binary().string() +
                          "' -j1 run sh -c 'echo x; test \"$(basename \"$MR_REPO\")\" = r0 || " +
                          sleep_cmd() + "' | head -n1; echo \"${PIPESTATUS[0]}\""},
                     options());
  EXPECT_EQ(r.out, "mr run: " + (home() / "ws/r0").string() + "\n141\n");
  EXPECT_EQ(left_after_a_while(marker()), std::vector<pid_t>{});
}

TEST_F(CancelSafety, ChildrenDieWithMrWhenItIsKilled) {
  make_repos(2);
  Running run({mr_binary().string(), "-j2", "run", "sleep", marker()}, options());
  ASSERT_TRUE(wait_for_marked(2));
  ::kill(run.pid(), SIGKILL);
  EXPECT_EQ(run.finish().exit_code, 128 + SIGKILL);
  EXPECT_EQ(left_after_a_while(marker()), std::vector<pid_t>{});
}

TEST_F(CancelSafety, WhatACommandLeavesInItsGroupIsKilledWhenItExits) {
  make_repos(1);
  const auto r = mr({"run", "sh", "-c", sleep_cmd() + " >/dev/null 2>&1 & echo bye"}, home());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "mr run: " + (home() / "ws/r0").string() + "\nbye\n\nmr run: finished (1 ok)\n");
  EXPECT_EQ(left_after_a_while(marker()), std::vector<pid_t>{});
}

TEST_F(CancelSafety, ATooLongTimeoutIsAnErrorNamingTheMaximum) {
  make_repos(1);
  for (const char* value : {"999999999999h", "1000000000h", "99999999999999999", "8761h"}) {
    const auto r = mr({"--timeout", value, "run", "true"}, home());
    EXPECT_EQ(r.exit_code, 2) << value;
    EXPECT_EQ(r.err,
              std::string("mr: error: option --timeout may be at most 8760h (a year), not '") +
                  value + "' (usage: mr [OPTIONS] ACTION [ARGS...]; see mr --help)\n");
  }
  EXPECT_EQ(mr({"--timeout", "8760h", "run", "true"}, home()).exit_code, 0);
}

TEST_F(CancelSafety, ATooLongRegistryTimeoutIsAnErrorNamingTheKeyAndTheMaximum) {
  make_repos(1);
  const std::string repos = read_file(registry());
  for (const char* value : {"\"1000000000h\"", "99999999999999999", "\"9000h\""}) {
    write_file(registry(), std::string("[settings]\ntimeout = ") + value + "\n" + repos);
    const auto r = mr({"run", "true"}, home());
    EXPECT_EQ(r.exit_code, 2) << value;
    EXPECT_EQ(r.err, "mr: error: " + registry().string() +
                         ":2:11: 'settings.timeout' may be at most \"8760h\" (a year)\n")
        << value;
  }
  write_file(registry(), "[settings]\nstall_timeout = 99999999999999999\n" + repos);
  const auto r = mr({"run", "true"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: " + registry().string() +
                       ":2:17: 'settings.stall_timeout' may be at most \"8760h\" (a year)\n");
}

} // namespace
} // namespace mr::test
