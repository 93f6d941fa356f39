#include "pause_point.hpp"

#include <chrono>
#include <csignal>
#include <system_error>
#include <thread>

namespace mr::test {

namespace fs = std::filesystem;

namespace {

RunOptions armed(RunOptions options, const std::string& point, const fs::path& marker) {
  options.env["MR_TEST_PAUSE"] = point;
  options.env["MR_TEST_PAUSE_FILE"] = marker.string();
  return options;
}

} // namespace

PausedRun::PausedRun(const std::vector<std::string>& argv, RunOptions options,
                     const std::string& point, const fs::path& scratch)
    : m_marker(scratch / ("pause-" + point)) {
  fs::create_directories(scratch);
  std::error_code ec;
  fs::remove(m_marker, ec);
  m_run = std::make_unique<Running>(argv, armed(std::move(options), point, m_marker));
}

PausedRun::~PausedRun() {
  std::error_code ec;
  fs::remove(m_marker, ec);
}

bool PausedRun::wait_paused() {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until) {
    if (fs::exists(m_marker)) {
      return true;
    }
    if (::kill(m_run->pid(), 0) != 0) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

RunResult PausedRun::kill9() {
  ::kill(m_run->pid(), SIGKILL);
  auto result = m_run->finish();
  std::error_code ec;
  fs::remove(m_marker, ec);
  return result;
}

RunResult PausedRun::resume() {
  std::error_code ec;
  fs::remove(m_marker, ec);
  return m_run->finish();
}

} // namespace mr::test
