// A server that never stops talking, for the bounds on what mr keeps from a server: on
// git:// an endless ref advertisement of valid pkt-lines, endless acknowledgements once the
// client has sent its first haves, or one error line as long as a pkt-line can be, full of
// terminal escapes; on HTTP endless response headers, or an
// endless advertisement as the body of a 200. Each connection gets at most `cap` bytes (so
// a client without a bound still ends), then is closed.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <thread>

namespace mr::test {

class FloodServer {
public:
  enum class Mode { git_advertisement, git_acks, git_error_line, http_headers, http_advertisement };
  FloodServer(Mode mode, std::size_t cap);
  ~FloodServer();
  FloodServer(const FloodServer&) = delete;
  FloodServer& operator=(const FloodServer&) = delete;

  int port() const { return m_port; }
  // git://127.0.0.1:PORT/path or http://127.0.0.1:PORT/path, as the mode speaks.
  std::string url(const std::string& path) const;
  std::size_t bytes_sent() const { return m_sent.load(); }
  std::size_t connections() const { return m_connections.load(); }

private:
  void run();
  void serve(int client);
  bool send_chunk(int client, const std::string& data);
  bool read_haves(int client, std::string& received);

  Mode m_mode;
  std::size_t m_cap;
  int m_listen = -1;
  int m_port = 0;
  int m_wake[2] = {-1, -1};
  std::atomic<bool> m_stop{false};
  std::atomic<std::size_t> m_sent{0};
  std::atomic<std::size_t> m_connections{0};
  std::thread m_thread;
};

} // namespace mr::test
