// SIGINT, SIGTERM and SIGHUP as cancellation. Constructed in main's
// thread before any other thread exists: the signals are blocked there, so every thread
// inherits the mask and none runs a handler; one thread waits for them on a signalfd.
// The first one requests stop on token() (the root of the cancellation tree) and says so
// on stderr; a second one kills every child process group and ends mr by that signal,
// unless it is an echo of the first: the same signal from the same process at once (what
// `timeout` and systemd send to a process and then to its group), which changes nothing.
// SIGPIPE stays blocked, so a closed stdout is an EPIPE error the output layer reports;
// SIGXFSZ is ignored, so a file size limit is an EFBIG write error, reported likewise.
#pragma once

#include <atomic>
#include <csignal>
#include <stop_token>
#include <thread>

#include <mr/util/fd.hpp>

namespace mr::cli {

class SignalGuard {
public:
  SignalGuard();
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  std::stop_token token() const noexcept { return m_interrupt.get_token(); }
  bool interrupted() const noexcept { return m_interrupt.stop_requested(); }

  // Ends the process the way SIGPIPE would (stdout was closed under us).
  [[noreturn]] static void die_of_sigpipe();

private:
  void wait_for_signals();

  sigset_t m_previous_mask{};
  std::stop_source m_interrupt;
  util::FdGuard m_signal_fd;
  util::FdGuard m_wake_fd; // an eventfd: written to stop the thread at once
  std::thread m_thread;
};

} // namespace mr::cli
