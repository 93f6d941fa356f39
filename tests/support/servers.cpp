#include "servers.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <pwd.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_fixture.hpp"
#include "process.hpp"

extern char** environ;

namespace mr::test {

namespace {

using Clock = std::chrono::steady_clock;

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Options for a server or tool the tests start: in `cwd`, with the test's own environment.
RunOptions background(const fs::path& cwd) {
  RunOptions options;
  options.cwd = cwd;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    options.env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return options;
}

// Runs argv to completion with its output discarded; throws if it fails.
void run_ok(const std::vector<std::string>& argv, const fs::path& cwd = {}) {
  const auto r = run(argv, background(cwd));
  if (r.exit_code != 0) {
    throw std::runtime_error(argv.front() + " failed: " + r.err);
  }
}

void stop_process(int& pid) {
  if (pid > 0) {
    ::kill(pid, SIGTERM);
    wait_for(pid);
    pid = -1;
  }
}

} // namespace

int listen_on(int port, int& bound) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  bound = ntohs(addr.sin_port);
  return fd;
}

int free_port() {
  int port = 0;
  const int fd = listen_on(0, port);
  ::close(fd);
  return port;
}

bool wait_for_port(int port, double seconds) {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < until) {
    if (const int fd = connect_to(port); fd >= 0) {
      ::close(fd);
      return true;
    }
    ::usleep(20'000);
  }
  return false;
}

// ---- git daemon -----------------------------------------------------------------------

GitDaemon::GitDaemon(const fs::path& base) : m_port(free_port()) {
  m_pid = spawn({"git", "daemon", "--reuseaddr", "--listen=127.0.0.1",
                 "--port=" + std::to_string(m_port), "--base-path=" + base.string(), "--export-all",
                 base.string()},
                background(base));
  if (!wait_for_port(m_port)) {
    stop_process(m_pid);
    throw std::runtime_error("git daemon did not start");
  }
}

GitDaemon::~GitDaemon() {
  stop_process(m_pid);
}

std::string GitDaemon::url(const std::string& path) const {
  return "git://127.0.0.1:" + std::to_string(m_port) + "/" + path;
}

// ---- git http-backend ------------------------------------------------------------------

namespace {

std::string base64(std::string_view in) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const auto byte = [&](std::size_t k) {
      return k < in.size() ? static_cast<unsigned char>(in[k]) : 0u;
    };
    const unsigned n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? k_alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? k_alphabet[n & 63] : '=';
  }
  return out;
}

// Reads from `fd` until `done(buffer)` or end of input; false on error, EOF or 10 s of
// silence.
template <typename Done>
bool read_until(int fd, std::string& buffer, Done done) {
  char chunk[16384];
  while (!done(buffer)) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10'000) <= 0) {
      return false;
    }
    const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
    if (got <= 0) {
      return false;
    }
    buffer.append(chunk, static_cast<std::size_t>(got));
  }
  return true;
}

void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t put = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (put <= 0) {
      return;
    }
    data.remove_prefix(static_cast<std::size_t>(put));
  }
}

// The body of a chunked request starting at `data`; nullopt until all of it has arrived.
std::optional<std::string> dechunk(std::string_view data) {
  std::string body;
  for (;;) {
    const auto eol = data.find("\r\n");
    if (eol == std::string_view::npos) {
      return std::nullopt;
    }
    const auto size = std::stoul(std::string(data.substr(0, eol)), nullptr, 16);
    if (data.size() < eol + 2 + size + 2) {
      return std::nullopt;
    }
    if (size == 0) {
      return body;
    }
    body.append(data.substr(eol + 2, size));
    data.remove_prefix(eol + 2 + size + 2);
  }
}

} // namespace

