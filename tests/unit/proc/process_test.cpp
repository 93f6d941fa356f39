// The child-process runner against real processes (docs/task-group.md, behaviour 27, and
// issue #3 item 2).
#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include <mr/proc/process.hpp>
#include <mr/util/strings.hpp>

#include "cli_fixture.hpp"

namespace mr::proc {

namespace {

using namespace std::chrono_literals;

Outcome run_ok(const Command& c, task::OutputBuffer& out, std::stop_token st = {}, Options o = {}) {
  auto r = run(c, out, st, o);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : Outcome{};
}

Command sh(const std::string& script) {
  return Command{{"/bin/sh", "-c", script}, {}, {}, true, std::nullopt};
}

// Running (not gone, not a zombie)?
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return false;
  }
  const auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

// Waits (bounded) until `file` has a line, and returns it.
std::string wait_for_line(const std::filesystem::path& file) {
  for (int i = 0; i < 5000; ++i) {
    std::ifstream in(file);
    std::string line;
    if (std::getline(in, line) && !line.empty()) {
      return line;
    }
    std::this_thread::sleep_for(1ms);
  }
  return {};
}

// A script that starts `sleep 1000` in a session of its own and writes its pid to `file`
// only once it has left the group (it runs sleep, so setsid is done): until then, the
// group's signals would still reach it and the test would race.
std::string detached_sleep(const std::filesystem::path& file) {
  return "setsid sleep 1000 & p=$!; while [ \"$(cat /proc/$p/comm 2>/dev/null)\" != sleep ]; "
         "do sleep 0.01; done; echo $p > " +
         file.string() + "; ";
}

} // namespace

TEST(Process, MergesStdoutAndStderrInTheOrderWritten) {
  task::OutputBuffer out;
  const auto o = run_ok(sh("echo a; echo b >&2; echo c"), out);
  EXPECT_EQ(out.str(), "a\nb\nc\n");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_FALSE(o.stopped);
}

