#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unordered_set>

#include <mr/proc/process.hpp>
#include <mr/util/strings.hpp>

#include "spawn.hpp"
#include "watchdog.hpp"

namespace mr::proc {

namespace {

using Clock = std::chrono::steady_clock;

// How long output may still arrive after the child exited before what holds the pipe open
// is dealt with, and how often /proc is looked at meanwhile.
constexpr std::chrono::milliseconds k_linger{100};
// After the group's SIGKILL: how long before the pipe is closed regardless.
constexpr std::chrono::milliseconds k_abandon{500};

// Live child process groups, for signal_all(). A group is listed only while its leader is
// not reaped, so its id cannot have been reused by an unrelated group.
std::mutex g_groups_mutex;
std::unordered_set<pid_t> g_groups;

Result<void> make_pipe(util::FdGuard& read_end, util::FdGuard& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return fail("cannot create a pipe: " + util::errno_text(errno));
  }
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return {};
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

// Makes `pgid` the foreground of `terminal`. SIGTTOU is blocked meanwhile: mr is not in
// the foreground when it takes the terminal back from its child.
void take_terminal(int terminal, pid_t pgid) {
  sigset_t ttou;
  sigset_t old;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  ::pthread_sigmask(SIG_BLOCK, &ttou, &old);
  (void)::tcsetpgrp(terminal, pgid);
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

// The started child: listed for signal_all() while it runs; on every way out of run(),
// exceptions included, its group is killed and it is reaped.
class Child {
public:
  Child(pid_t pid, std::chrono::milliseconds grace)
      : m_pid(pid), m_pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))) {
    std::lock_guard lock(g_groups_mutex);
    g_groups.insert(pid);
    detail::watch_group(pid, grace);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() { reap(); }

  pid_t pid() const { return m_pid; }
  int pidfd() const { return m_pidfd.get(); }
  void signal_group(int sig) const { ::kill(-m_pid, sig); }

  // Whether it has exited (left a zombie, not reaped: its pid and group id stay ours).
  bool poll_exit(Outcome& outcome) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(m_pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
        info.si_pid != m_pid) {
      return false;
    }
    if (info.si_code == CLD_EXITED) {
      outcome.exit_code = info.si_status;
    } else {
      outcome.signal = info.si_status;
      outcome.exit_code = 128 + info.si_status;
    }
    return true;
  }

  // Kills what is left of the group, then reaps the leader. Waits for it if it has not
  // exited (it has been sent SIGKILL).
  void reap() noexcept {
    if (m_reaped) {
      return;
    }
    signal_group(SIGKILL);
    {
      std::lock_guard lock(g_groups_mutex);
      g_groups.erase(m_pid);
      detail::unwatch_group(m_pid);
    }
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_reaped = true;
  }

private:
  pid_t m_pid;
  util::FdGuard m_pidfd; // tells when it exits even while grandchildren keep the pipe open
  bool m_reaped = false;
};

// Where one stream's bytes go: the task's buffer, or a string bounded by max_data.
struct Sink {
  util::FdGuard fd;
  task::OutputBuffer* buffer = nullptr;
  std::string* text = nullptr;

  void put(std::string_view bytes) {
    if (buffer != nullptr) {
      buffer->append(bytes);
    } else {
      text->append(bytes);
    }
  }
  std::size_t size() const { return buffer != nullptr ? buffer->size() : text->size(); }
};

// The loop that feeds the child's stdin, drains its output and ends it when asked.
class Supervisor {
public:
  Supervisor(const Command& command, Child& child, Sink* out, Sink* err, util::FdGuard& in,
             const std::stop_token& stop, const Options& options, int terminal)
      : m_command(command), m_child(child), m_out(out), m_err(err), m_in(in),
        m_input(command.input ? &*command.input : nullptr), m_stop(stop), m_options(options),
        m_terminal(terminal) {}

