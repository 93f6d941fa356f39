// Private to src/git: the TCP connections libgit2 makes (git://, http://, under TLS for
// https://, and the socket libssh2 runs ssh on), made cancellable and bounded in time.
//
// libgit2 1.5 has no network timeouts (they came in 1.7), and git_remote_stop() does not
// wake a read that is blocked on a silent server. mr therefore registers its own standard
// stream: it connects without blocking, waits in poll() with a limit, and when the task
// that opened it is cancelled (Ctrl-C, --timeout, --fail-fast) it shuts the socket down,
// which wakes whoever is blocked on it, libssh2 included. The stream keeps the memory
// layout of libgit2's git_socket_stream, because the ssh transport reads the descriptor
// from it directly.
#pragma once

#include <chrono>
#include <stop_token>

namespace mr::git {

// Registers the stream, and the bounded smart transports that run over it
// (bounded_transport.hpp), with libgit2. Called once from initialise(), before any thread.
void register_net_stream();

// While alive on a thread, the connections that thread opens follow `stop` and give up
// after `idle` without any byte moving (zero: no limit). Without a scope a connection
// only has the connect limit.
class NetScope {
public:
  NetScope(std::stop_token stop, std::chrono::milliseconds idle);
  ~NetScope();
  NetScope(const NetScope&) = delete;
  NetScope& operator=(const NetScope&) = delete;

  const std::stop_token& stop() const { return m_stop; }
  std::chrono::milliseconds idle() const { return m_idle; }

private:
  NetScope* m_outer;
  std::stop_token m_stop;
  std::chrono::milliseconds m_idle;
};

} // namespace mr::git
