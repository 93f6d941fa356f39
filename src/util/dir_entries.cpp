#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>

#include <mr/util/dir_entries.hpp>

namespace mr::util {

namespace {

// The kernel's record (linux_dirent64), read field by field: records are only 8-byte
// aligned in the buffer and d_name runs to d_reclen.
constexpr std::size_t k_reclen_at = 16;
constexpr std::size_t k_type_at = 18;
constexpr std::size_t k_name_at = 19;

} // namespace

int for_each_entry(int fd, const std::function<bool(std::string_view, unsigned char)>& visit) {
  alignas(8) char buf[32768];
  for (;;) {
    const long n = ::syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    if (n == 0) {
      return 0;
    }
    for (long at = 0; at < n;) {
      std::uint16_t reclen = 0;
      std::memcpy(&reclen, buf + at + k_reclen_at, sizeof reclen);
      if (reclen <= k_name_at || at + reclen > n) {
        return EIO; // not what the kernel writes
      }
      const char* name = buf + at + k_name_at;
      const std::string_view entry(name, ::strnlen(name, reclen - k_name_at));
      const auto type = static_cast<unsigned char>(buf[static_cast<std::size_t>(at) + k_type_at]);
      at += reclen;
      if (entry == "." || entry == "..") {
        continue;
      }
      if (!visit(entry, type)) {
        return 0;
      }
    }
  }
}

} // namespace mr::util
