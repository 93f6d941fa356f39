#include <atomic>
#include <latch>

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
