#include "watchdog.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <unordered_map>

#include <mr/util/fd.hpp>
#include <mr/util/file_io.hpp>

namespace mr::proc::detail {

namespace {

// One message from mr: a group to watch (add) or to forget.
struct Message {
  std::int32_t add;
  std::int32_t pgid;
  std::uint64_t start_time; // the leader's, in clock ticks after boot; 0 unknown
  std::int64_t grace_ms;    // how long SIGTERM has before SIGKILL
};

// The groups the watchdog knows, in its own memory: a fixed table, as the watchdog (forked
// from a process with threads) may not allocate. mr runs at most 4096 jobs, each one child
// at a time.
constexpr std::size_t k_max_groups = 8192;

// Field 22 of /proc/PID/stat, the start time; 0 if it cannot be read. The command name
// (field 2) may hold anything, so counting starts after its last ')'. No allocation: the
// watchdog uses it too.
std::uint64_t start_time_in(const char* stat, std::size_t length) noexcept {
  std::size_t i = length;
  while (i > 0 && stat[i - 1] != ')') {
    --i;
  }
  if (i == 0) {
    return 0;
  }
  int field = 2;
  std::uint64_t value = 0;
  for (; i < length; ++i) {
    if (stat[i] == ' ') {
      if (field == 22) {
        return value;
      }
      ++field;
      value = 0;
    } else if (stat[i] >= '0' && stat[i] <= '9') {
      value = value * 10 + static_cast<std::uint64_t>(stat[i] - '0');
    }
  }
  return field == 22 ? value : 0;
}

// Whether it may be killed: its leader is gone (then no other process can hold the id
// while the group has members) or is the process mr started.
bool still_ours(const Message& group) noexcept {
  char path[40] = "/proc/";
  char digits[16];
  int n = 0;
  for (auto v = static_cast<std::uint32_t>(group.pgid); v > 0 || n == 0; v /= 10) {
    digits[n++] = static_cast<char>('0' + v % 10);
  }
  std::size_t at = 6;
  while (n > 0) {
    path[at++] = digits[--n];
  }
  for (const char c : {'/', 's', 't', 'a', 't', '\0'}) {
    path[at++] = c;
  }
  const util::FdGuard fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.open()) {
    return errno == ENOENT || errno == ESRCH;
  }
  char stat[1024];
  ssize_t got = 0;
  while ((got = ::read(fd.get(), stat, sizeof stat)) < 0 && errno == EINTR) {
  }
  if (got <= 0) {
    return false;
  }
  const std::uint64_t start = start_time_in(stat, static_cast<std::size_t>(got));
  return start != 0 && start == group.start_time;
}

std::array<Message, k_max_groups> g_table; // the watchdog's; mr never touches it

// Names the watchdog "mr: watchdog" in ps and /proc/PID/cmdline, over the copy of mr's
// arguments it was forked with: a command line like mr's own would read as a second mr,
// and what looks for mr's processes by their arguments would count it.
void rename_self() noexcept {
  ::prctl(PR_SET_NAME, "mr watchdog");
  char* area = program_invocation_name; // argv[0], where the arguments start
  std::size_t length = 0;
  {
    const util::FdGuard fd(::open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC));
    if (!fd.open() || area == nullptr) {
      return;
    }
    char piece[512];
    ssize_t got = 0;
    while ((got = ::read(fd.get(), piece, sizeof piece)) > 0) {
      length += static_cast<std::size_t>(got);
    }
  }
  static constexpr char k_name[] = "mr: watchdog";
  if (length < sizeof k_name) {
    return;
  }
  std::memset(area, 0, length);
  std::memcpy(area, k_name, sizeof k_name);
}

// Milliseconds on the monotonic clock (a system call: no allocation, no lock).
std::int64_t now_ms() noexcept {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return std::int64_t{t.tv_sec} * 1000 + t.tv_nsec / 1000000;
}

// Whether the group still has a member (kill -0 reaches one). A member that exited but is
// not yet reaped by its new parent counts too: the watchdog then waits out the grace period.
bool has_members(pid_t pgid) noexcept {
  return ::kill(-pgid, 0) == 0 || errno == EPERM;
}

// mr is gone: the first `count` groups of the table are cancelled as mr cancels them,
// SIGTERM (and SIGCONT, for a group stopped by Ctrl-Z) first, so that git removes its
// lock files and a command's `trap` runs; what is left of a group once its grace period
// is over gets SIGKILL. Returns when every group is empty or killed.
void end_groups(std::size_t count) noexcept {
  const std::int64_t start = now_ms();
  for (std::size_t i = 0; i < count; ++i) {
    if (still_ours(g_table[i])) {
      ::kill(-g_table[i].pgid, SIGTERM);
      ::kill(-g_table[i].pgid, SIGCONT);
    } else {
      g_table[i].pgid = 0; // not ours: left alone
    }
  }
  for (;;) {
    bool waiting = false;
    for (std::size_t i = 0; i < count; ++i) {
      Message& group = g_table[i];
      if (group.pgid == 0) {
        continue;
      }
      if (!has_members(group.pgid)) {
        group.pgid = 0;
      } else if (now_ms() - start >= group.grace_ms) {
        if (still_ours(group)) {
          ::kill(-group.pgid, SIGKILL);
        }
        group.pgid = 0;
      } else {
        waiting = true;
      }
    }
    if (!waiting) {
      return;
    }
    const timespec step{0, 20 * 1000 * 1000};
    ::nanosleep(&step, nullptr);
  }
}

