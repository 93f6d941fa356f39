// Where the executor gets the time from. Production code uses the steady clock; tests of
// deadlines use ManualTime and advance it by hand instead of sleeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>
#include <vector>

namespace mr::task {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

class TimeSource {
public:
  virtual ~TimeSource() = default;
  virtual TimePoint now() const = 0;
  // Waits on `cv` (whose mutex `lock` holds) until notified or until `deadline` has come
  // by this source's time. Spurious returns are allowed; callers re-check.
  virtual void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                          TimePoint deadline) = 0;
};

// The steady clock.
TimeSource& steady_time();

// Time that moves only when advance() is called. Waiters are woken on each advance.
class ManualTime final : public TimeSource {
public:
  explicit ManualTime(TimePoint start = TimePoint{} + std::chrono::hours(1)) : m_now(start) {}
  TimePoint now() const override;
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                  TimePoint deadline) override;
  void advance(Duration by);

private:
  mutable std::mutex m_mutex;
  TimePoint m_now;
  std::vector<std::pair<std::mutex*, std::condition_variable*>> m_waiters;
};

} // namespace mr::task
