// Private to src/git: checking an ssh server's host key against the known_hosts files, as
// OpenSSH does, and failing closed.
//
// libgit2 1.5.1 checks only ~/.ssh/known_hosts (not /etc/ssh/ssh_known_hosts, not the
// files ~/.ssh/config names) and says only "invalid or unknown remote ssh hostkey". The
// lookup goes through `ssh-keygen -F`, which understands hashed entries, wildcards and
// markers exactly as ssh does; answers are remembered for the run.
#pragma once

#include <string>

#include <mr/git/network.hpp>

#include "ssh_config.hpp"

namespace mr::git {

struct HostKey {
  std::string type;        // "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ...
  std::string blob;        // the raw public key, as the server sent it
  std::string fingerprint; // "SHA256:..." as ssh prints it
};

// Empty when `key` is known for `target`; else the one-line reason to refuse: an unknown
// key, a changed key, or a revoked one, each naming the host and the fingerprint.
std::string check_host_key(const SshTarget& target, const HostKey& key, const NetContext& net);

} // namespace mr::git
