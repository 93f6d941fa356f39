#include "transfer.hpp"

#include <cstdlib>
#include <sys/stat.h>

#include <mr/util/file_io.hpp>
#include <mr/util/redact.hpp>
#include <mr/util/strings.hpp>
#include <mr/util/test_point.hpp>

#include "error.hpp"
#include "known_hosts.hpp"

namespace mr::git {

namespace {

std::string key_type(git_cert_ssh_raw_type_t t) {
  switch (t) {
  case GIT_CERT_SSH_RAW_TYPE_RSA:
    return "ssh-rsa";
  case GIT_CERT_SSH_RAW_TYPE_DSS:
    return "ssh-dss";
  case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256:
    return "ecdsa-sha2-nistp256";
  case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384:
    return "ecdsa-sha2-nistp384";
  case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521:
    return "ecdsa-sha2-nistp521";
  case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519:
    return "ssh-ed25519";
  default:
    return "unknown";
  }
}

// "~/.ssh/id_ed25519" for a file under $HOME, for messages.
std::string shown(const fs::path& p, const fs::path& home) {
  const auto rel = p.lexically_relative(home);
  if (!home.empty() && !rel.empty() && !rel.native().starts_with("..")) {
    return "~/" + rel.string();
  }
  return p.string();
}

// "key=value" lines of a git credential answer.
std::string credential_field(const std::string& text, std::string_view key) {
  for (const auto line : util::split_lines(text)) {
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == '=') {
      return std::string(line.substr(key.size() + 1));
    }
  }
  return {};
}

} // namespace

namespace {

// As git's connect.c: an ssh host, user or port that ssh would read as an option
// ("ssh://-oProxyCommand=...") is refused before anything runs.
Result<void> check_ssh_words(const RemoteUrl& url) {
  for (const auto& [what, word] :
       {std::pair{"hostname", &url.host}, std::pair{"user name", &url.user},
        std::pair{"port", &url.port}}) {
    if (!word->empty() && word->front() == '-') {
      return fail(std::string("strange ssh ") + what + " '" + *word +
                  "' blocked: it would be read as an option");
    }
  }
  return {};
}

} // namespace

Result<Endpoint> plan_endpoint(const std::string& url, const NetContext& net) {
  Endpoint ep;
  ep.url = parse_remote_url(url).value_or(RemoteUrl{});
  ep.url.original = url;
  ep.connect_url = url;
  switch (ep.url.scheme) {
  case RemoteUrl::Scheme::local:
  case RemoteUrl::Scheme::file:
    break;
  case RemoteUrl::Scheme::ssh: {
    MR_TRY(check_ssh_words(ep.url));
    auto target = resolve_ssh(ep.url.host, ep.url.user, ep.url.port, net);
    ep.host = target.hostname;
    ep.connect_url = ep.url.ssh_url(target.user, target.hostname, target.port);
    if (target.needs_openssh) {
      ep.use_git = true;
      ep.why_git = target.why_openssh;
    }
    ep.ssh = std::move(target);
    break;
  }
  case RemoteUrl::Scheme::git:
  case RemoteUrl::Scheme::http:
  case RemoteUrl::Scheme::https:
    ep.host = ep.url.host;
    break;
  case RemoteUrl::Scheme::helper:
    ep.use_git = true; // as git: git-remote-<transport> serves it
    ep.why_git = "the remote helper git-remote-" + ep.url.transport;
    break;
  case RemoteUrl::Scheme::other:
    ep.use_git = true; // "<scheme>://" libgit2 lacks: git runs git-remote-<scheme>
    ep.why_git = "a transport libgit2 does not have";
    break;
  }
  if (net.transport == Transport::git) {
    ep.use_git = true;
    ep.why_git = "transport = \"git\"";
  } else if (net.transport == Transport::libgit2) {
    ep.use_git = false;
  }
  return ep;
}

std::string scrub_text(std::string_view text) {
  return util::redact_urls(text);
}

std::string scrub_line(std::string_view text) {
  // Redacted before it is cut, so a cut can never leave half a password unredacted.
  return util::printable_line(util::redact_urls(text));
}

Error scrub(Error error) {
  return Error{scrub_line(error.message), scrub_text(error.output)};
}

