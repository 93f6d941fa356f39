// Cancellation end to end (issue #3): --timeout, a child ignoring SIGTERM, --fail-fast,
// Ctrl-C mid-run. Every test checks that no process is left behind, and that the commands
// were stopped rather than waited for: told by what they recorded (a command that ran to
// its end writes `ended`), not by the clock.
#include <algorithm>
#include <csignal>
#include <fstream>
#include <iterator>
#include <thread>

#include "cli_fixture.hpp"

namespace mr::test {

namespace {

using namespace std::chrono_literals;

bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return false;
  }
  const auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

// Waits (bounded) for processes to disappear; true if they did.
bool all_gone(const std::vector<pid_t>& pids) {
  for (int i = 0; i < 2000; ++i) {
    bool any = false;
    for (pid_t p : pids) {
      any = any || alive(p);
    }
    if (!any) {
      return true;
    }
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

class Cancel : public CliTest {
protected:
  RunOptions in_home() const {
    RunOptions options;
    options.cwd = home();
    options.env = env_for(home());
    return options;
  }
  // mr with `args`, in the background, in $HOME.
  Running start_mr(std::vector<std::string> args) const {
    args.insert(args.begin(), mr_binary().string());
    return Running(args, in_home());
  }
  void make_repos(int n) {
    std::string text;
    for (int i = 0; i < n; ++i) {
      const auto name = "r" + std::to_string(i);
      fs::create_directories(home() / "ws" / name);
      text += "[repos.\"ws/" + name + "\"]\norder = " + std::to_string(i) + "\n";
    }
    write_file(registry(), text);
  }
  std::vector<pid_t> pids_in(const std::string& file_name, int n) {
    std::vector<pid_t> pids;
    for (int i = 0; i < n; ++i) {
      std::ifstream in(home() / "ws" / ("r" + std::to_string(i)) / file_name);
      pid_t p = 0;
      while (in >> p) {
        pids.push_back(p);
      }
    }
    return pids;
  }
  // Whether any of the first `n` repos has a file `file_name`.
  bool any_wrote(const std::string& file_name, int n) {
    for (int i = 0; i < n; ++i) {
      if (fs::exists(home() / "ws" / ("r" + std::to_string(i)) / file_name)) {
        return true;
      }
    }
    return false;
  }
  // Waits until `count` repos have written `file_name`.
  void wait_for_files(const std::string& file_name, int count, int n) {
    for (int tries = 0; tries < 10'000; ++tries) {
      int found = 0;
      for (int i = 0; i < n; ++i) {
        std::ifstream in(home() / "ws" / ("r" + std::to_string(i)) / file_name);
        std::string line;
        found += std::getline(in, line) && !line.empty() ? 1 : 0;
      }
      if (found >= count) {
        return;
      }
      std::this_thread::sleep_for(1ms);
    }
    FAIL() << "the repos never started";
  }
};

} // namespace

TEST_F(Cancel, TimeoutKillsTheCommandAndItsGrandchildren) {
  make_repos(2);
  const auto r = mr({"--timeout", "1s", "run", "sh", "-c",
                     "(sleep 100; echo grandchild >> ended) & echo $! >> pids; echo $$ >> pids; "
                     "sleep 100; echo child >> ended"},
                    home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mr run: timed out after 1s\nmr run: timed out after 1s\n");
  EXPECT_NE(r.out.find("mr run: finished (2 failed)"), std::string::npos);
  const auto pids = pids_in("pids", 2);
  EXPECT_EQ(pids.size(), 4u);
  EXPECT_TRUE(all_gone(pids));
  EXPECT_FALSE(any_wrote("ended", 2));
}

// Told by what the child saw, not by the clock: SIGTERM first (the trap records it), then
// time to go on (half a second of the 2 s grace: it records "still"), then SIGKILL, which
// ends what it started after the SIGTERM.
TEST_F(Cancel, AChildIgnoringSigtermIsKilledAfterTheGracePeriod) {
  make_repos(1);
  const auto r = mr({"--timeout", "1s", "--json", "run", "sh", "-c",
                     "trap 'echo term >> events' TERM; echo $$ > pids; sleep 100 & "
                     "echo $! >> pids; wait; sleep 0.5; echo still >> events; "
                     "sleep 100 & echo $! >> pids; wait $!; echo survived >> events"},
                    home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("\"status\":\"timed_out\""), std::string::npos) << r.out;
  EXPECT_EQ(read_file(home() / "ws/r0/events"), "term\nstill\n");
  EXPECT_TRUE(all_gone(pids_in("pids", 1)));
}

TEST_F(Cancel, FailFastCancelsTheRest) {
  make_repos(10);
  const auto r =
      mr({"-j1", "--fail-fast", "-s", "run", "sh", "-c", "test \"$(basename \"$MR_REPO\")\" != r2"},
         home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("mr run: finished (2 ok; 1 failed; 7 skipped)\n"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.err.rfind("mr run: command failed\nmr run: (failed: ", 0), 0u) << r.err;
}

TEST_F(Cancel, FailFastStopsRunningSiblings) {
  make_repos(4);
  const auto r = mr({"-j4", "--fail-fast", "run", "sh", "-c",
                     "echo $$ > pids; test \"$(basename \"$MR_REPO\")\" = r0 && exit 1; "
                     "sleep 100; echo ended > ended"},
                    home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(all_gone(pids_in("pids", 4)));
  EXPECT_FALSE(any_wrote("ended", 4));
}

TEST_F(Cancel, SigintMidRunPrintsFinishedBlocksAndTheFooterThenExits130) {
  make_repos(200);
  RunOptions options;
  options.cwd = home();
  options.env = env_for(home());
  // r0 and r1 finish at once; the others block until cancelled.
  Running mr_process({mr_binary().string(), "-j4", "run", "sh", "-c",
                      "case \"$(basename \"$MR_REPO\")\" in r0|r1) echo quick;; "
                      "*) echo $$ > pids; sleep 100; echo ended > ended;; esac"},
                     options);
  wait_for_files("pids", 4, 200);
  ::kill(mr_process.pid(), SIGINT);
  const auto r = mr_process.finish();
  EXPECT_EQ(r.exit_code, 130);
  const auto r0 = (home() / "ws/r0").string();
  const auto r1 = (home() / "ws/r1").string();
  EXPECT_EQ(r.out.rfind("mr run: " + r0 + "\nquick\n\nmr run: " + r1 + "\nquick\n\n", 0), 0u)
      << r.out;
  EXPECT_NE(r.out.find("mr run: finished (2 ok; 198 skipped)\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.rfind("mr: interrupted, cancelling", 0), 0u) << r.err;
  const auto pids = pids_in("pids", 200);
  EXPECT_EQ(pids.size(), 4u); // nothing started after the interrupt
  EXPECT_TRUE(all_gone(pids));
  EXPECT_FALSE(any_wrote("ended", 200));
}

// At -j1 on a terminal the command has the terminal's foreground, so Ctrl-C reaches it
// and not mr: the repository is still interrupted (skipped, not failed), the run stops
// and mr exits 130, as when mr gets the signal itself. (The command sends the SIGINT a
// Ctrl-C would: to the terminal's foreground process group, field 8 of /proc/PID/stat.)
TEST_F(Cancel, CtrlCOnTheTerminalAtJ1InterruptsTheRepository) {
  make_repos(2);
  const auto command = root() / "ctrl-c";
  write_file(command, "#!/bin/sh\n"
                      "test -t 0 && echo on the terminal\n"
                      "kill -INT -\"$(cut -d' ' -f8 /proc/$$/stat)\"\n"
                      "sleep 100; echo ended > ended\n");
  fs::permissions(command, fs::perms::owner_all);
  auto options = in_home();
  options.env["NO_COLOR"] = "1";
  const auto r =
      run({"script", "-qec", mr_binary().string() + " -j1 run " + command.string(), "/dev/null"},
          options);
  std::string shown; // what the terminal showed, without its carriage returns
  std::copy_if(r.out.begin(), r.out.end(), std::back_inserter(shown),
               [](char c) { return c != '\r'; });
  EXPECT_EQ(r.exit_code, 130) << shown;
  EXPECT_EQ(shown.rfind("mr run: " + (home() / "ws/r0").string() + "\non the terminal\n", 0), 0u)
      << shown;
  EXPECT_NE(shown.find("\nmr run: interrupted\n\nmr run: finished (2 skipped)\n"),
            std::string::npos)
      << shown;
  EXPECT_EQ(shown.find("signal"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("ws/r1"), std::string::npos) << shown; // no more started
  EXPECT_FALSE(any_wrote("ended", 2));
}

TEST_F(Cancel, TheJsonSummaryOfAnInterruptedRunSaysItsExitStatus) {
  make_repos(4);
  RunOptions options;
  options.cwd = home();
  options.env = env_for(home());
  Running mr_process(
      {mr_binary().string(), "-j4", "--json", "run", "sh", "-c", "echo $$ > pids; sleep 100"},
      options);
  wait_for_files("pids", 4, 4);
  ::kill(mr_process.pid(), SIGINT);
  const auto r = mr_process.finish();
  EXPECT_EQ(r.exit_code, 130);
  // The summary said "exit_code":0 (no repository failed) while mr exited 130.
  EXPECT_NE(r.out.find(R"("exit_code":130})"), std::string::npos) << r.out;
  EXPECT_TRUE(all_gone(pids_in("pids", 4)));
}

// Children that record SIGTERM and live on (until the grace period's SIGKILL), so that mr
// is still cancelling when a test sends its second signal.
constexpr const char* k_outlive_sigterm =
    "trap 'echo t > termed' TERM; echo $$ > pids; while :; do sleep 100 & wait; done";

// A second signal the user sends later: told apart from an echo of the first (see the
// next tests) by coming well after it, from the same process.
TEST_F(Cancel, ASecondSigintKillsAtOnce) {
  make_repos(2);
  auto mr_process = start_mr({"-j2", "run", "sh", "-c", k_outlive_sigterm});
  wait_for_files("pids", 2, 2);
  ::kill(mr_process.pid(), SIGINT);
  wait_for_files("termed", 2, 2);     // the first one is being acted on
  std::this_thread::sleep_for(700ms); // later than an echo (500 ms), within the 2 s grace
  ::kill(mr_process.pid(), SIGINT);
  const auto r = mr_process.finish();
  EXPECT_EQ(r.exit_code, 128 + SIGINT); // died by the signal, as the shell expects
  EXPECT_TRUE(all_gone(pids_in("pids", 2)));
}

TEST_F(Cancel, ASecondSignalFromAnotherProcessKillsAtOnce) {
  make_repos(2);
  auto mr_process = start_mr({"-j2", "run", "sh", "-c", k_outlive_sigterm});
  wait_for_files("pids", 2, 2);
  ::kill(mr_process.pid(), SIGTERM);
  wait_for_files("termed", 2, 2);
  run({"kill", "-TERM", std::to_string(mr_process.pid())}, in_home());
  const auto r = mr_process.finish();
  EXPECT_EQ(r.exit_code, 128 + SIGTERM);
  EXPECT_TRUE(all_gone(pids_in("pids", 2)));
}

// What `timeout` and systemd do: the process, then its group, the same signal at once.
// The echo was taken for the second Ctrl-C: mr killed by SIGTERM, no blocks, no footer.
TEST_F(Cancel, TheSameSignalAgainAtOnceFromTheSameProcessIsOneCancellation) {
  make_repos(2);
  auto mr_process = start_mr({"-j2", "run", "sh", "-c",
                              "trap 'echo trapped; echo t > termed; sleep 1; exit 3' TERM; "
                              "echo $$ > pids; sleep 100 & wait"});
  wait_for_files("pids", 2, 2);
  ::kill(mr_process.pid(), SIGTERM);
  wait_for_files("termed", 2, 2);
  ::kill(mr_process.pid(), SIGTERM); // while the traps still run
  const auto r = mr_process.finish();
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.out.find("trapped"), r.out.rfind("trapped")) << r.out; // both repositories
  EXPECT_NE(r.out.find("mr run: finished ("), std::string::npos) << r.out;
  EXPECT_TRUE(all_gone(pids_in("pids", 2)));
}

TEST_F(Cancel, TimeoutFromCoreutilsIsOneCancellation) {
  make_repos(2);
  const auto r = run({"timeout", "2", mr_binary().string(), "-j2", "run", "sh", "-c",
                      "trap 'echo trapped; exit 3' TERM; echo $$ > pids; sleep 30 & wait"},
                     in_home());
  EXPECT_EQ(r.exit_code, 124); // timeout's own status: it had to signal mr
  const auto blocks = r.out.substr(0, r.out.find("mr run: finished ("));
  EXPECT_NE(r.out.find("mr run: finished ("), std::string::npos) << r.out;
  EXPECT_NE(blocks.find("trapped"), blocks.rfind("trapped")) << r.out; // both repositories
  EXPECT_EQ(r.err.rfind("mr: interrupted, cancelling", 0), 0u) << r.err;
  EXPECT_TRUE(all_gone(pids_in("pids", 2)));
}

TEST_F(Cancel, AClosedStdoutEndsMrQuietly) {
  make_repos(30);
  RunOptions options;
  options.cwd = home();
  options.env = env_for(home());
  const auto r = run({"sh", "-c",
                      "'" + mr_binary().string() +
                          "' -j2 run echo hi | head -n 1; "
                          "echo \"status ${PIPESTATUS:-n/a}\""},
                     options);
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "mr run: " + (home() / "ws/r0").string());
  EXPECT_EQ(r.err, "");
}

} // namespace mr::test
