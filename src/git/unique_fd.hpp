// Private to src/git: a file descriptor closed when its owner goes.
#pragma once

#include <unistd.h>
#include <utility>

namespace mr::git {

class UniqueFd {
public:
  explicit UniqueFd(int fd = -1) : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }
  void reset() {
    if (m_fd >= 0) {
      ::close(std::exchange(m_fd, -1)); // also releases a lease or an flock held through it
    }
  }
  int get() const { return m_fd; }

private:
  int m_fd;
};

} // namespace mr::git
