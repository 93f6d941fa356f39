// Private to src/git: an ssh destination as OpenSSH would reach it, from `ssh -G`.
//
// libgit2 1.5 ignores ~/.ssh/config: a Host alias does not resolve, and Port, User,
// IdentityFile, ProxyCommand and ProxyJump are not applied. `ssh -G HOST` prints the
// settings OpenSSH would use; mr reads ~/.ssh/config under $HOME (as the rest of mr
// does) and remembers each answer for the rest of the run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <mr/git/network.hpp>

namespace mr::git {

struct SshTarget {
  std::string hostname; // what to connect to
  std::string port = "22";
  std::string user;
  std::vector<std::filesystem::path> identity_files; // existing files only, in order
  std::vector<std::filesystem::path> known_hosts;    // user files, then global ones
  std::string host_key_alias;                        // HostKeyAlias, if set
  bool needs_openssh = false; // ProxyCommand or ProxyJump: libgit2 cannot connect
  std::string why_openssh;    // "ProxyJump bastion"

  // The name known_hosts files use for this host: "host" or "[host]:port".
  std::string known_hosts_name() const;
};

// `host`, `user` and `port` as the URL gives them (empty when absent). Falls back to the
// URL's own values (and the default key files) when ssh -G cannot be run.
SshTarget resolve_ssh(const std::string& host, const std::string& user, const std::string& port,
                      const NetContext& net);

// The start of a git command line that never lets ssh prompt: {"git", "-c",
// "core.sshCommand=ssh -o BatchMode=yes ..."}, unless the user chose an ssh command
// (GIT_SSH_COMMAND, GIT_SSH, or `configured`, their core.sshCommand). When $HOME is not
// the passwd home directory, ssh is pointed at $HOME's config and known_hosts, as mr's
// own ssh connections are.
std::vector<std::string> git_argv_without_prompts(bool configured, const NetContext& net);

// Parses `ssh -G` output (for tests).
SshTarget parse_ssh_g(const std::string& text, const std::filesystem::path& home);

} // namespace mr::git
