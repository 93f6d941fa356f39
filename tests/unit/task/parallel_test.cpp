#include <atomic>
#include <chrono>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <mr/task/parallel.hpp>

namespace mr::task {

TEST(ParallelFor, RunsEveryIndexExactlyOnce) {
  Executor ex(3);
  std::vector<std::atomic<int>> seen(1000);
  parallel_for(ex, seen.size(), [&](std::size_t i) { seen[i].fetch_add(1); });
  for (const auto& s : seen) {
    EXPECT_EQ(s.load(), 1);
  }
  parallel_for(ex, 0, [&](std::size_t) { ADD_FAILURE() << "no index to run"; });
}

// Two indices that each wait for the other can only finish if an idle worker helps the
// caller: a serial loop would wait forever (bounded here, so the test fails instead).
TEST(ParallelFor, AnIdleWorkerHelpsTheCaller) {
  Executor ex(2);
  std::mutex mutex;
  std::condition_variable cv;
  int arrived = 0;
  bool both = true;
  parallel_for(ex, 2, [&](std::size_t) {
    std::unique_lock lock(mutex);
    ++arrived;
    cv.notify_all();
    if (!cv.wait_for(lock, std::chrono::seconds(20), [&] { return arrived == 2; })) {
      both = false;
    }
  });
  EXPECT_TRUE(both);
}

// From a worker while every other worker is busy: the caller does the whole loop itself and
// does not wait for the busy workers to come round to its helper jobs.
TEST(ParallelFor, ABusyPoolLeavesTheLoopToTheCaller) {
  Executor ex(2);
  std::latch release(1);
  std::latch other_started(1);
  ex.submit(nullptr, [&] {
    other_started.count_down();
    release.wait();
  });
  other_started.wait();
  std::latch done(1);
  std::atomic<bool> same_thread = true;
  ex.submit(nullptr, [&] {
    const auto me = std::this_thread::get_id();
    parallel_for(ex, 100, [&](std::size_t) {
      if (std::this_thread::get_id() != me) {
        same_thread = false;
      }
    });
    done.count_down();
  });
  done.wait(); // would hang if the caller waited for the blocked worker
  release.count_down();
  EXPECT_TRUE(same_thread.load());
}

TEST(ParallelFor, AnExceptionReachesTheCallerAfterEveryIndexRan) {
  Executor ex(2);
  std::atomic<int> ran = 0;
  EXPECT_THROW(parallel_for(ex, 50,
                            [&](std::size_t i) {
                              ran.fetch_add(1);
                              if (i == 7) {
                                throw std::runtime_error("index 7");
                              }
                            }),
               std::runtime_error);
  EXPECT_EQ(ran.load(), 50);
}

} // namespace mr::task
