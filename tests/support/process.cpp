#include "process.hpp"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace mr::test {

namespace {

struct Spawned {
  pid_t pid;
  int out_fd;
  int err_fd;
  int in_fd;
};

std::vector<std::string> with_privilege_drop(const std::vector<std::string>& argv, bool as_nobody) {
  if (!as_nobody || ::geteuid() != 0) {
    return argv;
  }
  std::vector<std::string> wrapped = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                      "--clear-groups", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

Spawned start(const std::vector<std::string>& argv_in, const RunOptions& options, bool capture) {
  const auto argv = with_privilege_drop(argv_in, options.as_nobody);
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  int in[2] = {-1, -1};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (capture) {
    if (::pipe2(out, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe failed");
    }
    if (options.stderr_tty) {
      winsize ws{};
      ws.ws_col = 100;
      ws.ws_row = 30;
      if (::openpty(&err[0], &err[1], nullptr, nullptr, &ws) != 0) {
        throw std::runtime_error("openpty failed");
      }
      ::fcntl(err[0], F_SETFD, FD_CLOEXEC);
      ::fcntl(err[1], F_SETFD, FD_CLOEXEC);
    } else if (::pipe2(err, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  } else {
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  }
  if (options.input || options.stdin_open_pipe) {
    if (::pipe2(in, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  } else {
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  }
  if (!options.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&fa, options.cwd.c_str());
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : options.env) {
    env_strings.push_back(k + "=" + v);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& a : args) {
    cargv.push_back(a.data());
  }
  cargv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(),
                                options.env.empty() ? environ : envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (capture) {
    ::close(out[1]);
    ::close(err[1]);
  }
  if (options.input || options.stdin_open_pipe) {
    ::close(in[0]);
  }
  if (rc != 0) {
    throw std::runtime_error("cannot start " + argv[0] + ": error " + std::to_string(rc));
  }
  return {pid, out[0], err[0], in[1]};
}

} // namespace

int wait_for(int pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return -1;
    }
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return WEXITSTATUS(status);
}

Running::Running(const std::vector<std::string>& argv, const RunOptions& options) {
  auto child = start(argv, options, true);
  m_pid = child.pid;
  m_out = child.out_fd;
  m_err = child.err_fd;
  m_in = child.in_fd;
  m_err_is_tty = options.stderr_tty;
  if (options.input) {
    const std::string& data = *options.input;
    std::size_t written = 0;
    while (written < data.size()) {
      const auto n = ::write(m_in, data.data() + written, data.size() - written);
      if (n <= 0) {
        break;
      }
      written += static_cast<std::size_t>(n);
    }
    ::close(m_in);
    m_in = -1;
  }
}

Running::~Running() {
  if (!m_finished) {
    finish();
  }
}

RunResult Running::finish() {
  m_finished = true;
  RunResult result;
  pollfd fds[2] = {{m_out, POLLIN, 0}, {m_err, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        const auto n = ::read(fds[i].fd, buf, sizeof buf);
        if (n > 0) {
          sinks[i]->append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
          // A pty reports EIO once the child side is closed.
          ::close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
        }
      }
    }
    if (m_err_is_tty && fds[0].fd < 0 && fds[1].fd >= 0) {
      // Our copy of the pty's child side is closed, but a pty may not report EOF until
      // the process is gone: stop reading once it has exited and nothing is pending.
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        char rest[65536];
        ssize_t n;
        ::fcntl(fds[1].fd, F_SETFL, O_NONBLOCK);
        while ((n = ::read(fds[1].fd, rest, sizeof rest)) > 0) {
          result.err.append(rest, static_cast<std::size_t>(n));
        }
        ::close(fds[1].fd);
        result.exit_code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
        if (m_in >= 0) {
          ::close(m_in);
        }
        return result;
      }
    }
  }
  if (m_in >= 0) {
    ::close(m_in);
    m_in = -1;
  }
  result.exit_code = wait_for(m_pid);
  return result;
}

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  return Running(argv, options).finish();
}

int spawn(const std::vector<std::string>& argv, const RunOptions& options) {
  return start(argv, options, false).pid;
}

} // namespace mr::test
