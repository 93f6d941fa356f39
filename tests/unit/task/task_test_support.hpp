// Helpers for the task tests: block until stop, one-shot gates, a concurrency gauge.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace mr::task::testing {

// Blocks until `stop` fires; no polling.
inline void wait_for_stop(const std::stop_token& stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait(lock, stop, [] { return false; });
}

// A gate that threads wait at until it is opened.
class Gate {
public:
  void open() {
    {
      std::lock_guard lock(m_mutex);
      m_open = true;
    }
    m_cv.notify_all();
  }
  void wait() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_open; });
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_open = false;
};

// How many are inside at once, and the most ever seen.
class Gauge {
public:
  void enter() {
    const int now = ++m_current;
    int high = m_high.load();
    while (now > high && !m_high.compare_exchange_weak(high, now)) {
    }
  }
  void leave() { --m_current; }
  int current() const { return m_current.load(); }
  int high() const { return m_high.load(); }

private:
  std::atomic<int> m_current{0};
  std::atomic<int> m_high{0};
};

} // namespace mr::task::testing
