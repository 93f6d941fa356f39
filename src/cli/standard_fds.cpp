#include <cerrno>
#include <fcntl.h>
#include <initializer_list>
#include <unistd.h>

#include <mr/cli/standard_fds.hpp>

namespace mr::cli {

void claim_standard_fds() noexcept {
  for (const int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) {
      continue;
    }
    // open() returns the lowest free number: this one, as the lower ones are open by now.
    const int opened = ::open("/dev/null", (fd == STDIN_FILENO ? O_WRONLY : O_RDONLY));
    if (opened != fd) {
      ::_exit(1); // nowhere to say why: stderr may be the one missing
    }
  }
}

} // namespace mr::cli
