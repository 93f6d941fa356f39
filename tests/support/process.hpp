// Running real programs from tests (the mr binary, git) with a controlled environment,
// capturing stdout and stderr separately.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mr::test {

struct RunResult {
  int exit_code = -1; // 128 + N when killed by signal N
  std::string out;
  std::string err;
};

struct RunOptions {
  std::filesystem::path cwd;
  std::map<std::string, std::string> env; // the whole environment of the child
  std::optional<std::string> input;       // stdin; /dev/null when unset
  bool stdin_open_pipe = false;           // stdin: a pipe nobody writes to or closes
  bool stderr_tty = false;                // stderr: a pseudo-terminal (its output in err)
  bool as_nobody = false;                 // when root: drop to uid/gid 65534 (setpriv)
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& options);

// A program started in the background with captured output; finish() waits for it.
class Running {
public:
  Running(const std::vector<std::string>& argv, const RunOptions& options);
  ~Running();
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
  int pid() const { return m_pid; }
  RunResult finish();

private:
  int m_pid = -1;
  int m_out = -1;
  int m_err = -1;
  int m_in = -1;
  bool m_err_is_tty = false;
  bool m_finished = false;
};

// Starts a process and returns its pid; output goes to /dev/null. For concurrency tests.
int spawn(const std::vector<std::string>& argv, const RunOptions& options);
// Waits for it; returns the exit code (128 + N on signal N).
int wait_for(int pid);

} // namespace mr::test
