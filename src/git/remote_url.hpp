// Private to src/git: a remote's URL taken apart as git takes it apart (connect.c), for
// choosing credentials, checking host keys, resolving ssh aliases and limiting
// connections per host.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mr::git {

struct RemoteUrl {
  enum class Scheme { local, file, ssh, git, http, https, other };
  Scheme scheme = Scheme::other;
  bool scp_like = false; // [user@]host:path
  std::string user;      // as written; empty when none
  std::string host;      // empty for local paths and file://
  std::string port;      // empty for the scheme's default
  std::string path;
  std::string original;

  bool network() const {
    return scheme == Scheme::ssh || scheme == Scheme::git || scheme == Scheme::http ||
           scheme == Scheme::https;
  }
  // What git prints after "From ": credentials dropped, trailing slashes and ".git" cut.
  std::string display() const;
  // The same URL in ssh:// form with these parts (for an ssh alias resolved by ssh -G).
  std::string ssh_url(const std::string& user, const std::string& host,
                      const std::string& port) const;
};

// nullopt only for an empty string; anything unknown is Scheme::other.
std::optional<RemoteUrl> parse_remote_url(std::string_view url);

} // namespace mr::git