HttpGitServer::HttpGitServer(const fs::path& base, std::string user, std::string password)
    : m_base(base), m_authorization("Basic " + base64(user + ":" + password)) {
  m_listen = listen_on(0, m_port);
  if (::pipe2(m_wake, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  m_thread = std::thread([this] { run(); });
}

HttpGitServer::~HttpGitServer() {
  m_stop = true;
  const char c = 1;
  (void)::write(m_wake[1], &c, 1);
  m_thread.join();
  ::close(m_listen);
  ::close(m_wake[0]);
  ::close(m_wake[1]);
}

std::string HttpGitServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(m_port) + "/" + path;
}

void HttpGitServer::run() {
  while (!m_stop.load()) {
    pollfd fds[2] = {{m_listen, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
    ::poll(fds, 2, -1);
    if ((fds[0].revents & POLLIN) != 0) {
      const int client = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        serve(client);
        ::close(client);
      }
    }
  }
}

void HttpGitServer::serve(int client) {
  std::string in;
  if (!read_until(client, in,
                  [](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; })) {
    return;
  }
  ++m_requests;
  const auto head_end = in.find("\r\n\r\n");
  const auto lines = lines_of(in.substr(0, head_end));
  std::map<std::string, std::string> headers;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto colon = lines[i].find(':');
    if (colon == std::string::npos) {
      continue;
    }
    std::string name = lines[i].substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto value = lines[i].substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) {
      value.pop_back();
    }
    headers[name] = value;
  }
  // "GET /path?query HTTP/1.1"
  const auto& request = lines.empty() ? std::string() : lines[0];
  const auto method = request.substr(0, request.find(' '));
  const auto target_start = request.find(' ') + 1;
  const auto target = request.substr(target_start, request.find(' ', target_start) - target_start);
  const auto question = target.find('?');
  const auto path = target.substr(0, question);
  const auto query = question == std::string::npos ? std::string() : target.substr(question + 1);

  // The body, by length or chunked.
  std::string body;
  const auto body_start = head_end + 4;
  if (headers.count("content-length") != 0) {
    const auto length = std::stoul(headers["content-length"]);
    if (!read_until(client, in,
                    [&](const std::string& b) { return b.size() >= body_start + length; })) {
      return;
    }
    body = in.substr(body_start, length);
  } else if (headers["transfer-encoding"] == "chunked") {
    std::optional<std::string> whole;
    if (!read_until(client, in, [&](const std::string& b) {
          whole = dechunk(std::string_view(b).substr(body_start));
          return whole.has_value();
        })) {
      return;
    }
    body = std::move(*whole);
  }

  const auto auth = headers.find("authorization");
  if (auth == headers.end() || auth->second != m_authorization) {
    if (auth != headers.end()) {
      ++m_refused;
    }
    send_all(client, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\n"
                     "Content-Length: 0\r\nConnection: close\r\n\r\n");
    return;
  }

  RunOptions cgi;
  cgi.cwd = m_base;
  cgi.input = body;
  cgi.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
             {"HOME", m_base.string()},
             {"GIT_CONFIG_NOSYSTEM", "1"},
             {"GIT_PROJECT_ROOT", m_base.string()},
             {"GIT_HTTP_EXPORT_ALL", "1"},
             {"REQUEST_METHOD", method},
             {"PATH_INFO", path},
             {"QUERY_STRING", query},
             {"REMOTE_USER", "git"},
             {"REMOTE_ADDR", "127.0.0.1"},
             {"CONTENT_LENGTH", std::to_string(body.size())}};
  if (headers.count("content-type") != 0) {
    cgi.env["CONTENT_TYPE"] = headers["content-type"];
  }
  if (headers.count("content-encoding") != 0) {
    cgi.env["HTTP_CONTENT_ENCODING"] = headers["content-encoding"];
  }
  if (headers.count("git-protocol") != 0) {
    cgi.env["GIT_PROTOCOL"] = headers["git-protocol"];
  }
  const auto r = mr::test::run({"git", "http-backend"}, cgi);
  // CGI: header lines, a blank line, the body; "Status:" gives the status line.
  auto split = r.out.find("\r\n\r\n");
  std::size_t skip = 4;
  if (split == std::string::npos) {
    split = r.out.find("\n\n");
    skip = 2;
  }
  if (r.exit_code != 0 || split == std::string::npos) {
    send_all(client, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                     "Connection: close\r\n\r\n");
    return;
  }
  std::string status = "200 OK";
  std::string response_headers;
  for (auto line : lines_of(r.out.substr(0, split))) {
    while (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (line.rfind("Status: ", 0) == 0) {
      status = line.substr(8);
    } else if (!line.empty()) {
      response_headers += line + "\r\n";
    }
  }
  const auto response_body = std::string_view(r.out).substr(split + skip);
  send_all(client, "HTTP/1.1 " + status + "\r\n" + response_headers + "Content-Length: " +
                       std::to_string(response_body.size()) + "\r\nConnection: close\r\n\r\n");
  send_all(client, response_body);
}

