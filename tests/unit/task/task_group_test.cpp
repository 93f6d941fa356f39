// The task group's behaviours 1-17 and 22-26 of docs/task-group.md (deadlines, 18-21, are
// in deadline_test.cpp). No test sleeps to wait for something: gates, latches and stop
// tokens order the threads.
#include <latch>
#include <memory>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include <mr/task/task_group.hpp>

#include "task_test_support.hpp"

namespace mr::task {

using testing::Gate;
using testing::Gauge;
using testing::wait_for_stop;

namespace {

GroupOptions on(Executor& ex, ErrorPolicy policy = ErrorPolicy::keep_going) {
  GroupOptions o;
  o.executor = &ex;
  o.policy = policy;
  return o;
}

TaskResult wait_then_cancelled(TaskContext& ctx) {
  wait_for_stop(ctx.stop_token());
  return TaskResult::cancelled();
}

bool is_one_of(Status s, std::initializer_list<Status> allowed) {
  return std::find(allowed.begin(), allowed.end(), s) != allowed.end();
}

} // namespace

// Behaviour 1
TEST(TaskGroup, ZeroTasksJoinReturnsAtOnceWithoutThreads) {
  Executor ex(4);
  TaskGroup group(on(ex));
  const auto report = group.join();
  EXPECT_TRUE(report.results.empty());
  EXPECT_EQ(report.stop_reason, StopReason::none);
  EXPECT_FALSE(group.stop_token().stop_requested());
  EXPECT_EQ(ex.threads_started(), 0u);
}

// Behaviour 2
TEST(TaskGroup, ZeroTasksDestructorOnly) {
  Executor ex(4);
  { TaskGroup group(on(ex)); }
  EXPECT_EQ(ex.threads_started(), 0u);
}

// Behaviour 3
TEST(TaskGroup, TenThousandTasksOnTwoWorkers) {
  Executor ex(2);
  Gauge gauge;
  std::latch both_running(2);
  TaskGroup group(on(ex));
  for (int i = 0; i < 10'000; ++i) {
    group.spawn(std::to_string(i), [&, i](TaskContext& ctx) {
      gauge.enter();
      if (i < 2) {
        both_running.arrive_and_wait(); // the first two provably overlap
      }
      ctx.output() = std::to_string(i);
      gauge.leave();
      return TaskResult::ok();
    });
  }
  const auto report = group.join();
  ASSERT_EQ(report.results.size(), 10'000u);
  EXPECT_EQ(report.count(Status::ok), 10'000u);
  EXPECT_EQ(gauge.high(), 2);
  EXPECT_LE(ex.threads_started(), 2u);
  for (std::size_t i = 0; i < report.results.size(); ++i) {
    ASSERT_EQ(report.results[i].index, i);
    ASSERT_EQ(report.results[i].label, std::to_string(i));
    ASSERT_EQ(report.results[i].output.str(), std::to_string(i));
  }
}

// Behaviour 4
TEST(TaskGroup, FailFastStopsTenThousandAfterTheFifth) {
  Executor ex(2);
  std::atomic<int> started_after_cancel{0};
  TaskGroup group(on(ex, ErrorPolicy::fail_fast));
  for (int i = 0; i < 10'000; ++i) {
    group.spawn(std::to_string(i), [&, i](TaskContext& ctx) {
      if (ctx.stop_requested()) {
        ++started_after_cancel; // raced the cancel between dequeue and start
      }
      // Later tasks hold their worker until the cancel, so how many run before the fifth
      // fails does not depend on how the scheduler treats the failing worker.
      while (i > 5 && !ctx.stop_requested()) {
        std::this_thread::yield();
      }
      return i == 5 ? TaskResult::failed("five") : TaskResult::ok();
    });
  }
  const auto report = group.join();
  ASSERT_TRUE(report.first_failure.has_value());
  EXPECT_EQ(*report.first_failure, 5u);
  EXPECT_EQ(report.stop_reason, StopReason::sibling_failed);
  EXPECT_EQ(report.results[5].status, Status::failed);
  EXPECT_GE(report.count(Status::not_started), 10'000u - 6 - 2); // 0..5, one per worker
  for (const auto& r : report.results) {
    if (r.index != 5) {
      EXPECT_TRUE(is_one_of(r.status, {Status::ok, Status::cancelled, Status::not_started}));
    }
  }
  EXPECT_LE(started_after_cancel.load(), 2); // at most one per worker
}

// Behaviour 5
TEST(TaskGroup, KeepGoingRunsEverythingAndCountsFailures) {
  Executor ex(3);
  std::atomic<int> ran{0};
  TaskGroup group(on(ex));
  for (int i = 0; i < 30; ++i) {
    group.spawn("t", [&, i](TaskContext&) {
      ++ran;
      return i % 3 == 0 ? TaskResult::failed("no", 2) : TaskResult::ok();
    });
  }
  const auto report = group.join();
  EXPECT_EQ(ran.load(), 30);
  EXPECT_EQ(report.count(Status::failed), 10u);
  EXPECT_EQ(report.count(Status::ok), 20u);
  EXPECT_EQ(report.results[3].exit_code, 2);
  EXPECT_FALSE(report.first_failure.has_value());
  EXPECT_FALSE(report.all_ok());
}

// Behaviour 6
TEST(TaskGroup, AThrowingTaskIsCrashedAndSiblingsCarryOn) {
  Executor ex(2);
  TaskGroup group(on(ex));
  group.spawn("boom", [](TaskContext& ctx) -> TaskResult {
    ctx.output() = "partial";
    throw std::runtime_error("boom");
  });
  for (int i = 0; i < 5; ++i) {
    group.spawn("ok", [](TaskContext&) { return TaskResult::ok(); });
  }
  const auto report = group.join();
  EXPECT_EQ(report.results[0].status, Status::crashed);
  EXPECT_EQ(report.results[0].error, "boom");
  EXPECT_EQ(report.results[0].output.str(), "partial");
  ASSERT_TRUE(report.results[0].exception);
  EXPECT_THROW(report.rethrow_first_crash(), std::runtime_error);
  EXPECT_EQ(report.count(Status::ok), 5u);
}

TEST(TaskGroup, AThrowingTaskCancelsSiblingsUnderFailFast) {
  Executor ex(2);
  std::latch sibling_running(1);
  TaskGroup group(on(ex, ErrorPolicy::fail_fast));
  group.spawn("waits", [&](TaskContext& ctx) {
    sibling_running.count_down();
    return wait_then_cancelled(ctx);
  });
  group.spawn("boom", [&](TaskContext&) -> TaskResult {
    sibling_running.wait();
    throw std::runtime_error("boom");
  });
  const auto report = group.join();
  EXPECT_EQ(report.results[0].status, Status::cancelled);
  EXPECT_EQ(report.results[0].stop_reason, StopReason::sibling_failed);
  EXPECT_EQ(report.results[1].status, Status::crashed);
  EXPECT_EQ(report.first_failure, 1u);
}

// Behaviour 7
TEST(TaskGroup, ANonStdExceptionIsCrashedToo) {
  Executor ex(1);
  TaskGroup group(on(ex));
  group.spawn("42", [](TaskContext&) -> TaskResult { throw 42; });
  const auto report = group.join();
  EXPECT_EQ(report.results[0].status, Status::crashed);
  EXPECT_EQ(report.results[0].error, "unknown exception");
}

// Behaviour 8
TEST(TaskGroup, ExceptionInTheSpawningBodyCancelsAndJoinsFirst) {
  Executor ex(4);
  Gauge running;
  std::latch all_started(4);
  try {
    run_task_group(on(ex), [&](TaskGroup& group) {
      for (int i = 0; i < 100; ++i) {
        group.spawn("slow", [&](TaskContext& ctx) {
          running.enter();
          all_started.count_down();
          wait_for_stop(ctx.stop_token());
          running.leave();
          return TaskResult::cancelled();
        });
      }
      all_started.wait();
      throw std::runtime_error("body failed");
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "body failed");
  }
  EXPECT_EQ(running.current(), 0);
  EXPECT_EQ(running.high(), 4);
}

// Behaviour 9
TEST(TaskGroup, DestructorDuringUnwindingCancelsAndJoins) {
  Executor ex(3);
  Gauge running;
  std::latch started(3);
  try {
    TaskGroup group(on(ex));
    for (int i = 0; i < 100; ++i) {
      group.spawn("slow", [&](TaskContext& ctx) {
        running.enter();
        started.count_down();
        wait_for_stop(ctx.stop_token());
        running.leave();
        return TaskResult::cancelled();
      });
    }
    started.wait();
    throw std::runtime_error("unwind");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(running.current(), 0);
  static_assert(std::is_nothrow_destructible_v<TaskGroup>);
}

// Behaviour 10
TEST(TaskGroup, CancelFromAnotherThreadDuringJoin) {
  Executor ex(2);
  std::latch started(2);
  TaskGroup group(on(ex));
  for (int i = 0; i < 50; ++i) {
    group.spawn("t", [&, i](TaskContext& ctx) {
      if (i < 2) {
        started.count_down();
      }
      return wait_then_cancelled(ctx);
    });
  }
  std::jthread canceller([&] {
    started.wait();
    group.cancel();
  });
  const auto report = group.join();
  EXPECT_EQ(report.stop_reason, StopReason::requested);
  for (const auto& r : report.results) {
    EXPECT_TRUE(is_one_of(r.status, {Status::ok, Status::cancelled, Status::not_started}));
  }
  EXPECT_EQ(report.count(Status::cancelled), 2u);
}

// Behaviour 11
TEST(TaskGroup, CancelFromInsideATaskDoesNotDeadlock) {
  Executor ex(2);
  std::latch waiter_running(1);
  TaskGroup group(on(ex));
  group.spawn("waiter", [&](TaskContext& ctx) {
    waiter_running.count_down();
    return wait_then_cancelled(ctx);
  });
  group.spawn("canceller", [&](TaskContext&) {
    waiter_running.wait();
    group.cancel();
    return TaskResult::ok();
  });
  const auto report = group.join();
  EXPECT_EQ(report.results[0].status, Status::cancelled);
  EXPECT_EQ(report.results[1].status, Status::ok);
}

// Behaviour 12
TEST(TaskGroup, SpawnAfterCancelNeverRunsAndDestroysTheClosure) {
  Executor ex(2);
  TaskGroup group(on(ex));
  group.cancel(StopReason::interrupted);
  auto token = std::make_shared<int>(1);
  bool ran = false;
  group.spawn("late", [&ran, token](TaskContext&) {
    ran = true;
    return TaskResult::ok();
  });
  EXPECT_EQ(token.use_count(), 1); // the closure is gone already
  const auto report = group.join();
  EXPECT_FALSE(ran);
  EXPECT_EQ(report.results[0].status, Status::not_started);
  EXPECT_EQ(report.results[0].stop_reason, StopReason::interrupted);
}

// Behaviour 13
TEST(TaskGroup, SpawnFromInsideARunningTask) {
  Executor ex(2);
  TaskGroup group(on(ex));
  std::atomic<bool> child_ran{false};
  group.spawn("parent", [&](TaskContext&) {
    group.spawn("child", [&](TaskContext&) {
      child_ran = true;
      return TaskResult::ok();
    });
    return TaskResult::ok();
  });
  const auto report = group.join();
  EXPECT_TRUE(child_ran);
  ASSERT_EQ(report.results.size(), 2u);
  EXPECT_EQ(report.results[1].label, "child");
  EXPECT_EQ(report.results[1].status, Status::ok);
}

// Behaviour 14
TEST(TaskGroup, SpawnAfterJoinIsALogicError) {
  Executor ex(1);
  TaskGroup group(on(ex));
  group.join();
  EXPECT_THROW(group.spawn("x", [](TaskContext&) { return TaskResult::ok(); }), std::logic_error);
}

// Behaviour 15
TEST(TaskGroup, NestedGroupsCompleteOnOneWorker) {
  Executor ex(1);
  TaskGroup outer(on(ex));
  for (int o = 0; o < 3; ++o) {
    outer.spawn("outer", [](TaskContext& ctx) {
      GroupOptions inner_options;
      inner_options.executor = &ctx.executor();
      inner_options.parent = ctx.stop_token();
      TaskGroup inner(std::move(inner_options));
      for (int i = 0; i < 3; ++i) {
        inner.spawn("inner", [](TaskContext&) { return TaskResult::ok(); });
      }
      const auto r = inner.join();
      return r.all_ok() ? TaskResult::ok() : TaskResult::failed("inner");
    });
  }
  const auto report = outer.join();
  EXPECT_TRUE(report.all_ok());
  EXPECT_EQ(ex.threads_started(), 1u);
}

// Behaviour 16
TEST(TaskGroup, CancellingTheOuterGroupReachesInnerTasksAsParent) {
  Executor ex(4);
  std::latch inner_started(2);
  std::atomic<int> saw_parent{0};
  TaskGroup outer(on(ex));
  outer.spawn("outer", [&](TaskContext& ctx) {
    GroupOptions o;
    o.executor = &ctx.executor();
    o.parent = ctx.stop_token();
    TaskGroup inner(std::move(o));
    for (int i = 0; i < 2; ++i) {
      inner.spawn("inner", [&](TaskContext& ictx) {
        inner_started.count_down();
        wait_for_stop(ictx.stop_token());
        if (ictx.stop_reason() == StopReason::parent) {
          ++saw_parent;
        }
        return TaskResult::cancelled();
      });
    }
    const auto r = inner.join();
    EXPECT_EQ(r.stop_reason, StopReason::parent);
    return ctx.stop_requested() ? TaskResult::cancelled() : TaskResult::ok();
  });
  inner_started.wait();
  outer.cancel();
  const auto report = outer.join();
  EXPECT_EQ(saw_parent.load(), 2);
  EXPECT_EQ(report.results[0].status, Status::cancelled);
}

// Behaviour 17
TEST(TaskGroup, InnerFailFastCancelsOnlyInnerSiblings) {
  Executor ex(4);
  std::latch outer_sibling_ready(1);
  Gate release_outer_sibling;
  TaskGroup outer(on(ex));
  outer.spawn("outer-sibling", [&](TaskContext& ctx) {
    outer_sibling_ready.count_down();
    release_outer_sibling.wait();
    return ctx.stop_requested() ? TaskResult::cancelled() : TaskResult::ok();
  });
  outer.spawn("outer-with-inner", [&](TaskContext& ctx) {
    outer_sibling_ready.wait();
    GroupOptions o;
    o.executor = &ctx.executor();
    o.parent = ctx.stop_token();
    o.policy = ErrorPolicy::fail_fast;
    TaskGroup inner(std::move(o));
    std::latch waiter_running(1);
    inner.spawn("inner-waiter", [&](TaskContext& ictx) {
      waiter_running.count_down();
      return wait_then_cancelled(ictx);
    });
    inner.spawn("inner-fails", [&](TaskContext&) {
      waiter_running.wait();
      return TaskResult::failed("inner failure");
    });
    const auto r = inner.join();
    EXPECT_EQ(r.results[0].status, Status::cancelled);
    EXPECT_EQ(r.results[0].stop_reason, StopReason::sibling_failed);
    EXPECT_EQ(r.results[1].status, Status::failed);
    release_outer_sibling.open();
    return TaskResult::ok(); // it handled its inner failure
  });
  const auto report = outer.join();
  EXPECT_EQ(report.results[0].status, Status::ok);
  EXPECT_EQ(report.results[1].status, Status::ok);
  EXPECT_EQ(report.stop_reason, StopReason::none);
}

// Behaviour 22
TEST(TaskGroup, StopRequestedBeforeALinkForwardsAtOnce) {
  StopSignal parent;
  parent.request(StopReason::interrupted);
  StopSignal child;
  StopLink link(parent.token(), child, StopReason::parent, &parent);
  EXPECT_TRUE(child.requested());
  EXPECT_EQ(child.reason(), StopReason::interrupted);
  bool ran = false;
  std::stop_callback callback(child.token(), [&] { ran = true; });
  EXPECT_TRUE(ran); // the process-kill and git_remote_stop callbacks rely on this
}

TEST(TaskGroup, TheFirstStopReasonWins) {
  StopSignal s;
  EXPECT_TRUE(s.request(StopReason::deadline));
  EXPECT_FALSE(s.request(StopReason::interrupted));
  EXPECT_EQ(s.reason(), StopReason::deadline);
}

// Behaviour 23
TEST(TaskGroup, CompletionRacingCancelWritesTheSlotOnce) {
  Executor ex(2);
  for (int round = 0; round < 300; ++round) {
    TaskGroup group(on(ex));
    std::latch go(2);
    group.spawn("quick", [&](TaskContext&) {
      go.arrive_and_wait();
      return TaskResult::ok();
    });
    std::jthread canceller([&] {
      go.arrive_and_wait();
      group.cancel();
    });
    const auto report = group.join();
    ASSERT_EQ(report.results.size(), 1u);
    ASSERT_TRUE(is_one_of(report.results[0].status, {Status::ok, Status::cancelled}));
  }
}

// Behaviour 25
TEST(TaskGroup, JoinTwiceReturnsTheSameReport) {
  Executor ex(2);
  TaskGroup group(on(ex));
  group.spawn("a", [](TaskContext& ctx) {
    ctx.output() = "out";
    return TaskResult::failed("bad", 3);
  });
  const auto first = group.join();
  const auto second = group.join();
  ASSERT_EQ(second.results.size(), 1u);
  EXPECT_EQ(second.results[0].status, first.results[0].status);
  EXPECT_EQ(second.results[0].output.str(), "out");
  EXPECT_EQ(second.results[0].exit_code, 3);
}

TEST(TaskGroup, ATasksErrorsReachItsResultApartFromItsOutput) {
  Executor ex(2);
  TaskGroup group(on(ex));
  group.spawn("a", [](TaskContext& ctx) {
    ctx.output() = "out";
    ctx.errors() = "err";
    return TaskResult::ok();
  });
  group.spawn("b", [](TaskContext& ctx) -> TaskResult {
    ctx.errors() = "before the crash";
    throw std::runtime_error("bug");
  });
  const auto report = group.join();
  ASSERT_EQ(report.results.size(), 2u);
  EXPECT_EQ(report.results[0].output.str(), "out");
  EXPECT_EQ(report.results[0].errors.str(), "err");
  EXPECT_EQ(report.results[1].status, Status::crashed);
  EXPECT_EQ(report.results[1].errors.str(), "before the crash");
}

// Behaviour 26
TEST(TaskGroup, OnDoneRunsOnTheJoiningThreadInCompletionOrder) {
  Executor ex(3);
  Gate gates[3];
  std::vector<std::size_t> order;
  std::vector<std::thread::id> threads;
  TaskGroup group(on(ex));
  for (std::size_t i = 0; i < 3; ++i) {
    group.spawn(std::to_string(i), [&, i](TaskContext&) {
      gates[i].wait();
      return TaskResult::ok();
    });
  }
  JoinHooks hooks;
  hooks.on_done = [&](const TaskResult& r) {
    order.push_back(r.index);
    threads.push_back(std::this_thread::get_id());
    if (r.index > 0) {
      gates[r.index - 1].open(); // finish in the order 2, 1, 0
    }
  };
  gates[2].open();
  group.join(std::move(hooks));
  EXPECT_EQ(order, (std::vector<std::size_t>{2, 1, 0}));
  for (const auto& id : threads) {
    EXPECT_EQ(id, std::this_thread::get_id());
  }
}

TEST(TaskGroup, AThrowingOnDoneStillJoinsThenPropagates) {
  Executor ex(2);
  Gauge running;
  TaskGroup group(on(ex));
  group.spawn("first", [](TaskContext&) { return TaskResult::ok(); });
  for (int i = 0; i < 3; ++i) {
    group.spawn("waits", [&](TaskContext& ctx) {
      running.enter();
      wait_for_stop(ctx.stop_token());
      running.leave();
      return TaskResult::cancelled();
    });
  }
  EXPECT_THROW(group.join([](const TaskResult&) { throw std::runtime_error("render failed"); }),
               std::runtime_error);
  EXPECT_EQ(running.current(), 0);
}

TEST(TaskGroup, ReleasedOutputsAreNotKeptInTheReport) {
  Executor ex(1);
  TaskGroup group(on(ex));
  group.spawn("a", [](TaskContext& ctx) {
    ctx.output() = std::string(1 << 20, 'x');
    return TaskResult::ok();
  });
  std::size_t seen = 0;
  JoinHooks hooks;
  hooks.on_done = [&](const TaskResult& r) { seen = r.output.size(); };
  hooks.keep_output = false;
  const auto report = group.join(std::move(hooks));
  EXPECT_EQ(seen, 1u << 20);
  EXPECT_TRUE(report.results[0].output.empty());
}

} // namespace mr::task
