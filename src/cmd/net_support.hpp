// Private to src/cmd: what the network actions share across one invocation: the
// per-host connection limit, and the detail each repository shows on the progress line.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include <mr/task/capacity_limiter.hpp>

namespace mr::cmd {

// At most N network operations at once per host (settings.connections_per_host), so a
// thousand repositories on one server do not open a thousand connections.
class HostLimits {
public:
  explicit HostLimits(unsigned per_host) : m_per_host(per_host) {}
  // Holds a slot for `host` while the returned handle lives; null if `stop` fired first.
  std::shared_ptr<void> acquire(const std::string& host, std::stop_token stop);

private:
  std::mutex m_mutex;
  unsigned m_per_host;
  std::map<std::string, std::unique_ptr<task::CapacityLimiter>> m_limiters;
};

// What each running repository adds to the live progress line ("receiving 42%"), written
// by its task and read by the thread that draws the line.
class ProgressBoard {
public:
  explicit ProgressBoard(std::size_t repos) : m_detail(repos) {}
  void set(std::size_t index, std::string detail);
  std::string get(std::size_t index) const;

private:
  mutable std::mutex m_mutex;
  std::vector<std::string> m_detail;
};

} // namespace mr::cmd