// The watchdog itself. Only system calls from here on: it was forked from a process whose
// other threads may hold any lock.
[[noreturn]] void watchdog_main(int fd, int max_fd) noexcept {
  sigset_t all;
  sigfillset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr); // Ctrl-C and the like are for mr to handle
  ::setpgid(0, 0);                           // out of reach of a kill of mr's group
  // Everything else mr had open (other children's pipes above all) is not ours to hold.
  if ((fd > 0 && ::syscall(SYS_close_range, 0U, static_cast<unsigned>(fd - 1), 0U) != 0) ||
      ::syscall(SYS_close_range, static_cast<unsigned>(fd + 1), ~0U, 0U) != 0) {
    for (int other = 0; other < max_fd; ++other) { // kernels before 5.9
      if (other != fd) {
        ::close(other);
      }
    }
  }
  rename_self();
  std::size_t count = 0;
  Message m{};
  for (;;) {
    std::size_t have = 0;
    while (have < sizeof m) {
      const ssize_t got = ::read(fd, reinterpret_cast<char*>(&m) + have, sizeof m - have);
      if (got < 0 && errno == EINTR) {
        continue;
      }
      if (got <= 0) {
        break; // mr is gone
      }
      have += static_cast<std::size_t>(got);
    }
    if (have < sizeof m) {
      break;
    }
    if (m.add != 0) {
      if (count < k_max_groups) {
        g_table[count++] = m;
      }
      continue;
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (g_table[i].pgid == m.pgid) {
        g_table[i] = g_table[--count];
        break;
      }
    }
  }
  end_groups(count);
  ::_exit(0);
}

// mr's side.
struct Watchdog {
  util::FdGuard fd; // our end; close-on-exec, so no child holds it
  pid_t pid = 0;
  std::unordered_map<pid_t, Message> groups; // to tell a restarted watchdog

  bool start() noexcept {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
      return false;
    }
    util::FdGuard ours(ends[0]);
    util::FdGuard theirs(ends[1]);
    const long max_fd = ::sysconf(_SC_OPEN_MAX);
    const pid_t child = ::fork();
    if (child == 0) { // never returns: no destructor runs in the child
      ::close(ends[0]);
      watchdog_main(ends[1],
                    max_fd > 0 && max_fd < (1L << 20) ? static_cast<int>(max_fd) : 1 << 20);
    }
    theirs.reset();
    if (child < 0) {
      return false;
    }
    fd = std::move(ours);
    pid = child;
    return true;
  }

  bool send(const Message& m) noexcept {
    const auto* bytes = reinterpret_cast<const char*>(&m);
    std::size_t put = 0;
    while (put < sizeof m) {
      const ssize_t n = ::send(fd.get(), bytes + put, sizeof m - put, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return false;
      }
      put += static_cast<std::size_t>(n);
    }
    return true;
  }

  // A watchdog that is gone (someone killed it) is replaced and told every group again.
  void ensure_running() noexcept {
    if (fd.open()) {
      return;
    }
    if (pid > 0) {
      ::waitpid(pid, nullptr, WNOHANG);
      pid = 0;
    }
    if (!start()) {
      return; // no watchdog: the direct children still have their death signal
    }
    for (const auto& entry : groups) {
      if (!send(entry.second)) {
        lost();
        return;
      }
    }
  }

  void lost() noexcept { fd.reset(); }

  // `groups` already says what `m` says: a watchdog started now is told all of it.
  void tell(const Message& m) noexcept {
    if (!fd.open()) {
      ensure_running();
    } else if (!send(m)) {
      lost();
      ensure_running();
    }
  }
};

Watchdog g_watchdog; // used under the caller's lock

std::uint64_t start_time_of(pid_t pid) {
  const auto stat = util::read_file("/proc/" + std::to_string(pid) + "/stat");
  return stat ? start_time_in(stat->data(), stat->size()) : 0;
}

} // namespace

void watch_group(pid_t pgid, std::chrono::milliseconds grace) noexcept {
  try {
    const Message m{1, pgid, start_time_of(pgid), grace.count()};
    g_watchdog.groups[pgid] = m;
    g_watchdog.tell(m);
  } catch (const std::bad_alloc&) {
    // Without memory the group goes unwatched; its leader still has its death signal.
  }
}

void unwatch_group(pid_t pgid) noexcept {
  if (g_watchdog.groups.erase(pgid) > 0) {
    g_watchdog.tell({0, pgid, 0, 0});
  }
}

pid_t watchdog_pid() noexcept {
  return g_watchdog.fd.open() ? g_watchdog.pid : 0;
}

} // namespace mr::proc::detail
