#include "process.hpp"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
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
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  } else {
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  }
  if (options.input) {
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
  if (options.input) {
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

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  auto child = start(argv, options, true);
  if (options.input) {
    const std::string& data = *options.input;
    std::size_t written = 0;
    while (written < data.size()) {
      const auto n = ::write(child.in_fd, data.data() + written, data.size() - written);
      if (n <= 0) {
        break;
      }
      written += static_cast<std::size_t>(n);
    }
    ::close(child.in_fd);
  }
  RunResult result;
  pollfd fds[2] = {{child.out_fd, POLLIN, 0}, {child.err_fd, POLLIN, 0}};
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
          ::close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
        }
      }
    }
  }
  result.exit_code = wait_for(child.pid);
  return result;
}

int spawn(const std::vector<std::string>& argv, const RunOptions& options) {
  return start(argv, options, false).pid;
}

} // namespace mr::test
