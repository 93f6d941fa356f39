// One thread that requests stop (reason: deadline) on signals whose deadline has passed.
// Started on the first add(); entries are removed when their task or scope ends.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <mr/task/stop.hpp>
#include <mr/task/time_source.hpp>

namespace mr::task {

class DeadlineWatcher {
public:
  using Handle = std::uint64_t;

  explicit DeadlineWatcher(TimeSource& time = steady_time()) : m_time(time) {}
  ~DeadlineWatcher();
  DeadlineWatcher(const DeadlineWatcher&) = delete;
  DeadlineWatcher& operator=(const DeadlineWatcher&) = delete;

  // At `when`, `target` (if still alive) gets request(StopReason::deadline).
  Handle add(TimePoint when, std::weak_ptr<StopSignal> target);
  void remove(Handle handle);

  TimeSource& time() const { return m_time; }
  bool started() const;

private:
  void loop(const std::stop_token& stop);

  TimeSource& m_time;
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::map<std::pair<TimePoint, Handle>, std::weak_ptr<StopSignal>> m_entries;
  std::unordered_map<Handle, TimePoint> m_when;
  Handle m_next = 1;
  bool m_stopping = false;
  std::jthread m_thread; // last: joined first on destruction
};

} // namespace mr::task
