#include "known_hosts.hpp"

#include <map>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <vector>

#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>

namespace mr::git {

namespace {

struct Entry {
  std::string marker; // "", "@revoked" or "@cert-authority"
  std::string type;
  std::string key; // base64
};

std::mutex g_known_hosts_mutex;
std::map<std::string, std::vector<Entry>>& known_hosts_cache() {
  static std::map<std::string, std::vector<Entry>> entries;
  return entries;
}

// `ssh-keygen -F NAME -f FILE` prints "# Host NAME found: line N" and then the line as
// stored (hashed names stay hashed): [marker] hosts type key [comment].
void parse_found(const std::string& text, std::vector<Entry>& out) {
  for (const auto line : util::split_lines(text)) {
    if (line.empty() || line.front() == '#') {
      continue;
    }
    std::istringstream in{std::string(line)};
    Entry e;
    std::string first;
    in >> first;
    if (!first.empty() && first.front() == '@') {
      e.marker = first;
      in >> first; // the host pattern
    }
    in >> e.type >> e.key;
    if (!e.type.empty() && !e.key.empty()) {
      out.push_back(std::move(e));
    }
  }
}

// Every entry for `name` in the target's known_hosts files; nullopt if ssh-keygen fails.
std::optional<std::vector<Entry>> entries_for(const SshTarget& target, const std::string& name,
                                              const NetContext& net) {
  std::string key = name;
  for (const auto& f : target.known_hosts) {
    key += "\n" + f.string();
  }
  {
    std::lock_guard lock(g_known_hosts_mutex);
    if (const auto found = known_hosts_cache().find(key); found != known_hosts_cache().end()) {
      return found->second;
    }
  }
  std::vector<Entry> entries;
  for (const auto& file : target.known_hosts) {
    if (!util::is_regular_file(file)) {
      continue;
    }
    auto r = net.run({"ssh-keygen", "-F", name, "-f", file.string()}, "", net.home);
    if (!r) {
      return std::nullopt;
    }
    if (r->exit_code == 0) {
      parse_found(r->out, entries);
    }
  }
  std::lock_guard lock(g_known_hosts_mutex);
  known_hosts_cache().emplace(key, entries);
  return entries;
}

} // namespace

std::string check_host_key(const SshTarget& target, const HostKey& key, const NetContext& net) {
  const std::string name = target.known_hosts_name();
  const std::string offered = key.type + " " + key.fingerprint;
  const auto entries = net.run ? entries_for(target, name, net) : std::nullopt;
  if (!entries) {
    return "cannot check the ssh host key of " + name + " (" + offered +
           "): ssh-keygen could not be run";
  }
  const std::string blob = util::base64(key.blob);
  bool same_type_known = false;
  bool other_type_known = false;
  for (const auto& e : *entries) {
    if (e.marker == "@cert-authority") {
      continue; // host certificates are not supported by libgit2 1.5: not a key match
    }
    const bool match = e.type == key.type && e.key == blob;
    if (e.marker == "@revoked") {
      if (match) {
        return "the ssh host key of " + name + " (" + offered +
               ") is marked @revoked in known_hosts";
      }
      continue;
    }
    if (match) {
      return {};
    }
    (e.type == key.type ? same_type_known : other_type_known) = true;
  }
  if (same_type_known) {
    return "the ssh host key of " + name + " has CHANGED (the server now offers " + offered +
           "); refusing to connect, it may be a man-in-the-middle attack. If the change is "
           "legitimate: ssh-keygen -R '" +
           name + "', then add the new key";
  }
  const std::string port_option = target.port == "22" ? "" : "-p " + target.port + " ";
  return "unknown ssh host key for " + name + " (" + offered + ")" +
         (other_type_known ? ", though keys of another type are known" : "") +
         "; check the fingerprint, then add it: ssh-keyscan " + port_option + target.hostname +
         " >> ~/.ssh/known_hosts";
}

} // namespace mr::git
