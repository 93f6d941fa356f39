#include <atomic>
#include <chrono>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include <mr/task/executor.hpp>

namespace mr::task {

TEST(Executor, StartsThreadsLazilyUpToItsSize) {
  Executor ex(3);
  EXPECT_EQ(ex.size(), 3u);
  EXPECT_EQ(ex.threads_started(), 0u);
  std::latch done(10);
  for (int i = 0; i < 10; ++i) {
    ex.submit(nullptr, [&] { done.count_down(); });
  }
  done.wait();
  EXPECT_GE(ex.threads_started(), 1u);
  EXPECT_LE(ex.threads_started(), 3u);
}

// A worker that has gone idle and is notified, but not yet awake, must not be counted for
// two jobs: N blocking jobs submitted back to back all run at once.
TEST(Executor, BlockingJobsGetAllNWorkersAfterAnIdleOne) {
  Executor ex(4);
  std::latch first(1);
  ex.submit(nullptr, [&] { first.count_down(); });
  first.wait();
  ASSERT_EQ(ex.threads_started(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(20)); // the worker waits again
  std::mutex mutex;
  std::condition_variable cv;
  int running = 0;
  bool all_ran = false;
  for (int i = 0; i < 4; ++i) {
    ex.submit(nullptr, [&] {
      std::unique_lock lock(mutex);
      ++running;
      cv.notify_all();
      cv.wait_for(lock, std::chrono::seconds(5), [&] { return running == 4; });
    });
  }
  {
    std::unique_lock lock(mutex);
    all_ran = cv.wait_for(lock, std::chrono::seconds(5), [&] { return running == 4; });
  }
  EXPECT_TRUE(all_ran) << running << " of 4 ran at once";
  EXPECT_EQ(ex.threads_started(), 4u);
}

TEST(Executor, RunsTaggedJobsOnTheCallingThread) {
  Executor ex(1);
  std::latch worker_busy(1);
  std::latch release(1);
  ex.submit(nullptr, [&] {
    worker_busy.count_down();
    release.wait();
  });
  worker_busy.wait();
  int tag = 0;
  bool ran = false;
  ex.submit(&tag, [&] { ran = true; });
  EXPECT_FALSE(ex.run_one_tagged(nullptr)); // untagged jobs are not ours
  EXPECT_TRUE(ex.run_one_tagged(&tag));
  EXPECT_TRUE(ran);
  EXPECT_FALSE(ex.run_one_tagged(&tag));
  EXPECT_FALSE(ex.on_worker_thread());
  release.count_down();
}

TEST(Executor, ZeroWorkersMeansOne) {
  EXPECT_EQ(Executor(0).size(), 1u);
}

} // namespace mr::task
