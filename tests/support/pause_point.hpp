// Stopping the mr binary at a named step (util/test_point.hpp) from a test: start mr with
// the point armed, wait until it gets there, then kill it with SIGKILL or let it go on.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "process.hpp"

namespace mr::test {

class PausedRun {
public:
  // Starts argv with `options`, adding MR_TEST_PAUSE=point and a marker file in `scratch`.
  PausedRun(const std::vector<std::string>& argv, RunOptions options, const std::string& point,
            const std::filesystem::path& scratch);
  ~PausedRun();
  PausedRun(const PausedRun&) = delete;
  PausedRun& operator=(const PausedRun&) = delete;

  // Waits (at most 60 s) for mr to reach the point; false if it finished or never got there.
  bool wait_paused();
  // SIGKILL to mr (and to its process group), then its result.
  RunResult kill9();
  // Lets mr go on past the point; its result once it exits.
  RunResult resume();
  int pid() const { return m_run->pid(); }

private:
  std::filesystem::path m_marker;
  std::unique_ptr<Running> m_run;
};

} // namespace mr::test
