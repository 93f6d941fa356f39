#include "pack_debris.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <string_view>
#include <unistd.h>

#include <mr/util/fd.hpp>

namespace mr::git {

namespace {

constexpr std::string_view k_debris_prefix = "pack_git2_";
constexpr auto k_dead_without_lease = std::chrono::hours(24);

} // namespace

Debris remove_if_abandoned(const std::filesystem::path& path,
                           const std::function<bool(const struct statx&)>& belongs) {
  const util::FdGuard fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  struct statx stx {};
  if (fd.get() < 0 ||
      ::statx(fd.get(), "", AT_EMPTY_PATH,
              STATX_TYPE | STATX_UID | STATX_INO | STATX_MTIME | STATX_BTIME, &stx) != 0 ||
      !S_ISREG(stx.stx_mode) || stx.stx_uid != ::geteuid() || !belongs(stx)) {
    return Debris::kept;
  }
  // Someone opening the file while we hold the lease makes the kernel signal us: SIGIO by
  // default, which would end mr; SIGURG is ignored unless handled.
  ::fcntl(fd.get(), F_SETSIG, SIGURG);
  if (::fcntl(fd.get(), F_SETLEASE, F_WRLCK) != 0) {
    if (errno == EAGAIN) {
      return Debris::in_use;
    }
    // No leases here: fall back on age. A writer moves its file forward constantly.
    const auto modified =
        std::chrono::system_clock::time_point(std::chrono::seconds(stx.stx_mtime.tv_sec));
    if (std::chrono::system_clock::now() - modified <= k_dead_without_lease) {
      return Debris::in_use;
    }
  }
  // Held until the unlink is done; the name must still be the file leased.
  struct stat now {};
  if (::lstat(path.c_str(), &now) != 0 || now.st_ino != stx.stx_ino ||
      ::unlink(path.c_str()) != 0) {
    return Debris::kept;
  }
  return Debris::removed;
}

void remove_dead_pack_temporaries(const std::filesystem::path& objects) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(objects / "pack", ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().filename().native().starts_with(k_debris_prefix)) {
      remove_if_abandoned(it->path(), [](const struct statx&) { return true; });
    }
  }
}

} // namespace mr::git
