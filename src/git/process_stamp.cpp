#include "process_stamp.hpp"

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <mr/util/strings.hpp>

namespace mr::git {

unsigned long long process_start_time(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!in || !std::getline(in, text)) {
    return 0;
  }
  // The command name (field 2) may hold spaces and parentheses, so fields are counted
  // from the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) {
    return 0;
  }
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) {
      unsigned long value = 0;
      return util::parse_unsigned(field, value) ? value : 0;
    }
  }
  return 0;
}

const std::string& current_boot_id() {
  static const std::string id = [] {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string line;
    std::getline(in, line);
    return std::string(util::trim(line));
  }();
  return id;
}

ProcessStamp ProcessStamp::self() {
  ProcessStamp s;
  s.pid = static_cast<long>(::getpid());
  s.start_time = process_start_time(s.pid);
  s.boot_id = current_boot_id();
  return s;
}

bool ProcessStamp::running() const {
  if (pid <= 0) {
    return false;
  }
  if (!boot_id.empty() && !current_boot_id().empty() && boot_id != current_boot_id()) {
    return false; // written before the machine last started
  }
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
    return false;
  }
  // Alive, unless the pid now belongs to another process.
  const auto now = process_start_time(pid);
  return start_time == 0 || now == 0 || now == start_time;
}

} // namespace mr::git
