#include "pack_debris.hpp"

#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace mr::git {

namespace {

constexpr std::string_view k_prefix = "pack_git2_";
constexpr auto k_dead_without_lease = std::chrono::hours(24);

// Removes `path` if every process that opened it has closed it. Only files we own.
void remove_if_abandoned(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return;
  }
  struct stat st {};
  bool dead = false;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid()) {
    if (::fcntl(fd, F_SETLEASE, F_WRLCK) == 0) {
      dead = true; // nobody else has it open; held until the unlink below is done
    } else if (errno != EAGAIN) {
      // No leases here: fall back on age. A writer moves its file forward constantly.
      const auto modified = std::chrono::system_clock::from_time_t(st.st_mtime);
      dead = std::chrono::system_clock::now() - modified > k_dead_without_lease;
    }
  }
  if (dead) {
    ::unlink(path.c_str());
  }
  ::close(fd); // releases the lease
}

} // namespace

void remove_dead_pack_temporaries(const std::filesystem::path& objects) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(objects / "pack", ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().filename().native().rfind(k_prefix, 0) == 0) {
      remove_if_abandoned(it->path());
    }
  }
}

} // namespace mr::git
