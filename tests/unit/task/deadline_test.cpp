// Deadlines (docs/task-group.md, behaviours 18-21), on ManualTime: the clock moves only
// when a test advances it, so nothing sleeps and nothing is flaky.
#include <latch>

#include <gtest/gtest.h>

#include <mr/task/task_group.hpp>

#include "task_test_support.hpp"

namespace mr::task {

using namespace std::chrono_literals;
using testing::Gate;
using testing::wait_for_stop;

namespace {

GroupOptions with_timeout(Executor& ex, Duration timeout) {
  GroupOptions o;
  o.executor = &ex;
  o.task_timeout = timeout;
  return o;
}

} // namespace

// Behaviour 18
TEST(Deadline, TimeoutCountsFromTheTaskStartNotItsSpawn) {
  ManualTime time;
  Executor ex(1, time);
  TaskGroup group(with_timeout(ex, 50ms));
  for (int i = 0; i < 100; ++i) {
    group.spawn("step", [&](TaskContext&) {
      time.advance(10ms); // each task "works" 10 ms; all together 1 s
      return TaskResult::ok();
    });
  }
  const auto report = group.join();
  EXPECT_EQ(report.count(Status::ok), 100u);
}

TEST(Deadline, ACooperativeTaskTimesOutAndSiblingsAreUnaffected) {
  ManualTime time;
  Executor ex(1, time); // the sibling starts after the slow task, with its own 30 s
  std::latch started(1);
  TaskGroup group(with_timeout(ex, 30s));
  group.spawn("slow", [&](TaskContext& ctx) {
    EXPECT_EQ(ctx.deadline(), time.now() + 30s);
    started.count_down();
    wait_for_stop(ctx.stop_token());
    EXPECT_EQ(ctx.stop_reason(), StopReason::deadline);
    return TaskResult::cancelled();
  });
  group.spawn("sibling", [&](TaskContext& ctx) {
    time.advance(29s); // close to its own limit, not over it
    return ctx.stop_requested() ? TaskResult::cancelled() : TaskResult::ok();
  });
  started.wait();
  time.advance(31s);
  const auto report = group.join();
  EXPECT_EQ(report.results[0].status, Status::timed_out);
  EXPECT_EQ(report.results[0].stop_reason, StopReason::deadline);
  EXPECT_EQ(report.results[1].status, Status::ok);
  EXPECT_EQ(report.stop_reason, StopReason::none);
}

// Behaviour 19
TEST(Deadline, ATaskIgnoringItsTokenIsReportedOnceAndEndsTimedOut) {
  ManualTime time;
  Executor ex(1, time);
  std::latch started(1);
  Gate release;
  GroupOptions o = with_timeout(ex, 10s);
  o.overdue_grace = 2s;
  TaskGroup group(std::move(o));
  group.spawn("stubborn", [&](TaskContext&) {
    started.count_down();
    release.wait(); // ignores its stop token
    return TaskResult::ok();
  });
  started.wait();
  time.advance(13s);
  int notices = 0;
  JoinHooks hooks;
  hooks.tick_interval = std::chrono::milliseconds(1);
  hooks.on_overdue = [&](std::size_t index, std::string_view label) {
    ++notices;
    EXPECT_EQ(index, 0u);
    EXPECT_EQ(label, "stubborn");
    release.open();
  };
  const auto report = group.join(std::move(hooks));
  EXPECT_EQ(notices, 1);
  EXPECT_EQ(report.results[0].status, Status::timed_out);
}

// Behaviour 20
TEST(Deadline, GroupDeadlineLeavesQueuedTasksUnstarted) {
  ManualTime time;
  Executor ex(1, time);
  std::latch started(1);
  GroupOptions o;
  o.executor = &ex;
  o.group_deadline = time.now() + 50ms;
  TaskGroup group(std::move(o));
  group.spawn("running", [&](TaskContext& ctx) {
    started.count_down();
    wait_for_stop(ctx.stop_token());
    return TaskResult::cancelled();
  });
  for (int i = 0; i < 9; ++i) {
    group.spawn("queued", [](TaskContext&) { return TaskResult::ok(); });
  }
  started.wait();
  time.advance(60ms);
  const auto report = group.join();
  EXPECT_EQ(report.stop_reason, StopReason::deadline);
  EXPECT_EQ(report.results[0].status, Status::timed_out);
  EXPECT_EQ(report.count(Status::not_started), 9u);
}

// Behaviour 21
TEST(Deadline, FailAfterFailsTheTaskMoveOnAfterOnlyReports) {
  ManualTime time;
  Executor ex(2, time);
  std::latch both_in_scope(2);
  bool moved_on_expired = false;
  GroupOptions o;
  o.executor = &ex;
  TaskGroup group(std::move(o));
  group.spawn("fail_after", [&](TaskContext& ctx) {
    auto scope = ctx.fail_after(10ms);
    EXPECT_EQ(ctx.deadline(), time.now() + 10ms);
    both_in_scope.count_down();
    wait_for_stop(scope.stop_token());
    EXPECT_TRUE(scope.expired());
    EXPECT_FALSE(ctx.stop_requested()); // only the scope stopped
    return TaskResult::ok();
  });
  group.spawn("move_on_after", [&](TaskContext& ctx) {
    {
      auto scope = ctx.move_on_after(10ms);
      both_in_scope.count_down();
      wait_for_stop(scope.stop_token());
      moved_on_expired = scope.expired();
    }
    EXPECT_EQ(ctx.deadline(), TimePoint::max());
    return TaskResult::ok();
  });
  both_in_scope.wait();
  time.advance(11ms);
  const auto report = group.join();
  EXPECT_EQ(report.results[0].status, Status::timed_out);
  EXPECT_EQ(report.results[1].status, Status::ok);
  EXPECT_TRUE(moved_on_expired);
}

TEST(Deadline, AScopeAlsoStopsWhenTheTaskIsCancelled) {
  ManualTime time;
  Executor ex(1, time);
  std::latch in_scope(1);
  bool expired = true;
  GroupOptions o;
  o.executor = &ex;
  TaskGroup group(std::move(o));
  group.spawn("t", [&](TaskContext& ctx) {
    auto scope = ctx.move_on_after(1h);
    in_scope.count_down();
    wait_for_stop(scope.stop_token());
    expired = scope.expired();
    return TaskResult::cancelled();
  });
  in_scope.wait();
  group.cancel();
  const auto report = group.join();
  EXPECT_FALSE(expired);
  EXPECT_EQ(report.results[0].status, Status::cancelled);
}

TEST(Deadline, TheWatcherStartsOnlyWhenADeadlineIsSet) {
  ManualTime time;
  Executor ex(1, time);
  GroupOptions o;
  o.executor = &ex;
  TaskGroup group(std::move(o));
  group.spawn("t", [](TaskContext&) { return TaskResult::ok(); });
  group.join();
  EXPECT_FALSE(ex.deadlines().started());
}

} // namespace mr::task
