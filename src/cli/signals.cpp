#include <cerrno>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <mr/cli/signals.hpp>
#include <mr/proc/process.hpp>

namespace mr::cli {

namespace {

sigset_t cancel_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

void write_stderr(const char* text, std::size_t length) {
  // One write(2), so the line is not interleaved with other output.
  while (::write(STDERR_FILENO, text, length) < 0 && errno == EINTR) {
  }
}

// `timeout` (coreutils) signals mr and then mr's whole process group, and systemd signals
// the main process and then its control group: one request, two signals, from one process
// within microseconds. Such an echo is the same cancellation, not the "second Ctrl-C" that
// kills at once. The window leaves room for a loaded machine descheduling the sender between
// its two kill() calls, and is still shorter than anyone retyping `kill`. A terminal's Ctrl-C
// comes from the kernel (no sender pid) and is never an echo.
constexpr auto k_echo_window = std::chrono::milliseconds(500);

bool sent_by_a_process(const signalfd_siginfo& info) {
  const auto code = info.ssi_code;
  return info.ssi_pid != 0 && (code == SI_USER || code == SI_QUEUE || code == SI_TKILL);
}

[[noreturn]] void die_of(int sig) {
  ::signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(sig);
  ::_exit(128 + sig);
}

} // namespace

SignalGuard::SignalGuard() {
  sigset_t blocked = cancel_signals();
  sigaddset(&blocked, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &blocked, &m_previous_mask);
  // A file size limit (ulimit -f) is then a write error mr reports, not a silent death;
  // children get the default back (proc/spawn.cpp).
  ::signal(SIGXFSZ, SIG_IGN);
  const sigset_t wanted = cancel_signals();
  m_signal_fd.reset(::signalfd(-1, &wanted, SFD_CLOEXEC));
  m_wake_fd.reset(::eventfd(0, EFD_CLOEXEC));
  m_thread = std::thread([this] { wait_for_signals(); });
}

SignalGuard::~SignalGuard() {
  const std::uint64_t one = 1;
  while (::write(m_wake_fd.get(), &one, sizeof one) < 0 && errno == EINTR) {
  }
  m_thread.join();
  m_signal_fd.reset();
  m_wake_fd.reset();
  // A signal that arrived after the work ended stays pending: drop it rather than let it
  // kill us on the way out.
  const sigset_t set = cancel_signals();
  timespec zero{0, 0};
  while (::sigtimedwait(&set, nullptr, &zero) > 0) {
  }
  ::pthread_sigmask(SIG_SETMASK, &m_previous_mask, nullptr);
}

void SignalGuard::wait_for_signals() {
  struct Received {
    signalfd_siginfo info;
    std::chrono::steady_clock::time_point when;
  };
  std::optional<Received> first; // the signal that started the cancellation
  for (;;) {
    pollfd fds[2] = {{m_signal_fd.get(), POLLIN, 0}, {m_wake_fd.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      return; // the guard is going away
    }
    signalfd_siginfo info{};
    if (::read(m_signal_fd.get(), &info, sizeof info) != static_cast<ssize_t>(sizeof info)) {
      continue;
    }
    const int sig = static_cast<int>(info.ssi_signo);
    if (!m_interrupt.stop_requested()) {
      static constexpr char k_message[] =
          "mr: interrupted, cancelling (press Ctrl-C again to stop at once)\n";
      write_stderr(k_message, sizeof k_message - 1);
      m_interrupt.request_stop();
      // Timed from here: an echo that arrived while the stop was requested is still one.
      first = {info, std::chrono::steady_clock::now()};
      continue;
    }
    if (first && sent_by_a_process(info) && info.ssi_signo == first->info.ssi_signo &&
        info.ssi_pid == first->info.ssi_pid &&
        std::chrono::steady_clock::now() - first->when < k_echo_window) {
      continue; // the same request again (see k_echo_window)
    }
    // A second signal: no more waiting for anything.
    proc::signal_all(SIGKILL);
    die_of(sig);
  }
}

void SignalGuard::die_of_sigpipe() {
  proc::signal_all(SIGKILL);
  die_of(SIGPIPE);
}

} // namespace mr::cli
