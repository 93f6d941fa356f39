// CapacityLimiter (docs/task-group.md, "Capacity limiter" and behaviour 24).
#include <latch>
#include <thread>

#include <gtest/gtest.h>

#include <mr/task/capacity_limiter.hpp>
#include <mr/task/task_group.hpp>

#include "task_test_support.hpp"

namespace mr::task {

using testing::Gate;
using testing::Gauge;

namespace {
void wait_until(const std::function<bool()>& condition) {
  while (!condition()) {
    std::this_thread::yield();
  }
}
} // namespace

TEST(CapacityLimiter, BoundsConcurrencyAndRaisingTheTotalWakesWaiters) {
  Executor ex(8);
  CapacityLimiter limiter(2);
  Gauge gauge;
  Gate finish;
  GroupOptions o;
  o.executor = &ex;
  TaskGroup group(std::move(o));
  for (int i = 0; i < 50; ++i) {
    group.spawn("t", [&](TaskContext& ctx) {
      auto permit = limiter.acquire(ctx.stop_token());
      if (!permit) {
        return TaskResult::cancelled();
      }
      gauge.enter();
      finish.wait();
      gauge.leave();
      return TaskResult::ok();
    });
  }
  wait_until([&] { return gauge.current() == 2; });
  EXPECT_EQ(limiter.borrowed(), 2u);
  limiter.set_total_tokens(4);
  wait_until([&] { return gauge.current() == 4; });
  EXPECT_EQ(limiter.total(), 4u);
  finish.open();
  const auto report = group.join();
  EXPECT_EQ(report.count(Status::ok), 50u);
  EXPECT_EQ(gauge.high(), 4);
  EXPECT_EQ(limiter.borrowed(), 0u);
}

TEST(CapacityLimiter, ACancelledWaiterGetsNothingAndEndsCancelled) {
  Executor ex(1);
  CapacityLimiter limiter(1);
  auto held = limiter.try_acquire();
  ASSERT_TRUE(held);
  std::latch waiting(1);
  GroupOptions o;
  o.executor = &ex;
  TaskGroup group(std::move(o));
  group.spawn("waiter", [&](TaskContext& ctx) {
    waiting.count_down();
    auto permit = limiter.acquire(ctx.stop_token());
    return permit ? TaskResult::ok() : TaskResult::cancelled();
  });
  waiting.wait();
  group.cancel();
  const auto report = group.join();
  EXPECT_EQ(report.results[0].status, Status::cancelled);
  EXPECT_EQ(limiter.borrowed(), 1u);
}

TEST(CapacityLimiter, ATaskCannotBorrowTwice) {
  CapacityLimiter limiter(3);
  auto first = limiter.try_acquire();
  ASSERT_TRUE(first);
  EXPECT_THROW((void)limiter.try_acquire(), std::logic_error);
  EXPECT_THROW((void)limiter.acquire(std::stop_token()), std::logic_error);
}

TEST(CapacityLimiter, LoweringTheTotalRevokesNothing) {
  CapacityLimiter limiter(2);
  auto mine = limiter.try_acquire();
  ASSERT_TRUE(mine);
  std::latch other_holds(1);
  Gate release;
  std::jthread other([&] {
    auto theirs = limiter.try_acquire();
    EXPECT_TRUE(theirs);
    other_holds.count_down();
    release.wait();
  });
  other_holds.wait();
  limiter.set_total_tokens(1);
  EXPECT_EQ(limiter.borrowed(), 2u);
  mine.reset();
  EXPECT_EQ(limiter.borrowed(), 1u);
  EXPECT_FALSE(limiter.try_acquire()); // still at the (lowered) limit
  release.open();
}

} // namespace mr::task
