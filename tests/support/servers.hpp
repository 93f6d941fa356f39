// Real servers on loopback for the network tests, started and stopped by the tests:
// git daemon (git://), OpenSSH's sshd with a generated host key and user key (ssh://), an
// ssh-agent holding a key, git's smart HTTP (`git http-backend`) behind HTTP Basic
// authentication (http://), and a TCP relay that can slow a transfer down, go silent or
// drop every connection at once (a server killed mid-fetch).
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mr::test {

namespace fs = std::filesystem;

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();
// A listening socket on 127.0.0.1:port (0: any free port, stored in `bound`); throws.
int listen_on(int port, int& bound);
// Waits until something accepts connections on 127.0.0.1:port; false after `seconds`.
bool wait_for_port(int port, double seconds = 10);

// `git daemon` serving every repository below `base` as git://127.0.0.1:PORT/NAME.
class GitDaemon {
public:
  explicit GitDaemon(const fs::path& base);
  ~GitDaemon();
  GitDaemon(const GitDaemon&) = delete;
  GitDaemon& operator=(const GitDaemon&) = delete;
  int port() const { return m_port; }
  std::string url(const std::string& path) const; // git://127.0.0.1:PORT/path

private:
  int m_pid = -1;
  int m_port = 0;
};

// sshd on 127.0.0.1:PORT for the current user, with its own host key, accepting the
// generated user key (unencrypted ed25519) and nothing else.
class SshServer {
public:
  explicit SshServer(const fs::path& dir);
  ~SshServer();
  SshServer(const SshServer&) = delete;
  SshServer& operator=(const SshServer&) = delete;

  static bool available(); // sshd installed, and we may run it (root)
  int port() const { return m_port; }
  const fs::path& user_key() const { return m_user_key; }
  const fs::path& host_key_pub() const { return m_host_key_pub; }
  std::string user() const;
  // The line for known_hosts: "[127.0.0.1]:PORT ssh-ed25519 AAAA...".
  std::string known_hosts_line() const;
  std::string url(const fs::path& repo) const; // ssh://USER@127.0.0.1:PORT/abs/path

private:
  fs::path m_dir;
  fs::path m_user_key;
  fs::path m_host_key_pub;
  int m_pid = -1;
  int m_port = 0;
};

// ssh-agent on a socket in `dir`, holding `key`.
class SshAgent {
public:
  SshAgent(const fs::path& dir, const fs::path& key);
  ~SshAgent();
  SshAgent(const SshAgent&) = delete;
  SshAgent& operator=(const SshAgent&) = delete;
  const fs::path& socket() const { return m_socket; }

private:
  fs::path m_socket;
  int m_pid = -1;
};

// `git http-backend` (smart HTTP) for every repository below `base`, behind a small
// HTTP/1.1 front on 127.0.0.1 that answers 401 until a request carries HTTP Basic
// credentials `user`:`password`. One connection at a time, each closed after its answer.
class HttpGitServer {
public:
  HttpGitServer(const fs::path& base, std::string user, std::string password);
  ~HttpGitServer();
  HttpGitServer(const HttpGitServer&) = delete;
  HttpGitServer& operator=(const HttpGitServer&) = delete;
  int port() const { return m_port; }
  std::string url(const std::string& path) const; // http://127.0.0.1:PORT/path
  std::size_t requests() const { return m_requests.load(); }
  // Requests that carried credentials, and wrong ones.
  std::size_t refused() const { return m_refused.load(); }

private:
  void run();
  void serve(int client);

  fs::path m_base;
  std::string m_authorization; // the expected "Basic ..." header value
  int m_listen = -1;
  int m_port = 0;
  int m_wake[2] = {-1, -1};
  std::atomic<bool> m_stop{false};
  std::atomic<std::size_t> m_requests{0};
  std::atomic<std::size_t> m_refused{0};
  std::thread m_thread;
};

// Listens on 127.0.0.1:port() and relays each connection to 127.0.0.1:target. It can
// limit the rate, stay silent (accept and never answer), or drop everything.
class TcpRelay {
public:
  explicit TcpRelay(int target, std::size_t bytes_per_second = 0, bool silent = false);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;
  int port() const { return m_port; }
  // Closes every connection and stops listening, as a server that died.
  void kill();
  // From now on, forwards nothing more toward clients (a server that went quiet mid-pack);
  // connections stay open.
  void hold() { m_hold = true; }
  std::size_t bytes_to_client() const { return m_to_client.load(); }
  std::size_t connections() const { return m_connections.load(); }
  std::size_t max_concurrent() const { return m_max_concurrent.load(); }

private:
  void run();

  int m_listen = -1;
  int m_port = 0;
  int m_target;
  std::size_t m_rate;
  bool m_silent;
  int m_wake[2] = {-1, -1};
  std::atomic<bool> m_stop{false};
  std::atomic<bool> m_hold{false};
  std::atomic<std::size_t> m_to_client{0};
  std::atomic<std::size_t> m_connections{0};
  std::atomic<std::size_t> m_max_concurrent{0};
  std::thread m_thread;
};

} // namespace mr::test