// ---- sshd --------------------------------------------------------------------------------

bool SshServer::available() {
  struct stat st {};
  return ::geteuid() == 0 && ::stat("/usr/sbin/sshd", &st) == 0;
}

SshServer::SshServer(const fs::path& dir) : m_dir(dir), m_port(free_port()) {
  fs::create_directories(dir);
  ::chmod(dir.c_str(), 0700);
  const auto host_key = dir / "host_key";
  m_user_key = dir / "user_key";
  m_host_key_pub = dir / "host_key.pub";
  run_ok({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mr-test-host", "-f",
          host_key.string()});
  run_ok({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mr-test-user", "-f",
          m_user_key.string()});
  fs::copy_file(dir / "user_key.pub", dir / "authorized_keys",
                fs::copy_options::overwrite_existing);
  write_file(dir / "sshd_config", "Port " + std::to_string(m_port) +
                                      "\n"
                                      "ListenAddress 127.0.0.1\n"
                                      "HostKey " +
                                      host_key.string() + "\nPidFile " +
                                      (dir / "sshd.pid").string() +
                                      "\n"
                                      "AuthorizedKeysFile " +
                                      (dir / "authorized_keys").string() +
                                      "\n"
                                      "StrictModes no\n"
                                      "PubkeyAuthentication yes\n"
                                      "PasswordAuthentication no\n"
                                      "KbdInteractiveAuthentication no\n"
                                      "UsePAM no\n"
                                      "PermitRootLogin prohibit-password\n"
                                      "MaxAuthTries 10\n"
                                      "LogLevel VERBOSE\n");
  fs::create_directories("/run/sshd"); // its privilege separation directory
  m_pid = spawn({"/usr/sbin/sshd", "-D", "-f", (dir / "sshd_config").string(), "-E",
                 (dir / "sshd.log").string()},
                background(dir));
  if (!wait_for_port(m_port)) {
    stop_process(m_pid);
    throw std::runtime_error("sshd did not start: " + read_file(dir / "sshd.log"));
  }
}

SshServer::~SshServer() {
  stop_process(m_pid);
}

std::string SshServer::user() const {
  const passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_name : "root";
}

std::string SshServer::known_hosts_line() const {
  auto pub = read_file(m_host_key_pub); // "ssh-ed25519 AAAA... comment"
  const auto first = pub.find(' ');
  const auto second = pub.find(' ', first + 1);
  return "[127.0.0.1]:" + std::to_string(m_port) + " " + pub.substr(0, second) + "\n";
}

std::string SshServer::url(const fs::path& repo) const {
  return "ssh://" + user() + "@127.0.0.1:" + std::to_string(m_port) + repo.string();
}

// ---- ssh-agent ----------------------------------------------------------------------------

