#include <vector>

#include <mr/task/deadline_watcher.hpp>

namespace mr::task {

DeadlineWatcher::~DeadlineWatcher() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_cv.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

DeadlineWatcher::Handle DeadlineWatcher::add(TimePoint when, std::weak_ptr<StopSignal> target) {
  std::lock_guard lock(m_mutex);
  const Handle handle = m_next++;
  m_entries.emplace(std::pair{when, handle}, std::move(target));
  m_when.emplace(handle, when);
  if (!m_thread.joinable()) {
    m_thread = std::jthread([this](const std::stop_token& st) { loop(st); });
  }
  m_cv.notify_all();
  return handle;
}

void DeadlineWatcher::remove(Handle handle) {
  std::lock_guard lock(m_mutex);
  const auto it = m_when.find(handle);
  if (it != m_when.end()) {
    m_entries.erase({it->second, handle});
    m_when.erase(it);
  }
}

bool DeadlineWatcher::started() const {
  std::lock_guard lock(m_mutex);
  return m_thread.joinable();
}

void DeadlineWatcher::loop(const std::stop_token& stop) {
  std::unique_lock lock(m_mutex);
  while (!m_stopping && !stop.stop_requested()) {
    const TimePoint now = m_time.now();
    std::vector<std::shared_ptr<StopSignal>> expired;
    while (!m_entries.empty() && m_entries.begin()->first.first <= now) {
      if (auto target = m_entries.begin()->second.lock()) {
        expired.push_back(std::move(target));
      }
      m_when.erase(m_entries.begin()->first.second);
      m_entries.erase(m_entries.begin());
    }
    if (!expired.empty()) {
      // Requesting stop runs stop callbacks (killing processes, ...): not under our lock.
      lock.unlock();
      for (auto& target : expired) {
        target->request(StopReason::deadline);
      }
      expired.clear();
      lock.lock();
      continue;
    }
    if (m_entries.empty()) {
      m_cv.wait(lock);
    } else {
      m_time.wait_until(lock, m_cv, m_entries.begin()->first.first);
    }
  }
}

} // namespace mr::task
