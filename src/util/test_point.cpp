#include <mr/util/test_point.hpp>

#ifdef MR_TEST_POINTS

#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <mr/util/fd.hpp>

namespace mr::util {

void test_point(std::string_view name) noexcept {
  const char* wanted = std::getenv("MR_TEST_PAUSE");
  const char* marker = std::getenv("MR_TEST_PAUSE_FILE");
  if (wanted == nullptr || marker == nullptr || name != wanted) {
    return;
  }
  const std::string text = std::string(name) + " " + std::to_string(::getpid()) + "\n";
  const std::string tmp = std::string(marker) + ".tmp";
  // Written under another name and renamed, so the test never reads half of it.
  FdGuard fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.open()) {
    return;
  }
  const bool written = write_all(fd.get(), text);
  if (fd.close() != 0 || !written || ::rename(tmp.c_str(), marker) != 0) {
    return;
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  struct stat st {};
  while (::stat(marker, &st) == 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

} // namespace mr::util

#endif
