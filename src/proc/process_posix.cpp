#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unordered_set>

#include <mr/proc/process.hpp>
#include <mr/util/strings.hpp>

extern char** environ;

namespace mr::proc {

namespace {

// How long output may still arrive after the child exited before what holds the pipe open
// is killed.
constexpr std::chrono::milliseconds k_linger{100};

// Live child process groups, for signal_all().
std::mutex g_groups_mutex;
std::unordered_set<pid_t> g_groups;

class GroupRegistration {
public:
  explicit GroupRegistration(pid_t pgid) : m_pgid(pgid) {
    std::lock_guard lock(g_groups_mutex);
    g_groups.insert(pgid);
  }
  ~GroupRegistration() {
    std::lock_guard lock(g_groups_mutex);
    g_groups.erase(m_pgid);
  }
  GroupRegistration(const GroupRegistration&) = delete;
  GroupRegistration& operator=(const GroupRegistration&) = delete;

private:
  pid_t m_pgid;
};

class Fd {
public:
  explicit Fd(int fd = -1) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return m_fd; }
  void reset(int fd = -1) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = fd;
  }

private:
  int m_fd;
};

// The environment of the child: ours, with `overrides` replacing or adding variables.
std::vector<std::string>
child_environment(const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto eq = entry.find('=');
    const auto name = entry.substr(0, eq);
    bool replaced = false;
    for (const auto& [k, v] : overrides) {
      if (k == name) {
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      env.emplace_back(entry);
    }
  }
  for (const auto& [k, v] : overrides) {
    env.push_back(k + "=" + v);
  }
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

// write() to a child's stdin that may have exited: EPIPE instead of a SIGPIPE that would
// end mr (its caller may not block SIGPIPE, as the test programs do not).
ssize_t write_no_sigpipe(int fd, const char* data, std::size_t len) {
  sigset_t pipe_set;
  sigset_t old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  const ssize_t put = ::write(fd, data, len);
  const int saved = errno;
  if (put < 0 && saved == EPIPE && !was_pending) {
    const timespec no_wait{};
    while (::sigtimedwait(&pipe_set, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = saved;
  return put;
}

int decode(int status, Outcome& outcome) {
  if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
    return 128 + outcome.signal;
  }
  return WEXITSTATUS(status);
}

} // namespace

namespace {

// `errors` null: stderr goes with stdout into `output`, in the order written.
Result<Outcome> run_child(const Command& command, std::string& output, std::string* errors,
                          const std::stop_token& stop, const Options& options) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return fail("cannot create a pipe: " + util::errno_text(errno));
  }
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  Fd err_read;
  Fd err_write;
  if (errors != nullptr) {
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      return fail("cannot create a pipe: " + util::errno_text(errno));
    }
    err_read.reset(fds[0]);
    err_write.reset(fds[1]);
  }
  Fd in_read;
  Fd in_write;
  if (command.input) {
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      return fail("cannot create a pipe: " + util::errno_text(errno));
    }
    in_read.reset(fds[0]);
    in_write.reset(fds[1]);
    ::fcntl(in_write.get(), F_SETFL, ::fcntl(in_write.get(), F_GETFL) | O_NONBLOCK);
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errors != nullptr ? err_write.get() : write_end.get(),
                                   STDERR_FILENO);
  if (command.input) {
    posix_spawn_file_actions_adddup2(&actions, in_read.get(), STDIN_FILENO);
  } else if (command.stdin_null) {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  if (!command.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, command.cwd.c_str());
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a cancel reaches grandchildren and a terminal's Ctrl-C
  // reaches only mr, which then cancels children in order. Signals mr blocks or ignores
  // are restored for the child.
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigdefault(&attr, &defaults);

  auto env = child_environment(command.env);
  auto envp = pointers(env);
  auto args = command.argv;
  auto argv = pointers(args);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  write_end.reset(); // only the child writes now: EOF comes when it and its heirs are done
  err_write.reset();
  in_read.reset();
  if (rc != 0) {
    return fail("cannot run " + command.argv[0] + ": " + util::errno_text(rc));
  }
  const GroupRegistration registration(pid);

  // A pidfd tells when the child exits even while grandchildren keep the pipe open.
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));

  Outcome outcome;
  bool exited = false;
  bool pipe_open = true;
  bool err_open = errors != nullptr;
  std::size_t input_written = 0;
  if (command.input && command.input->empty()) {
    in_write.reset();
  }
  bool termed = false;
  auto termed_at = std::chrono::steady_clock::now();
  auto exited_at = termed_at;
  char buf[65536];
  while (!exited || pipe_open || err_open) {
    const auto now = std::chrono::steady_clock::now();
    if (stop.stop_requested() && !termed) {
      ::kill(-pid, SIGTERM);
      termed = true;
      termed_at = now;
      outcome.stopped = true;
    }
    if (exited && (pipe_open || err_open) && !termed && now - exited_at >= k_linger) {
      // The child is gone but something it started still holds the pipe: it goes too.
      ::kill(-pid, SIGTERM);
      termed = true;
      termed_at = now;
    }
    if (termed && !outcome.killed && now - termed_at >= options.grace) {
      ::kill(-pid, SIGKILL);
      outcome.killed = true;
    }
    pollfd fds_to_poll[4];
    nfds_t n = 0;
    int out_slot = -1;
    int err_slot = -1;
    int in_slot = -1;
    if (pipe_open) {
      out_slot = static_cast<int>(n);
      fds_to_poll[n++] = {read_end.get(), POLLIN, 0};
    }
    if (err_open) {
      err_slot = static_cast<int>(n);
      fds_to_poll[n++] = {err_read.get(), POLLIN, 0};
    }
    if (in_write.get() >= 0) {
      in_slot = static_cast<int>(n);
      fds_to_poll[n++] = {in_write.get(), POLLOUT, 0};
    }
    const bool have_pidfd = pidfd.get() >= 0 && !exited;
    if (have_pidfd) {
      fds_to_poll[n++] = {pidfd.get(), POLLIN, 0};
    }
    // Without a pidfd (old kernels), poll in short steps to notice the exit.
    const int timeout_ms = (have_pidfd || exited) ? 50 : 5;
    const int ready = ::poll(fds_to_poll, n, timeout_ms);
    if (ready < 0 && errno != EINTR) {
      break;
    }
    const auto drain = [&](int slot, const Fd& fd, std::string& into, bool& open) {
      if (slot >= 0 && (fds_to_poll[slot].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        const ssize_t got = ::read(fd.get(), buf, sizeof buf);
        if (got > 0) {
          into.append(buf, static_cast<std::size_t>(got));
        } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
          open = false;
        }
      }
    };
    drain(out_slot, read_end, output, pipe_open);
    if (errors != nullptr) {
      drain(err_slot, err_read, *errors, err_open);
    }
    if (in_slot >= 0 && (fds_to_poll[in_slot].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t put = write_no_sigpipe(in_write.get(), command.input->data() + input_written,
                                           command.input->size() - input_written);
      if (put > 0) {
        input_written += static_cast<std::size_t>(put);
      }
      if ((put < 0 && errno != EINTR && errno != EAGAIN) ||
          input_written == command.input->size()) {
        in_write.reset(); // all given (or the child stopped reading): EOF
      }
    }
    if (!exited) {
      int status = 0;
      const pid_t done = ::waitpid(pid, &status, WNOHANG);
      if (done == pid) {
        exited = true;
        exited_at = std::chrono::steady_clock::now();
        outcome.exit_code = decode(status, outcome);
      }
    }
  }
  if (!exited) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    outcome.exit_code = decode(status, outcome);
  }
  if (termed) {
    ::kill(-pid, SIGKILL); // whatever is left of a group we cancelled
  }
  return outcome;
}

} // namespace

Result<Outcome> run(const Command& command, std::string& output, const std::stop_token& stop,
                    const Options& options) {
  return run_child(command, output, nullptr, stop, options);
}

Result<Outcome> run(const Command& command, std::string& output, std::string& errors,
                    const std::stop_token& stop, const Options& options) {
  return run_child(command, output, &errors, stop, options);
}

void signal_all(int sig) noexcept {
  std::lock_guard lock(g_groups_mutex);
  for (const pid_t pgid : g_groups) {
    ::kill(-pgid, sig);
  }
}

std::size_t running_count() noexcept {
  std::lock_guard lock(g_groups_mutex);
  return g_groups.size();
}

} // namespace mr::proc
