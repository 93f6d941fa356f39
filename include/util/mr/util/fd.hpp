// An owned file descriptor, closed when the owner goes (unless released first).
#pragma once

#include <string_view>
#include <unistd.h>
#include <utility>

namespace mr::util {

// Writes all of `data` to `fd`, retrying short writes and EINTR. False with errno set.
bool write_all(int fd, std::string_view data);

class FdGuard {
public:
  explicit FdGuard(int fd = -1) : m_fd(fd) {}
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  FdGuard(FdGuard&& other) noexcept : m_fd(other.release()) {}
  FdGuard& operator=(FdGuard&& other) noexcept {
    reset();
    m_fd = other.release();
    return *this;
  }
  ~FdGuard() { reset(); }
  // Closes the descriptor held, if any, and holds `fd` instead.
  void reset(int fd = -1) {
    if (const int old = std::exchange(m_fd, fd); old >= 0) {
      ::close(old);
    }
  }
  // Closes the descriptor now and says whether close() succeeded (-1 with errno set if
  // not): for a written file, where a failed close can mean lost data.
  int close() { return ::close(release()); }
  int get() const { return m_fd; }
  bool open() const { return m_fd >= 0; }
  int release() { return std::exchange(m_fd, -1); }

private:
  int m_fd;
};

} // namespace mr::util
