// Private to src/git: a remote's URL taken apart as git takes it apart (connect.c), for
// choosing credentials, checking host keys, resolving ssh aliases and limiting
// connections per host.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mr::git {

struct RemoteUrl {
  // helper: "<transport>::<address>", served by git's remote helper git-remote-<transport>
  // (ext::, fd::, or one of the user's); other: a "<scheme>://" libgit2 does not know,
  // which git also hands to git-remote-<scheme>.
  enum class Scheme { local, file, ssh, git, http, https, helper, other };
  Scheme scheme = Scheme::other;
  bool scp_like = false; // [user@]host:path
  std::string user;      // as written; empty when none
  std::string host;      // empty for local paths and file://
  std::string port;      // empty for the scheme's default
  std::string path;      // for helper: the address after "::"
  std::string transport; // for helper: the name before "::"
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
