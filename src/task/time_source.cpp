#include <algorithm>

#include <mr/task/time_source.hpp>

namespace mr::task {

namespace {

class SteadyTime final : public TimeSource {
public:
  TimePoint now() const override { return Clock::now(); }
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                  TimePoint deadline) override {
    cv.wait_until(lock, deadline);
  }
};

} // namespace

TimeSource& steady_time() {
  static SteadyTime time;
  return time;
}

TimePoint ManualTime::now() const {
  std::lock_guard lock(m_mutex);
  return m_now;
}

void ManualTime::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                            TimePoint deadline) {
  {
    std::lock_guard guard(m_mutex);
    if (m_now >= deadline) {
      return;
    }
    m_waiters.emplace_back(lock.mutex(), &cv);
  }
  cv.wait(lock);
  std::lock_guard guard(m_mutex);
  const auto it = std::find(m_waiters.begin(), m_waiters.end(), std::pair{lock.mutex(), &cv});
  if (it != m_waiters.end()) {
    m_waiters.erase(it);
  }
}

void ManualTime::advance(Duration by) {
  std::vector<std::pair<std::mutex*, std::condition_variable*>> waiters;
  {
    std::lock_guard lock(m_mutex);
    m_now += by;
    waiters = m_waiters;
  }
  // Taking each waiter's own mutex orders this wake-up after its check of now(), so it
  // cannot be lost between that check and its wait.
  for (auto [mutex, cv] : waiters) {
    std::lock_guard lock(*mutex);
    cv->notify_all();
  }
}

} // namespace mr::task