Transfer::Transfer(const NetContext& net, const Endpoint& endpoint)
    : m_net(net), m_endpoint(endpoint) {}

Transfer::~Transfer() = default;

git_remote_callbacks Transfer::callbacks() {
  git_remote_callbacks cb = GIT_REMOTE_CALLBACKS_INIT;
  cb.credentials = &Transfer::on_credentials;
  cb.certificate_check = &Transfer::on_certificate;
  cb.transfer_progress = &Transfer::on_transfer;
  cb.sideband_progress = &Transfer::on_sideband;
  cb.update_tips = &Transfer::on_update_tips;
  cb.payload = this;
  return cb;
}

bool Transfer::cancelled() const {
  return m_net.stop.stop_requested();
}

tl::unexpected<Error> Transfer::failure(int rc, std::string output) const {
  if (!m_refusal.empty()) {
    return fail(scrub_line(m_refusal), std::move(output));
  }
  if (cancelled()) {
    return mr::cancelled(std::move(output));
  }
  std::string message = last_error(rc);
  if (message.find("too many header bytes seen") != std::string::npos) {
    // The HTTP parser's own bound (HTTP_MAX_HEADER_SIZE), in words that say what happened.
    return fail(scrub_line("the HTTP response headers from " + m_endpoint.url.display() +
                           " are longer than 80 KiB; mr stopped reading (a broken or hostile "
                           "server?)"),
                std::move(output));
  }
  if (message.find("Unable to exchange encryption keys") != std::string::npos) {
    // libgit2 1.5.1 offers only the key type of the first known_hosts line for the host.
    message += " (if known_hosts lists this host with several key types, put the line "
               "of the type the server uses first)";
  }
  // libgit2's messages quote what the server sent ("remote error: ...") and may hold the
  // URL as given.
  return fail(scrub_line(message), std::move(output));
}

int Transfer::on_credentials(git_credential** out, const char* url, const char* user_from_url,
                             unsigned int allowed, void* payload) {
  auto& t = *static_cast<Transfer*>(payload);
  if (t.cancelled()) {
    return GIT_EUSER;
  }
  std::string user = user_from_url != nullptr ? user_from_url : "";
  if (user.empty() && t.m_endpoint.ssh) {
    user = t.m_endpoint.ssh->user;
  }
  if ((allowed & GIT_CREDENTIAL_USERNAME) != 0) {
    return git_credential_username_new(out, user.empty() ? "git" : user.c_str());
  }
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0) {
    return t.ssh_key(out, user);
  }
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0) {
    return t.user_password(out, url, user_from_url);
  }
  t.m_refusal = std::string(url) + " asks for a kind of credential mr cannot give without a "
                                   "prompt; fetch it with git instead (transport = \"git\")";
  return GIT_EUSER;
}

int Transfer::ssh_key(git_credential** out, const std::string& user) {
  // The callback is asked again after every refusal; each way is tried once, in ssh's
  // order: the agent, then the key files.
  if (!m_agent_tried) {
    m_agent_tried = true;
    if (const char* sock = std::getenv("SSH_AUTH_SOCK"); sock != nullptr && *sock != '\0') {
      m_tried.emplace_back("ssh-agent");
      return git_credential_ssh_key_from_agent(out, user.c_str());
    }
  }
  const auto& files = m_endpoint.ssh ? m_endpoint.ssh->identity_files : std::vector<fs::path>{};
  if (m_next_key < files.size()) {
    const auto& key = files[m_next_key++];
    const fs::path pub = key.string() + ".pub";
    m_tried.push_back(shown(key, m_net.home));
    return git_credential_ssh_key_new(out, user.c_str(),
                                      util::is_regular_file(pub) ? pub.c_str() : nullptr,
                                      key.c_str(), nullptr);
  }
  const std::string where = user + "@" + (m_endpoint.ssh ? m_endpoint.ssh->hostname : "?");
  m_refusal = m_tried.empty()
                  ? "ssh: no key to offer " + where +
                        " (no ssh-agent, no key in ~/.ssh); mr never prompts for a passphrase"
                  : "ssh: " + where + " accepted none of: " + util::join(m_tried, ", ") +
                        " (mr never prompts: add the key to ssh-agent; RSA keys need "
                        "ssh-agent with OpenSSH 8.8 or later servers)";
  return GIT_EUSER;
}