  Result<Outcome> run();

private:
  bool streams_open() const {
    return (m_out != nullptr && m_out->fd.open()) || (m_err != nullptr && m_err->fd.open());
  }
  int open_stream() const {
    return m_out != nullptr && m_out->fd.open() ? m_out->fd.get() : m_err->fd.get();
  }
  void follow_stop();
  void terminate(Clock::time_point now);
  void act_on_time(Clock::time_point now);
  void abandon(bool report);
  void feed_input();
  void drain(Sink& sink);

  const Command& m_command;
  Child& m_child;
  Sink* m_out;
  Sink* m_err;
  util::FdGuard& m_in;
  const std::string* m_input;
  const std::stop_token& m_stop;
  const Options& m_options;
  int m_terminal; // the terminal the child has as its foreground, or -1

  Outcome m_outcome;
  bool m_exited = false;
  bool m_termed = false;
  bool m_too_much = false;
  std::size_t m_input_written = 0;
  Clock::time_point m_exited_at{};
  Clock::time_point m_termed_at{};
  Clock::time_point m_killed_at{};
  Clock::time_point m_scanned_at{};
};

void Supervisor::terminate(Clock::time_point now) {
  if (!m_termed) {
    m_child.signal_group(SIGTERM);
    m_termed = true;
    m_termed_at = now;
  }
}

void Supervisor::abandon(bool report) {
  if (report && streams_open()) {
    for (const auto& h : detail::pipe_holders(open_stream())) {
      m_outcome.left_running.push_back(std::to_string(h.pid) +
                                       (h.command.empty() ? "" : " (" + h.command + ")"));
    }
  }
  for (Sink* sink : {m_out, m_err}) {
    if (sink != nullptr) {
      sink->fd.reset();
    }
  }
}

// The child has exited but its output is still open: whoever holds it is either in its
// group (cancel the group, as for a stop) or has left it (stop reading, say who).
void Supervisor::act_on_time(Clock::time_point now) {
  if (m_stop.stop_requested() && !m_termed) {
    terminate(now);
    m_outcome.stopped = true;
  }
  if (m_termed && !m_outcome.killed && now - m_termed_at >= m_options.grace) {
    m_child.signal_group(SIGKILL);
    m_outcome.killed = true;
    m_killed_at = now;
  }
  if (!m_exited || !streams_open() || now - m_exited_at < k_linger ||
      now - m_scanned_at < k_linger) {
    return;
  }
  if (m_outcome.killed && now - m_killed_at >= k_abandon) {
    abandon(true);
    return;
  }
  m_scanned_at = now;
  const auto holders = detail::pipe_holders(open_stream());
  const bool in_group = std::any_of(holders.begin(), holders.end(),
                                    [&](const auto& h) { return h.pgid == m_child.pid(); });
  if (in_group || holders.empty()) {
    terminate(now); // (empty: we cannot see them; the group is the best guess)
  } else {
    abandon(true);
  }
}

void Supervisor::feed_input() {
  const ssize_t put = write_no_sigpipe(m_in.get(), m_input->data() + m_input_written,
                                       m_input->size() - m_input_written);
  if (put > 0) {
    m_input_written += static_cast<std::size_t>(put);
  }
  if ((put < 0 && errno != EINTR && errno != EAGAIN) || m_input_written == m_input->size()) {
    m_in.reset(); // all given (or the child stopped reading): EOF
  }
}

void Supervisor::drain(Sink& sink) {
  // Small: every job's thread keeps the stack pages it touched, and with -j100 a 64 KiB
  // buffer alone would hold 6 MiB.
  char buf[16384];
  const ssize_t got = ::read(sink.fd.get(), buf, sizeof buf);
  if (got > 0) {
    sink.put(std::string_view(buf, static_cast<std::size_t>(got)));
    if (sink.text != nullptr && sink.size() > m_options.max_data) {
      m_too_much = true;
      terminate(Clock::now());
      abandon(false);
    }
  } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
    sink.fd.reset();
  }
}

