#include "spawn.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>

extern char** environ;

namespace mr::proc::detail {

namespace {

// The environment of the child: ours, with `overrides` replacing or adding variables.
std::vector<std::string>
child_environment(const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [k, v] : overrides) {
      replaced = replaced || k == name;
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

// Which step failed in the child, sent back through the report pipe with its errno.
enum class Step : int { setup = 1, chdir = 2, exec = 3 };

struct Report {
  Step step;
  int error;
};

// Everything the child needs, prepared before vfork: after it, the child may only make
// system calls (it shares mr's memory until it execs).
struct Plan {
  char* const* argv;
  char* const* envp;
  const char* cwd; // null: stay
  ChildFds fds;
  int report_fd; // close-on-exec: EOF in the parent means the exec worked
  pid_t parent;
};

[[noreturn]] void fail_child(const Plan& plan, Step step) {
  const Report report{step, errno};
  (void)!::write(plan.report_fd, &report, sizeof report);
  ::_exit(127);
}

// A descriptor at 3 or above, so that moving the three into place cannot overwrite one
// another (mr itself may have been started with 0, 1 or 2 closed).
int above_stdio(const Plan& plan, int fd) {
  if (fd > STDERR_FILENO) {
    return fd;
  }
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (moved < 0) {
    fail_child(plan, Step::setup);
  }
  return moved;
}

[[noreturn]] __attribute__((noinline)) void child(const Plan& plan) {
  if (::setpgid(0, 0) != 0 || ::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) {
    fail_child(plan, Step::setup);
  }
  if (::getppid() != plan.parent) {
    ::_exit(127); // mr died before the death signal was armed
  }
  // Before it can read the terminal; SIGTTOU is still blocked here, so a group not yet in
  // the foreground may take it. (If mr has lost the foreground meanwhile, the child runs
  // in the background as mr would have, and stops if it reads the terminal.)
  if (plan.fds.terminal >= 0) {
    (void)::tcsetpgrp(plan.fds.terminal, ::getpid());
  }
  const int in = above_stdio(plan, plan.fds.in);
  const int out = above_stdio(plan, plan.fds.out);
  const int err = above_stdio(plan, plan.fds.err);
  if (::dup2(in, STDIN_FILENO) < 0 || ::dup2(out, STDOUT_FILENO) < 0 ||
      ::dup2(err, STDERR_FILENO) < 0) {
    fail_child(plan, Step::setup);
  }
  // mr blocks its cancel signals and SIGPIPE and ignores SIGXFSZ; the child starts clean.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (const int sig :
       {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGXFSZ, SIGCHLD}) {
    if (::sigaction(sig, &dfl, nullptr) != 0) {
      fail_child(plan, Step::setup);
    }
  }
  sigset_t none;
  sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) {
    fail_child(plan, Step::setup);
  }
  if (plan.cwd != nullptr && ::chdir(plan.cwd) != 0) {
    fail_child(plan, Step::chdir);
  }
  ::execvpe(plan.argv[0], plan.argv, plan.envp);
  fail_child(plan, Step::exec);
}

// `fd` moved to 3 or above (close-on-exec), so the child's dup2 onto 0-2 cannot hit it.
int keep_clear_of_stdio(int fd) {
  if (fd < 0 || fd > STDERR_FILENO) {
    return fd;
  }
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  ::close(fd);
  return moved;
}

} // namespace

Result<pid_t> spawn(const Command& command, const ChildFds& fds) {
  auto env = child_environment(command.env);
  auto envp = pointers(env);
  auto args = command.argv;
  auto argv = pointers(args);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    return fail("cannot create a pipe: " + util::errno_text(errno));
  }
  const util::FdGuard report_read(report[0]);
  util::FdGuard report_write(keep_clear_of_stdio(report[1]));
  if (report_write.get() < 0) {
    return fail("cannot create a pipe: " + util::errno_text(errno));
  }
  const Plan plan{
      argv.data(), envp.data(),        command.cwd.empty() ? nullptr : command.cwd.c_str(),
      fds,         report_write.get(), ::getpid()};

  // No signal handler may run in the child while it shares our memory.
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  const pid_t pid = ::vfork();
  if (pid == 0) {
    child(plan);
  }
  const int spawn_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    return fail("cannot run " + command.argv[0] + ": " + util::errno_text(spawn_errno));
  }
  report_write.reset(); // ours closed: EOF once the child has exec'd or exited
  Report r{};
  ssize_t got = 0;
  while ((got = ::read(report_read.get(), &r, sizeof r)) < 0 && errno == EINTR) {
  }
  if (got != static_cast<ssize_t>(sizeof r)) {
    return pid; // exec'd
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  switch (r.step) {
  case Step::chdir:
    return fail("cannot run " + command.argv[0] + " in " + command.cwd.string() + ": " +
                util::errno_text(r.error));
  case Step::setup:
    return fail("cannot start " + command.argv[0] + ": " + util::errno_text(r.error));
  case Step::exec:
    break;
  }
  return fail("cannot run " + command.argv[0] + ": " + util::errno_text(r.error));
}

namespace {

std::string read_command_line(pid_t pid) {
  auto text = util::read_file("/proc/" + std::to_string(pid) + "/cmdline").value_or("");
  while (!text.empty() && text.back() == '\0') {
    text.pop_back();
  }
  std::replace(text.begin(), text.end(), '\0', ' ');
  return text;
}

pid_t process_group_of(pid_t pid) {
  const auto line = util::read_file("/proc/" + std::to_string(pid) + "/stat").value_or("");
  // "PID (COMM) STATE PPID PGRP ...": COMM may hold anything, so start after its ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) {
    return 0;
  }
  char state = 0;
  long ppid = 0;
  long pgid = 0;
  if (std::sscanf(line.c_str() + close + 1, " %c %ld %ld", &state, &ppid, &pgid) != 3) {
    return 0;
  }
  return static_cast<pid_t>(pgid);
}

bool holds(const std::string& fd_dir, const std::string& target) {
  DIR* dir = ::opendir(fd_dir.c_str());
  if (dir == nullptr) {
    return false;
  }
  bool found = false;
  char link[64];
  while (const dirent* entry = ::readdir(dir)) {
    const std::string path = fd_dir + "/" + entry->d_name;
    const ssize_t n = ::readlink(path.c_str(), link, sizeof link);
    if (n > 0 && std::string_view(link, static_cast<std::size_t>(n)) == target) {
      found = true;
      break;
    }
  }
  ::closedir(dir);
  return found;
}

} // namespace

std::vector<Holder> pipe_holders(int fd) {
  struct stat st {};
  std::vector<Holder> holders;
  if (::fstat(fd, &st) != 0) {
    return holders;
  }
  const std::string target = "pipe:[" + std::to_string(st.st_ino) + "]";
  const pid_t self = ::getpid();
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) {
    return holders;
  }
  while (const dirent* entry = ::readdir(proc)) {
    unsigned long pid = 0;
    if (!util::parse_unsigned(entry->d_name, pid) || static_cast<pid_t>(pid) == self) {
      continue;
    }
    const auto p = static_cast<pid_t>(pid);
    if (holds("/proc/" + std::string(entry->d_name) + "/fd", target)) {
      holders.push_back({p, process_group_of(p), read_command_line(p)});
    }
  }
  ::closedir(proc);
  return holders;
}

} // namespace mr::proc::detail