TEST(Process, StderrKeptApartGoesToItsOwnBufferEachInOrder) {
  task::OutputBuffer out;
  task::OutputBuffer err;
  const auto r = run(sh("echo a; echo b >&2; echo c; echo d >&2; exit 4"), out, err, {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(out.str(), "a\nc\n");
  EXPECT_EQ(err.str(), "b\nd\n");
  EXPECT_EQ(r->exit_code, 4);
}

// mr's own stdout and stderr (here: files the test puts in their place) go to the child
// as they are; nothing is captured.
TEST(Process, AnAttachedCommandWritesToMrsOwnStreams) {
  test::TempDir tmp;
  const auto out_file = tmp.path() / "out";
  const auto err_file = tmp.path() / "err";
  std::fflush(stdout);
  std::fflush(stderr);
  const int saved_out = ::dup(STDOUT_FILENO);
  const int saved_err = ::dup(STDERR_FILENO);
  const int out_fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err_fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(err_fd, STDERR_FILENO);
  Command c = sh("echo out; echo err >&2; test \"$(ps -o pgid= $$)\" -eq $$ && echo own-group");
  c.attached = true;
  task::OutputBuffer captured;
  const auto r = run(c, captured, {});
  ::dup2(saved_out, STDOUT_FILENO);
  ::dup2(saved_err, STDERR_FILENO);
  for (const int fd : {saved_out, saved_err, out_fd, err_fd}) {
    ::close(fd);
  }
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(captured.str(), "");
  std::ifstream out_in(out_file);
  std::ifstream err_in(err_file);
  const std::string out_text((std::istreambuf_iterator<char>(out_in)), {});
  const std::string err_text((std::istreambuf_iterator<char>(err_in)), {});
  EXPECT_EQ(out_text, "out\nown-group\n");
  EXPECT_EQ(err_text, "err\n");
}

TEST(Process, ReportsExitCodesAndSignals) {
  task::OutputBuffer out;
  EXPECT_EQ(run_ok(sh("exit 3"), out).exit_code, 3);
  const auto o = run_ok(sh("kill -TERM $$"), out);
  EXPECT_EQ(o.signal, SIGTERM);
  EXPECT_EQ(o.exit_code, 128 + SIGTERM);
}

TEST(Process, EnvironmentOverridesAndWorkingDirectory) {
  test::TempDir tmp;
  Command c = sh("echo \"$MR_TEST_VAR $PWD\"; pwd -P");
  c.env = {{"MR_TEST_VAR", "hello"}, {"PWD", tmp.path().string()}};
  c.cwd = tmp.path();
  task::OutputBuffer out;
  run_ok(c, out);
  EXPECT_EQ(out.str(), "hello " + tmp.path().string() + "\n" + tmp.path().string() + "\n");
}

TEST(Process, StdinIsDevNullUnlessAskedOtherwise) {
  task::OutputBuffer out;
  const auto o = run_ok(Command{{"cat"}, {}, {}, true, std::nullopt}, out);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(out.str(), "");
}

TEST(Process, ACommandThatCannotStartIsAnError) {
  task::OutputBuffer out;
  auto r = run(Command{{"mr-no-such-program-xyz"}, {}, {}, true, std::nullopt}, out, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot run mr-no-such-program-xyz: No such file or directory");
  r = run(Command{{"true"}, "/nonexistent/dir", {}, true, std::nullopt}, out, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot run true in /nonexistent/dir: No such file or directory");
}

TEST(Process, CancelKillsTheWholeGroupGrandchildrenToo) {
  test::TempDir tmp;
  const auto pid_file = tmp.path() / "pid";
  std::stop_source stop;
  std::jthread canceller([&] {
    wait_for_line(pid_file);
    stop.request_stop();
  });
  task::OutputBuffer out;
  const auto o = run_ok(sh("sleep 100 & echo $! > " + pid_file.string() + "; sleep 100"), out,
                        stop.get_token());
  EXPECT_TRUE(o.stopped);
  EXPECT_EQ(o.signal, SIGTERM);
  const pid_t grandchild = std::stoi(wait_for_line(pid_file));
  for (int i = 0; i < 1000 && alive(grandchild); ++i) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_FALSE(alive(grandchild));
  EXPECT_EQ(running_count(), 0u);
}

TEST(Process, AChildIgnoringSigtermIsKilledAfterTheGracePeriod) {
  test::TempDir tmp;
  const auto ready = tmp.path() / "ready";
  std::stop_source stop;
  std::jthread canceller([&] {
    wait_for_line(ready);
    stop.request_stop();
  });
  task::OutputBuffer out;
  Options o;
  o.grace = 200ms;
  const auto outcome = run_ok(sh("trap '' TERM; echo up > " + ready.string() + "; sleep 100"), out,
                              stop.get_token(), o);
  EXPECT_TRUE(outcome.stopped);
  EXPECT_TRUE(outcome.killed);
  EXPECT_EQ(outcome.signal, SIGKILL);
}

TEST(Process, LeftoversHoldingThePipeAreKilledWhenTheChildExits) {
  test::TempDir tmp;
  const auto pid_file = tmp.path() / "pid";
  const auto ended = tmp.path() / "ended"; // written only by a leftover left to its end
  task::OutputBuffer out;
  const auto o = run_ok(sh("(sleep 100; echo ended > " + ended.string() + ") & echo $! > " +
                           pid_file.string() + "; echo done"),
                        out);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_FALSE(o.stopped);
  EXPECT_EQ(out.str(), "done\n");
  const pid_t leftover = std::stoi(wait_for_line(pid_file));
  for (int i = 0; i < 1000 && alive(leftover); ++i) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_FALSE(alive(leftover));
  EXPECT_FALSE(std::filesystem::exists(ended)) << "the leftover was waited for, not killed";
}

TEST(Process, LargeOutputArrivesWhole) {
  task::OutputBuffer out;
  run_ok(sh("head -c 3000000 /dev/zero | tr '\\0' x; echo; echo end >&2"), out);
  const std::string text = out.str();
  ASSERT_EQ(text.size(), 3000000u + 1 + 4);
  EXPECT_EQ(text.substr(text.size() - 5), "\nend\n");
}

TEST(Process, SignalAllReachesRunningGroups) {
  test::TempDir tmp;
  const auto ready = tmp.path() / "ready";
  std::atomic<bool> done{false};
  std::jthread killer([&] {
    wait_for_line(ready);
    // The child can write its file before run() has registered its group: keep trying.
    while (!done) {
      signal_all(SIGKILL);
      std::this_thread::sleep_for(1ms);
    }
  });
  task::OutputBuffer out;
  const auto o = run_ok(sh("echo up > " + ready.string() + "; sleep 100"), out);
  done = true;
  EXPECT_EQ(o.signal, SIGKILL);
}

} // namespace mr::proc

namespace mr::proc {

TEST(Process, InputAndSeparateStderrForHelperPrograms) {
  Command c = sh("cat; echo err >&2; echo out");
  c.input = std::string("line one\nline two\n");
  std::string out;
  std::string err;
  auto r = run(c, out, err, {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(out, "line one\nline two\nout\n");
  EXPECT_EQ(err, "err\n");
  // Input larger than a pipe's buffer, to a child that reads it all.
  c = sh("wc -c");
  c.input = std::string(300000, 'x');
  out.clear();
  err.clear();
  r = run(c, out, err, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(util::trim(out), "300000");
  // A child that never reads its input still ends.
  c = sh("exit 3");
  c.input = std::string(300000, 'x');
  r = run(c, out, err, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exit_code, 3);
}

} // namespace mr::proc

namespace mr::proc {

TEST(Process, AProcessThatLeftTheGroupHoldingThePipeIsNotWaitedFor) {
  test::TempDir tmp;
  const auto pid_file = tmp.path() / "pid";
  task::OutputBuffer out;
  // setsid puts the sleep beyond the reach of the group's signals; it keeps the pipe open.
  const auto o = run_ok(sh(detached_sleep(pid_file) + "echo done"), out);
  const pid_t leftover = std::stoi(wait_for_line(pid_file));
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(out.str(), "done\n");
  ASSERT_EQ(o.left_running.size(), 1u);
  EXPECT_EQ(o.left_running[0], std::to_string(leftover) + " (sleep 1000)");
  EXPECT_EQ(left_running_note(o), "mr: stopped reading the output: " + std::to_string(leftover) +
                                      " (sleep 1000) left the command's process group and "
                                      "still holds it open\n");
  EXPECT_TRUE(alive(leftover)); // not ours to kill: it was detached on purpose
  ::kill(leftover, SIGKILL);
}

TEST(Process, ACancelEndsEvenWhenADetachedGrandchildHoldsThePipe) {
  test::TempDir tmp;
  const auto pid_file = tmp.path() / "pid";
  std::stop_source stop;
  std::jthread canceller([&] {
    wait_for_line(pid_file);
    stop.request_stop();
  });
  task::OutputBuffer out;
  const auto o = run_ok(sh(detached_sleep(pid_file) + "sleep 1000"), out, stop.get_token());
  const pid_t leftover = std::stoi(wait_for_line(pid_file));
  EXPECT_TRUE(o.stopped);
  ASSERT_EQ(o.left_running.size(), 1u);
  EXPECT_EQ(o.left_running[0], std::to_string(leftover) + " (sleep 1000)");
  ::kill(leftover, SIGKILL);
  EXPECT_EQ(running_count(), 0u);
}

TEST(Process, WhatIsLeftInTheGroupIsKilledWhenTheChildIsDone) {
  test::TempDir tmp;
  const auto pid_file = tmp.path() / "pid";
  task::OutputBuffer out;
  // The straggler does not hold the pipe, so nothing waits for it: it is killed anyway.
  run_ok(sh("sleep 1000 >/dev/null 2>&1 & echo $! > " + pid_file.string()), out);
  const pid_t straggler = std::stoi(wait_for_line(pid_file));
  for (int i = 0; i < 1000 && alive(straggler); ++i) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_FALSE(alive(straggler));
}

TEST(Process, HelperOutputBeyondTheLimitIsAnError) {
  std::string out;
  std::string err;
  Options o;
  o.max_data = 1 << 20;
  auto r = run(sh("exec yes"), out, err, {}, o); // never ends by itself
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "/bin/sh -c exec yes printed more than 1048576 bytes; stopped it");
  out.clear();
  r = run(sh("head -c 2000000 /dev/zero >&2"), out, err, {}, o);
  ASSERT_FALSE(r);
  out.clear();
  err.clear();
  r = run(sh("head -c 1000000 /dev/zero"), out, err, {}, o);
  ASSERT_TRUE(r);
  EXPECT_EQ(out.size(), 1000000u);
  EXPECT_EQ(running_count(), 0u);
}

} // namespace mr::proc