// The child on the terminal was stopped (Ctrl-Z, or SIGTTIN): mr stops too, as a shell's
// job would, with the terminal given back to it, so the user's shell takes over. When mr is
// continued, so is the child, in the foreground again if mr is.
void Supervisor::follow_stop() {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(m_child.pid()), &info, WSTOPPED | WNOHANG) != 0 ||
      info.si_pid != m_child.pid()) {
    return;
  }
  take_terminal(m_terminal, ::getpgrp());
  ::kill(::getpid(), SIGSTOP);
  if (::tcgetpgrp(m_terminal) == ::getpgrp()) {
    take_terminal(m_terminal, m_child.pid());
  }
  m_child.signal_group(SIGCONT);
}

Result<Outcome> Supervisor::run() {
  if (m_input != nullptr && m_input->empty()) {
    m_in.reset();
  }
  while (!m_exited || streams_open()) {
    act_on_time(Clock::now());
    pollfd fds[4];
    nfds_t n = 0;
    Sink* sinks[4] = {};
    const auto watch = [&](int fd, short events, Sink* sink) {
      sinks[n] = sink;
      fds[n++] = {fd, events, 0};
    };
    if (m_out != nullptr && m_out->fd.open()) {
      watch(m_out->fd.get(), POLLIN, m_out);
    }
    if (m_err != nullptr && m_err->fd.open()) {
      watch(m_err->fd.get(), POLLIN, m_err);
    }
    const bool feeding = m_in.open();
    if (feeding) {
      watch(m_in.get(), POLLOUT, nullptr);
    }
    const bool have_pidfd = m_child.pidfd() >= 0 && !m_exited;
    if (have_pidfd) {
      watch(m_child.pidfd(), POLLIN, nullptr);
    }
    // Without a pidfd (old kernels), poll in short steps to notice the exit; on a terminal,
    // to notice a stop (Ctrl-Z), which the pidfd does not tell.
    const int timeout_ms = m_terminal >= 0 ? 20 : (have_pidfd || m_exited) ? 50 : 5;
    if (::poll(fds, n, timeout_ms) < 0 && errno != EINTR) {
      return fail("cannot wait for " + std::to_string(m_child.pid()) + ": " +
                  util::errno_text(errno));
    }
    for (nfds_t i = 0; i < n; ++i) {
      if ((fds[i].revents & (POLLIN | POLLOUT | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      if (sinks[i] != nullptr && sinks[i]->fd.get() == fds[i].fd) {
        drain(*sinks[i]);
      } else if (feeding && fds[i].fd == m_in.get()) {
        feed_input();
      }
    }
    if (!m_exited && m_child.poll_exit(m_outcome)) {
      m_exited = true;
      m_exited_at = Clock::now();
    } else if (!m_exited && m_terminal >= 0) {
      follow_stop();
    }
  }
  m_child.reap();
  if (m_terminal >= 0) {
    take_terminal(m_terminal, ::getpgrp());
  }
  if (m_too_much) {
    return fail(util::join(m_command.argv, " ") + " printed more than " +
                std::to_string(m_options.max_data) + " bytes; stopped it");
  }
  return m_outcome;
}

// The child's ends of its pipes (closed in mr once it has them), and the end mr writes its
// input to.
struct ChildEnds {
  util::FdGuard out_write;
  util::FdGuard err_write;
  util::FdGuard in_read;
  util::FdGuard in_write;

  detail::ChildFds fds(bool merged) const {
    return {in_read.open() ? in_read.get() : STDIN_FILENO, out_write.get(),
            merged ? out_write.get() : err_write.get()};
  }
};

// A command attached to mr's own streams, with the terminal on stdin if mr has it.
Result<Outcome> run_attached(const Command& command, const std::stop_token& stop,
                             const Options& options) {
  const int terminal = terminal_on_stdin() ? STDIN_FILENO : -1;
  MR_TRY_VAR(pid, detail::spawn(command, {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO, terminal}));
  Child child(*pid, options.grace);
  util::FdGuard no_input;
  Supervisor supervisor(command, child, nullptr, nullptr, no_input, stop, options, terminal);
  return supervisor.run();
}

Result<void> set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    return fail("cannot set up a pipe: " + util::errno_text(errno));
  }
  return {};
}

// The pipes for the child's output (into `out` and `err`) and its input, if it has any.
Result<ChildEnds> open_pipes(const Command& command, Sink& out, Sink* err) {
  ChildEnds ends;
  MR_TRY(make_pipe(out.fd, ends.out_write));
  if (err != nullptr) {
    MR_TRY(make_pipe(err->fd, ends.err_write));
  }
  if (command.input) {
    MR_TRY(make_pipe(ends.in_read, ends.in_write));
    MR_TRY(set_nonblocking(ends.in_write.get()));
  } else if (command.stdin_null) {
    ends.in_read.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!ends.in_read.open()) {
      return fail("cannot open /dev/null: " + util::errno_text(errno));
    }
  }
  return ends;
}

