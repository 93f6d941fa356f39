#include "net_support.hpp"

namespace mr::cmd {

std::shared_ptr<void> HostLimits::acquire(const std::string& host, std::stop_token stop) {
  task::CapacityLimiter* limiter = nullptr;
  {
    std::lock_guard lock(m_mutex);
    auto& slot = m_limiters[host];
    if (!slot) {
      slot = std::make_unique<task::CapacityLimiter>(m_per_host);
    }
    limiter = slot.get(); // limiters live as long as this object: the whole invocation
  }
  auto permit = limiter->acquire(std::move(stop));
  if (!permit) {
    return nullptr;
  }
  return std::make_shared<task::CapacityLimiter::Permit>(std::move(*permit));
}

void ProgressBoard::set(std::size_t index, std::string detail) {
  std::lock_guard lock(m_mutex);
  m_detail[index] = std::move(detail);
}

std::string ProgressBoard::get(std::size_t index) const {
  std::lock_guard lock(m_mutex);
  return m_detail[index];
}

} // namespace mr::cmd