SshAgent::SshAgent(const fs::path& dir, const fs::path& key) : m_socket(dir / "agent.sock") {
  fs::create_directories(dir);
  m_pid = spawn({"ssh-agent", "-D", "-a", m_socket.string()}, background(dir));
  const auto until = Clock::now() + std::chrono::seconds(10);
  while (!fs::exists(m_socket) && Clock::now() < until) {
    ::usleep(20'000);
  }
  RunOptions options = background(dir);
  options.env["SSH_AUTH_SOCK"] = m_socket.string();
  const auto r = run({"ssh-add", "-q", key.string()}, options);
  if (r.exit_code != 0) {
    stop_process(m_pid);
    throw std::runtime_error("ssh-add failed: " + r.err);
  }
}

SshAgent::~SshAgent() {
  stop_process(m_pid);
}

// ---- TCP relay ----------------------------------------------------------------------------

TcpRelay::TcpRelay(int target, std::size_t bytes_per_second, bool silent)
    : m_target(target), m_rate(bytes_per_second), m_silent(silent) {
  m_listen = listen_on(0, m_port);
  if (::pipe2(m_wake, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  m_thread = std::thread([this] { run(); });
}

TcpRelay::~TcpRelay() {
  kill();
  if (m_thread.joinable()) {
    m_thread.join();
  }
  ::close(m_wake[0]);
  ::close(m_wake[1]);
}

void TcpRelay::kill() {
  if (!m_stop.exchange(true)) {
    const char c = 1;
    (void)::write(m_wake[1], &c, 1);
  }
}

void TcpRelay::run() {
  struct Pair {
    int client;
    int server; // -1 when silent
    std::string to_server;
    std::string to_client;
  };
  std::vector<Pair> pairs;
  auto window_start = Clock::now();
  std::size_t window_bytes = 0;
  while (!m_stop.load()) {
    std::vector<pollfd> fds;
    fds.push_back({m_listen, POLLIN, 0});
    fds.push_back({m_wake[0], POLLIN, 0});
    for (const auto& p : pairs) {
      fds.push_back(
          {p.client,
           static_cast<short>(m_silent ? 0 : POLLIN | (p.to_client.empty() ? 0 : POLLOUT)), 0});
      if (p.server >= 0) {
        fds.push_back(
            {p.server, static_cast<short>(POLLIN | (p.to_server.empty() ? 0 : POLLOUT)), 0});
      }
    }
    ::poll(fds.data(), fds.size(), 10);
    if ((fds[0].revents & POLLIN) != 0) {
      const int client = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        const int server = m_silent ? -1 : connect_to(m_target);
        if (!m_silent && server < 0) {
          ::close(client);
        } else {
          pairs.push_back({client, server, {}, {}});
          ++m_connections;
          if (pairs.size() > m_max_concurrent.load()) {
            m_max_concurrent = pairs.size();
          }
        }
      }
    }
    if (m_silent) {
      continue;
    }
    // Rate: bytes toward the client per 100 ms window.
    const auto now = Clock::now();
    if (now - window_start >= std::chrono::milliseconds(100)) {
      window_start = now;
      window_bytes = 0;
    }
    const std::size_t budget_per_window =
        m_rate == 0 ? SIZE_MAX : std::max<std::size_t>(1, m_rate / 10);
    char buf[16384];
    for (auto it = pairs.begin(); it != pairs.end();) {
      bool closed = false;
      // client -> server
      const ssize_t a = ::recv(it->client, buf, sizeof buf, MSG_DONTWAIT);
      if (a > 0) {
        it->to_server.append(buf, static_cast<std::size_t>(a));
      } else if (a == 0) {
        closed = true;
      }
      // server -> client, within the budget
      if (!m_hold.load() && window_bytes < budget_per_window) {
        const std::size_t want = std::min(sizeof buf, budget_per_window - window_bytes);
        const ssize_t b = ::recv(it->server, buf, want, MSG_DONTWAIT);
        if (b > 0) {
          it->to_client.append(buf, static_cast<std::size_t>(b));
          window_bytes += static_cast<std::size_t>(b);
        } else if (b == 0 && it->to_client.empty()) {
          closed = true;
        }
      }
      if (!it->to_server.empty()) {
        const ssize_t w = ::send(it->server, it->to_server.data(), it->to_server.size(),
                                 MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w > 0) {
          it->to_server.erase(0, static_cast<std::size_t>(w));
        }
      }
      if (!it->to_client.empty()) {
        const ssize_t w = ::send(it->client, it->to_client.data(), it->to_client.size(),
                                 MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w > 0) {
          it->to_client.erase(0, static_cast<std::size_t>(w));
          m_to_client += static_cast<std::size_t>(w);
        } else if (w < 0 && errno != EAGAIN) {
          closed = true;
        }
      }
      if (closed) {
        ::close(it->client);
        ::close(it->server);
        it = pairs.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& p : pairs) {
    ::close(p.client);
    if (p.server >= 0) {
      ::close(p.server);
    }
  }
  ::close(m_listen);
}

} // namespace mr::test