// `err` null: stderr goes with stdout into `out`, in the order written.
Result<Outcome> run_child(const Command& command, Sink& out, Sink* err, const std::stop_token& stop,
                          const Options& options) {
  if (command.attached) {
    return run_attached(command, stop, options);
  }
  MR_TRY_VAR(ends, open_pipes(command, out, err));
  MR_TRY_VAR(pid, detail::spawn(command, ends->fds(err == nullptr)));
  // Only the child writes now: EOF comes when it and its heirs are done.
  ends->out_write.reset();
  ends->err_write.reset();
  ends->in_read.reset();
  Child child(*pid, options.grace);
  Supervisor supervisor(command, child, &out, err, ends->in_write, stop, options, -1);
  return supervisor.run();
}

} // namespace

Result<Outcome> run(const Command& command, task::OutputBuffer& output, const std::stop_token& stop,
                    const Options& options) {
  Sink out;
  out.buffer = &output;
  return run_child(command, out, nullptr, stop, options);
}

Result<Outcome> run(const Command& command, task::OutputBuffer& output, task::OutputBuffer& errors,
                    const std::stop_token& stop, const Options& options) {
  Sink out;
  out.buffer = &output;
  Sink err;
  err.buffer = &errors;
  return run_child(command, out, &err, stop, options);
}

Result<Outcome> run(const Command& command, std::string& output, std::string& errors,
                    const std::stop_token& stop, const Options& options) {
  Sink out;
  out.text = &output;
  Sink err;
  err.text = &errors;
  return run_child(command, out, &err, stop, options);
}

std::string left_running_note(const Outcome& outcome) {
  if (outcome.left_running.empty()) {
    return {};
  }
  return "mr: stopped reading the output: " + util::join(outcome.left_running, ", ") +
         " left the command's process group and still holds it open\n";
}

void signal_all(int sig) noexcept {
  std::lock_guard lock(g_groups_mutex);
  for (const pid_t pgid : g_groups) {
    ::kill(-pgid, sig);
  }
}

void kill_all_now() noexcept {
  std::unique_lock lock(g_groups_mutex, std::try_to_lock);
  if (!lock.owns_lock()) {
    return; // the watchdog kills the groups once mr is gone
  }
  for (const pid_t pgid : g_groups) {
    ::kill(-pgid, SIGKILL);
  }
}

bool terminal_on_stdin() noexcept {
  return ::isatty(STDIN_FILENO) == 1 && ::tcgetpgrp(STDIN_FILENO) == ::getpgrp();
}

std::size_t running_count() noexcept {
  std::lock_guard lock(g_groups_mutex);
  return g_groups.size();
}

} // namespace mr::proc
