#include <algorithm>
#include <stdexcept>

#include <mr/task/capacity_limiter.hpp>

namespace mr::task {

CapacityLimiter::Permit& CapacityLimiter::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    if (m_owner != nullptr) {
      m_owner->release();
    }
    m_owner = std::exchange(other.m_owner, nullptr);
  }
  return *this;
}

CapacityLimiter::Permit::~Permit() {
  if (m_owner != nullptr) {
    m_owner->release();
  }
}

bool CapacityLimiter::holds(std::thread::id id) const {
  return std::find(m_borrowers.begin(), m_borrowers.end(), id) != m_borrowers.end();
}

std::optional<CapacityLimiter::Permit> CapacityLimiter::acquire(std::stop_token stop) {
  const auto me = std::this_thread::get_id();
  std::unique_lock lock(m_mutex);
  if (holds(me)) {
    throw std::logic_error("CapacityLimiter: this task already holds a permit");
  }
  if (!m_cv.wait(lock, stop, [this] { return m_borrowers.size() < m_total; })) {
    return std::nullopt;
  }
  m_borrowers.push_back(me);
  return Permit(this);
}

std::optional<CapacityLimiter::Permit> CapacityLimiter::try_acquire() {
  const auto me = std::this_thread::get_id();
  std::lock_guard lock(m_mutex);
  if (holds(me)) {
    throw std::logic_error("CapacityLimiter: this task already holds a permit");
  }
  if (m_borrowers.size() >= m_total) {
    return std::nullopt;
  }
  m_borrowers.push_back(me);
  return Permit(this);
}

void CapacityLimiter::release() noexcept {
  {
    std::lock_guard lock(m_mutex);
    // Permits are released on the thread that took them (tasks run on one thread).
    const auto it = std::find(m_borrowers.begin(), m_borrowers.end(), std::this_thread::get_id());
    if (it != m_borrowers.end()) {
      m_borrowers.erase(it);
    } else if (!m_borrowers.empty()) {
      m_borrowers.pop_back();
    }
  }
  m_cv.notify_all();
}

void CapacityLimiter::set_total_tokens(std::size_t total) {
  {
    std::lock_guard lock(m_mutex);
    m_total = total;
  }
  m_cv.notify_all();
}

std::size_t CapacityLimiter::borrowed() const {
  std::lock_guard lock(m_mutex);
  return m_borrowers.size();
}

std::size_t CapacityLimiter::total() const {
  std::lock_guard lock(m_mutex);
  return m_total;
}

} // namespace mr::task
