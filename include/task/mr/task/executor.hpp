// A bounded pool of worker threads (-j N) with one FIFO queue. Threads start lazily, one
// per job submitted while more jobs wait than workers are idle, up to N; 10,000 queued jobs are
// 10,000 closures, not 10,000 threads. The executor knows nothing about task groups: a job is a
// closure and a tag, and a group joining from a worker thread runs its own queued jobs (by tag)
// instead of blocking, so nested groups cannot deadlock even at -j 1.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <mr/task/deadline_watcher.hpp>
#include <mr/task/time_source.hpp>
#include <mr/task/unique_function.hpp>

namespace mr::task {

class Executor {
public:
  explicit Executor(std::size_t workers, TimeSource& time = steady_time());
  // Precondition: no task group using it is alive. Stops and joins the workers.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  std::size_t size() const noexcept { return m_size; }
  std::size_t threads_started() const;
  DeadlineWatcher& deadlines() noexcept { return m_deadlines; }
  TimeSource& time() const noexcept { return m_deadlines.time(); }

  // Queues `run`; `tag` identifies its owner for run_one_tagged().
  void submit(const void* tag, UniqueFunction<void()> run);

  // Runs one queued job tagged `tag` on the calling thread; false if there is none.
  bool run_one_tagged(const void* tag);

  // Whether the calling thread is one of this executor's workers.
  bool on_worker_thread() const noexcept;

private:
  struct Job {
    const void* tag = nullptr;
    UniqueFunction<void()> run;
  };
  void work(const std::stop_token& stop);

  const std::size_t m_size;
  mutable std::mutex m_mutex;
  std::condition_variable_any m_cv;
  std::deque<Job> m_queue;
  std::size_t m_idle = 0;
  DeadlineWatcher m_deadlines;
  std::vector<std::jthread> m_threads; // last: stopped and joined first
};

} // namespace mr::task