int Transfer::user_password(git_credential** out, const std::string& url,
                            const char* user_from_url) {
  if (m_password_tried) {
    m_password_refused = true;
    m_refusal = "authentication failed for " + m_endpoint.url.display() +
                ": the server refused the credentials git's credential helper gave";
    return GIT_EUSER;
  }
  m_password_tried = true;
  std::string input = "url=" + url + "\n";
  if (user_from_url != nullptr && *user_from_url != '\0') {
    input += "username=" + std::string(user_from_url) + "\n";
  }
  input += "\n";
  auto r = m_net.run ? m_net.run({"git", "credential", "fill"}, input, m_net.home)
                     : Result<ProgramResult>(fail("no way to run git"));
  if (!r || r->exit_code != 0) {
    m_refusal = "authentication required for " + m_endpoint.url.display() +
                " and no credential helper has it (mr never prompts: set up a helper, "
                "e.g. git config --global credential.helper store, or use ssh)";
    return GIT_EUSER;
  }
  m_credential_input = r->out;
  const auto user = credential_field(r->out, "username");
  const auto password = credential_field(r->out, "password");
  return git_credential_userpass_plaintext_new(out, user.c_str(), password.c_str());
}

void Transfer::settle_credentials(bool worked) {
  // As git: a helper forgets a credential only when the server refused it, not when the
  // connection broke or the user cancelled.
  if (m_credential_input.empty() || !m_net.run || (!worked && !m_password_refused)) {
    return;
  }
  (void)m_net.run({"git", "credential", worked ? "approve" : "reject"}, m_credential_input + "\n",
                  m_net.home);
  m_credential_input.clear();
}

int Transfer::on_certificate(git_cert* cert, int, const char* host, void* payload) {
  auto& t = *static_cast<Transfer*>(payload);
  if (t.cancelled()) {
    return GIT_EUSER;
  }
  if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) {
    return GIT_PASSTHROUGH; // TLS: libgit2 checks it against the system's CA store
  }
  const auto* hk = reinterpret_cast<const git_cert_hostkey*>(cert);
  if ((hk->type & GIT_CERT_SSH_RAW) == 0 || !t.m_endpoint.ssh) {
    t.m_refusal = std::string("cannot check the ssh host key of ") + host;
    return GIT_ECERTIFICATE;
  }
  HostKey key;
  key.type = key_type(hk->raw_type);
  key.blob.assign(hk->hostkey, hk->hostkey_len);
  if ((hk->type & GIT_CERT_SSH_SHA256) != 0) {
    key.fingerprint =
        "SHA256:" + util::base64(std::string_view(reinterpret_cast<const char*>(hk->hash_sha256),
                                                  sizeof hk->hash_sha256),
                                 false);
  }
  const auto refusal = check_host_key(*t.m_endpoint.ssh, key, t.m_net);
  if (refusal.empty()) {
    return 0;
  }
  t.m_refusal = refusal;
  return GIT_ECERTIFICATE;
}

int Transfer::on_transfer(const git_indexer_progress* stats, void* payload) {
  auto& t = *static_cast<Transfer*>(payload);
  if (t.cancelled()) {
    return GIT_EUSER;
  }
  if (stats->received_bytes > 0 && !t.m_receiving) {
    t.m_receiving = true;
    util::test_point("transfer.receiving"); // a pack is half on disk (safety tests)
  }
  if (t.m_net.progress) {
    TransferProgress p;
    p.received_objects = stats->received_objects;
    p.total_objects = stats->total_objects;
    p.indexed_deltas = stats->indexed_deltas;
    p.total_deltas = stats->total_deltas;
    p.received_bytes = stats->received_bytes;
    t.m_net.progress(p);
  }
  return 0;
}

int Transfer::on_sideband(const char*, int, void* payload) {
  return static_cast<Transfer*>(payload)->cancelled() ? GIT_EUSER : 0;
}

int Transfer::on_update_tips(const char* refname, const git_oid* a, const git_oid* b,
                             void* payload) {
  auto& t = *static_cast<Transfer*>(payload);
  t.m_tips.push_back(TipUpdate{refname, *a, *b});
  return 0;
}

} // namespace mr::git
