#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>

#include <mr/task/parallel.hpp>

namespace mr::task {

namespace {

struct Shared {
  Shared(const std::function<void(std::size_t)>& b, std::size_t count) : body(b), n(count) {}
  const std::function<void(std::size_t)>& body;
  const std::size_t n;
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::condition_variable done;
  std::size_t queued = 0; // helper jobs submitted and not yet finished
  std::exception_ptr error;

  // Runs indices until none is left.
  void drain() {
    for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      try {
        body(i);
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!error) {
          error = std::current_exception();
        }
      }
    }
  }
};

} // namespace

void parallel_for(Executor& executor, std::size_t n, const std::function<void(std::size_t)>& body) {
  Shared shared(body, n);
  const std::size_t helpers = std::min(executor.size(), n) - (n == 0 ? 0 : 1);
  shared.queued = helpers;
  for (std::size_t h = 0; h < helpers; ++h) {
    executor.submit(&shared, [&shared] {
      shared.drain();
      const std::lock_guard lock(shared.mutex);
      if (--shared.queued == 0) {
        shared.done.notify_all();
      }
    });
  }
  shared.drain();
  // Helpers nobody took: run here (they find no index left and only count themselves done).
  while (executor.run_one_tagged(&shared)) {
  }
  std::unique_lock lock(shared.mutex);
  shared.done.wait(lock, [&] { return shared.queued == 0; });
  if (shared.error) {
    std::rethrow_exception(shared.error);
  }
}

} // namespace mr::task
