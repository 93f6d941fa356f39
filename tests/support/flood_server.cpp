#include "flood_server.hpp"

#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

#include "servers.hpp"

namespace mr::test {

namespace {

constexpr std::size_t k_pkt = 32 * 1024; // each advertised ref line, length prefix included

std::string pkt(const std::string& payload) {
  char len[5];
  std::snprintf(len, sizeof len, "%04zx", payload.size() + 4);
  return len + payload;
}

// A valid ref line of exactly k_pkt bytes: "<sha> refs/heads/aaaa...\n".
std::string ref_pkt() {
  const std::string head = std::string(40, '1') + " refs/heads/";
  return pkt(head + std::string(k_pkt - 4 - head.size() - 1, 'a') + "\n");
}

std::string first_pkt() {
  return pkt(std::string(40, '1') + " HEAD" + std::string(1, '\0') +
             "multi_ack side-band-64k ofs-delta\n");
}

} // namespace

FloodServer::FloodServer(Mode mode, std::size_t cap) : m_mode(mode), m_cap(cap) {
  m_listen = listen_on(0, m_port);
  if (::pipe2(m_wake, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  m_thread = std::thread([this] { run(); });
}

FloodServer::~FloodServer() {
  m_stop = true;
  const char c = 1;
  (void)::write(m_wake[1], &c, 1);
  m_thread.join();
  ::close(m_listen);
  ::close(m_wake[0]);
  ::close(m_wake[1]);
}

std::string FloodServer::url(const std::string& path) const {
  const bool git = m_mode != Mode::http_headers && m_mode != Mode::http_advertisement;
  return std::string(git ? "git" : "http") + "://127.0.0.1:" + std::to_string(m_port) + "/" + path;
}

void FloodServer::run() {
  while (!m_stop.load()) {
    pollfd fds[2] = {{m_listen, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
    ::poll(fds, 2, -1);
    if ((fds[0].revents & POLLIN) != 0) {
      const int client = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        ++m_connections;
        serve(client);
        ::close(client);
      }
    }
  }
}

// Sends all of `data` unless the client went away, the cap is reached, or the test ends.
bool FloodServer::send_chunk(int client, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    if (m_stop.load() || m_sent.load() >= m_cap) {
      return false;
    }
    pollfd fds[2] = {{client, POLLOUT, 0}, {m_wake[0], POLLIN, 0}};
    if (::poll(fds, 2, 10'000) <= 0 || (fds[1].revents & POLLIN) != 0 ||
        (fds[0].revents & POLLOUT) == 0) {
      return false;
    }
    const ssize_t n = ::send(client, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    off += static_cast<std::size_t>(n);
    m_sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads the client's wants and first round of haves: "have" lines, then a flush.
bool FloodServer::read_haves(int client, std::string& received) {
  char buf[4096];
  for (;;) {
    const auto have = received.rfind("have ");
    if (have != std::string::npos && received.find("0000", have) != std::string::npos) {
      return true;
    }
    pollfd p{client, POLLIN, 0};
    if (::poll(&p, 1, 10'000) <= 0) {
      return false;
    }
    const ssize_t n = ::recv(client, buf, sizeof buf, 0);
    if (n <= 0) {
      return false;
    }
    received.append(buf, static_cast<std::size_t>(n));
  }
}

void FloodServer::serve(int client) {
  // The request: a pkt-line on git://, a header block on HTTP. Its content does not matter.
  std::string request;
  char buf[4096];
  const bool git = m_mode != Mode::http_headers && m_mode != Mode::http_advertisement;
  while (request.find(git ? std::string(1, '\0') : "\r\n\r\n") == std::string::npos) {
    pollfd p{client, POLLIN, 0};
    if (::poll(&p, 1, 10'000) <= 0) {
      return;
    }
    const ssize_t n = ::recv(client, buf, sizeof buf, 0);
    if (n <= 0) {
      return;
    }
    request.append(buf, static_cast<std::size_t>(n));
  }
  std::string start;
  std::string again;
  switch (m_mode) {
  case Mode::git_advertisement:
    start = first_pkt();
    again = ref_pkt();
    break;
  case Mode::git_acks:
    // One ref the client lacks; once it has sent its wants and a first round of haves,
    // "ACK ... continue" without end.
    if (!send_chunk(client,
                    first_pkt() + pkt(std::string(40, '1') + " refs/heads/main\n") + "0000") ||
        !read_haves(client, request)) {
      return;
    }
    // Padded: libgit2 reads only the start of the status word, and big packets are quick.
    again = pkt("ACK " + std::string(40, '2') + " continue" + std::string(k_pkt - 58, ' ') + "\n");
    break;
  case Mode::git_error_line:
    start = pkt("ERR \x1b[2J\x1b[31mdisk full\r\n" + std::string(60000, 'x') + "\n");
    break;
  case Mode::http_headers:
    start = "HTTP/1.1 200 OK\r\n";
    again = "X-Flood: " + std::string(1000, 'a') + "\r\n";
    break;
  case Mode::http_advertisement:
    start = "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-advertisement\r\n"
            "Cache-Control: no-cache\r\nConnection: close\r\n\r\n" +
            pkt("# service=git-upload-pack\n") + "0000" + first_pkt();
    again = ref_pkt();
    break;
  }
  // 64 copies at a time: fewer system calls.
  std::string block;
  for (int i = 0; i < 64; ++i) {
    block += again;
  }
  if (!send_chunk(client, start) || again.empty()) {
    return;
  }
  while (send_chunk(client, block)) {
  }
}

} // namespace mr::test
