#include "ssh_config.hpp"

#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/strings.hpp>

namespace mr::git {

namespace {

namespace fs = std::filesystem;

// ssh's tokens in file names: ~, %d (home), %u (local user), %h (host), %r (remote user).
fs::path expand(const std::string& value, const fs::path& home, const std::string& host,
                const std::string& remote_user) {
  std::string out;
  std::string_view v = value;
  if (v == "~" || v.starts_with("~/")) {
    out = home.string();
    v.remove_prefix(1);
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '%' || i + 1 == v.size()) {
      out += v[i];
      continue;
    }
    const char t = v[++i];
    if (t == 'd') {
      out += home.string();
    } else if (t == 'h') {
      out += host;
    } else if (t == 'r') {
      out += remote_user;
    } else if (t == 'u') {
      out += util::current_account().name;
    } else if (t == '%') {
      out += '%';
    } else {
      out += '%';
      out += t;
    }
  }
  return out;
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  std::string w;
  while (in >> w) {
    out.push_back(w);
  }
  return out;
}

std::mutex g_ssh_config_mutex;
std::map<std::string, SshTarget>& ssh_config_cache() {
  static std::map<std::string, SshTarget> entries;
  return entries;
}

SshTarget defaults(const std::string& host, const std::string& user, const std::string& port,
                   const fs::path& home) {
  SshTarget t;
  t.hostname = host;
  t.port = port.empty() ? "22" : port;
  t.user = user;
  for (const char* name : {"id_rsa", "id_ecdsa", "id_ed25519"}) {
    if (const auto p = home / ".ssh" / name; util::is_regular_file(p)) {
      t.identity_files.push_back(p);
    }
  }
  t.known_hosts = {home / ".ssh/known_hosts", home / ".ssh/known_hosts2",
                   "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"};
  return t;
}

} // namespace

std::string SshTarget::known_hosts_name() const {
  const std::string& name = host_key_alias.empty() ? hostname : host_key_alias;
  return port == "22" || !host_key_alias.empty() ? name : "[" + name + "]:" + port;
}

SshTarget parse_ssh_g(const std::string& text, const fs::path& home) {
  SshTarget t;
  std::vector<std::string> identity;
  std::vector<std::string> user_known;
  std::vector<std::string> global_known;
  for (const auto line : util::split_lines(text)) {
    const auto space = line.find(' ');
    if (space == std::string_view::npos) {
      continue;
    }
    const std::string key(line.substr(0, space));
    const std::string value(util::trim(line.substr(space + 1)));
    if (key == "hostname") {
      t.hostname = value;
    } else if (key == "port") {
      t.port = value;
    } else if (key == "user") {
      t.user = value;
    } else if (key == "identityfile") {
      identity.push_back(value);
    } else if (key == "userknownhostsfile") {
      user_known = words(value);
    } else if (key == "globalknownhostsfile") {
      global_known = words(value);
    } else if (key == "hostkeyalias") {
      t.host_key_alias = value;
    } else if ((key == "proxycommand" || key == "proxyjump") && value != "none") {
      t.needs_openssh = true;
      t.why_openssh = (key == "proxycommand" ? "ProxyCommand " : "ProxyJump ") + value;
    }
  }
  for (const auto& f : identity) {
    const auto p = expand(f, home, t.hostname, t.user);
    if (util::is_regular_file(p)) {
      t.identity_files.push_back(p);
    }
  }
  // ssh -G prints the user files with its own home directory (the passwd one) already
  // put in; mr follows $HOME, so that prefix becomes $HOME.
  const std::string pw_home =
      util::current_account().home.empty() ? std::string() : util::current_account().home + "/";
  for (const auto& f : user_known) {
    auto p = expand(f, home, t.hostname, t.user).string();
    if (!pw_home.empty() && p.starts_with(pw_home)) {
      p = (home / p.substr(pw_home.size())).string();
    }
    t.known_hosts.emplace_back(p);
  }
  for (const auto& f : global_known) {
    t.known_hosts.push_back(expand(f, home, t.hostname, t.user));
  }
  return t;
}

namespace {

// $HOME, when ssh itself would look elsewhere (the passwd home directory).
bool home_differs(const fs::path& home) {
  return util::current_account().home.empty() || fs::path(util::current_account().home) != home;
}

} // namespace

std::vector<std::string> git_argv_without_prompts(bool configured, const NetContext& net) {
  if (configured || std::getenv("GIT_SSH_COMMAND") != nullptr ||
      std::getenv("GIT_SSH") != nullptr) {
    return {"git"};
  }
  std::string command = "ssh -o BatchMode=yes";
  if (home_differs(net.home)) {
    if (const auto config = net.home / ".ssh/config"; util::is_regular_file(config)) {
      command += " -F " + util::shell_quote(config.string());
    }
    command += " -o " +
               util::shell_quote("UserKnownHostsFile=" + (net.home / ".ssh/known_hosts").string() +
                                 " " + (net.home / ".ssh/known_hosts2").string());
  }
  return {"git", "-c", "core.sshCommand=" + command};
}

SshTarget resolve_ssh(const std::string& host, const std::string& user, const std::string& port,
                      const NetContext& net) {
  const std::string key = host + "\n" + user + "\n" + port;
  {
    std::lock_guard lock(g_ssh_config_mutex);
    if (const auto found = ssh_config_cache().find(key); found != ssh_config_cache().end()) {
      return found->second;
    }
  }
  SshTarget target = defaults(host, user, port, net.home);
  if (net.run) {
    std::vector<std::string> argv = {"ssh", "-G"};
    // ssh reads the config of the passwd home directory; mr follows $HOME, so a different
    // $HOME names its config explicitly.
    const fs::path config = net.home / ".ssh/config";
    if (home_differs(net.home) && util::is_regular_file(config)) {
      argv.insert(argv.end(), {"-F", config.string()});
    }
    if (!port.empty()) {
      argv.insert(argv.end(), {"-p", port});
    }
    if (!user.empty()) {
      argv.insert(argv.end(), {"-l", user});
    }
    argv.insert(argv.end(), {"--", host}); // a host is never an option, whatever it says
    if (auto r = net.run(argv, "", net.home); r && r->exit_code == 0) {
      auto parsed = parse_ssh_g(r->out, net.home);
      if (!parsed.hostname.empty()) {
        target = std::move(parsed);
      }
    }
  }
  if (target.user.empty()) {
    target.user = util::current_account().name.empty() ? "git" : util::current_account().name;
  }
  std::lock_guard lock(g_ssh_config_mutex);
  ssh_config_cache().emplace(key, target);
  return target;
}

} // namespace mr::git
