// Private to src/git: how one remote is reached, and everything libgit2 calls back during
// a fetch or a clone: credentials (never a prompt), host keys (fail closed), progress and
// cancellation, and the refs it updates.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <git2.h>

#include <mr/git/network.hpp>

#include "remote_url.hpp"
#include "ssh_config.hpp"

namespace mr::git {

struct Endpoint {
  RemoteUrl url;           // as configured, insteadOf applied
  std::string connect_url; // what libgit2 is given: an ssh alias resolved by ssh -G
  std::string host;        // the per-host limit's key; empty for local remotes
  bool use_git = false;    // libgit2 cannot serve it: run the git binary
  std::string why_git;     // for diagnostics
  std::optional<SshTarget> ssh;
};

// How `url` is reached. Fails for an ssh address whose host, user or port begins with '-'
// (ssh would take it for an option), as git does.
Result<Endpoint> plan_endpoint(const std::string& url, const NetContext& net);

// What a server, libgit2 or git said, made fit to print: passwords in URLs hidden
// (util/redact.hpp). `scrub_line` also makes it one printable line of bounded length.
std::string scrub_text(std::string_view text);
std::string scrub_line(std::string_view text);
// An error from a transfer with both its message and its output scrubbed.
Error scrub(Error error);

struct TipUpdate {
  std::string ref; // the local ref: refs/remotes/origin/main, refs/tags/v1
  git_oid old_id{};
  git_oid new_id{};
};

class Transfer {
public:
  Transfer(const NetContext& net, const Endpoint& endpoint);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // Callbacks with this object as payload; valid while it lives.
  git_remote_callbacks callbacks();

  // The reason for a failed libgit2 call `rc`: a credential or host-key refusal of ours,
  // a cancellation (an Error of kind cancelled), else libgit2's message. `output`: what
  // the operation had printed by then.
  tl::unexpected<Error> failure(int rc, std::string output = {}) const;

  // After the transfer: tells git's credential helpers that the password they gave worked
  // (git credential approve) or that the server refused it (reject); other failures leave
  // the helper alone.
  void settle_credentials(bool worked);

  const std::vector<TipUpdate>& tips() const { return m_tips; }

private:
  static int on_credentials(git_credential** out, const char* url, const char* user_from_url,
                            unsigned int allowed, void* payload);
  static int on_certificate(git_cert* cert, int valid, const char* host, void* payload);
  static int on_transfer(const git_indexer_progress* stats, void* payload);
  static int on_sideband(const char* text, int len, void* payload);
  static int on_update_tips(const char* refname, const git_oid* a, const git_oid* b, void* payload);

  int ssh_key(git_credential** out, const std::string& user);
  int user_password(git_credential** out, const std::string& url, const char* user_from_url);
  bool cancelled() const;

  const NetContext& m_net;
  const Endpoint& m_endpoint;
  bool m_agent_tried = false;
  std::size_t m_next_key = 0;
  std::vector<std::string> m_tried; // "ssh-agent", "~/.ssh/id_ed25519", ...
  bool m_password_tried = false;
  bool m_password_refused = false; // the server asked again after the helper's answer
  std::string m_credential_input;  // what git credential fill was given and answered
  std::string m_refusal;           // our own one-line reason, when we refused something
  std::vector<TipUpdate> m_tips;
  bool m_receiving = false; // the pack has started to arrive
};

} // namespace mr::git
