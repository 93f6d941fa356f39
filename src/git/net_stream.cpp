#include "net_stream.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <mutex>
#include <netdb.h>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/stream.h>

#include <mr/util/duration.hpp>
#include <mr/util/fd.hpp>
#include <mr/util/strings.hpp>

#include "bounded_transport.hpp"

namespace mr::git {

namespace {

thread_local NetScope* t_scope = nullptr;

// How long one poll() waits before looking at the stop token again.
constexpr int k_slice_ms = 100;

using Clock = std::chrono::steady_clock;

// The C++ side of a stream: what the stop callback and the I/O calls share.
struct State {
  std::mutex mutex;
  util::FdGuard fd; // the descriptor the stop callback may shut down
  std::stop_token stop;
  std::chrono::milliseconds idle{0};
  std::string where; // "host:port", for messages
  // Declared last: destroyed first, so the callback never outlives what it touches.
  std::optional<std::stop_callback<std::function<void()>>> on_stop;
};

// libgit2's git_socket_stream (streams/socket.h in 1.5): parent, host, port, s. The ssh
// transport takes `s` from there for libssh2, so these four must stay first and in order.
// Another libgit2 may lay it out differently: check its streams/socket.h, then widen this
// (git::initialise() refuses a run-time library of another version than this one).
#if LIBGIT2_VER_MAJOR != 1 || LIBGIT2_VER_MINOR != 5
#error "net_stream.cpp mirrors libgit2 1.5's private git_socket_stream: check this libgit2's"
#endif
struct Stream {
  git_stream parent;
  char* host;
  char* port;
  int s;
  State* state;
};

Stream* self(git_stream* s) {
  return reinterpret_cast<Stream*>(s);
}

int net_error(const std::string& message) {
  git_error_set_str(GIT_ERROR_NET, message.c_str());
  return -1;
}

bool cancelled(const State& st) {
  return st.stop.stop_possible() && st.stop.stop_requested();
}

// Waits until `fd` is ready for `events`, the task is cancelled, or `idle` passes without
// progress. 1: ready; 0: timed out; -1: cancelled or failed (error set).
int wait_for(State& st, int fd, short events, std::chrono::milliseconds limit) {
  const auto start = Clock::now();
  for (;;) {
    if (cancelled(st)) {
      return net_error("cancelled while talking to " + st.where);
    }
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, k_slice_ms);
    if (rc > 0) {
      return 1;
    }
    if (rc < 0 && errno != EINTR) {
      return net_error(st.where + ": " + util::errno_text(errno));
    }
    if (limit.count() > 0 && Clock::now() - start >= limit) {
      return 0;
    }
  }
}

int stream_connect(git_stream* stream) {
  Stream* s = self(stream);
  State& st = *s->state;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found_raw = nullptr;
  if (const int rc = ::getaddrinfo(s->host, s->port, &hints, &found_raw); rc != 0) {
    return net_error("failed to resolve address for " + std::string(s->host) + ": " +
                     ::gai_strerror(rc));
  }
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> found(found_raw, ::freeaddrinfo);
  std::string last_error = "no address";
  util::FdGuard fd;
  for (addrinfo* ai = found.get(); ai != nullptr && !fd.open(); ai = ai->ai_next) {
    util::FdGuard candidate(
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
    if (!candidate.open()) {
      last_error = util::errno_text(errno);
      continue;
    }
    if (::connect(candidate.get(), ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last_error = util::errno_text(errno);
      continue;
    }
    const int ready = wait_for(st, candidate.get(), POLLOUT, st.idle);
    if (ready < 0) {
      return -1;
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (ready == 0) {
      last_error = "connection timed out";
    } else if (::getsockopt(candidate.get(), SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 ||
               so_error != 0) {
      last_error = util::errno_text(so_error != 0 ? so_error : errno);
    } else {
      fd = std::move(candidate);
    }
  }
  if (!fd.open()) {
    return net_error("failed to connect to " + st.where + ": " + last_error);
  }
  // Blocking from here on: libssh2 reads this descriptor itself and expects it so. Our own
  // reads and writes wait in poll() first, so they never block past a cancellation.
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  s->s = fd.get(); // libgit2's copy; ours in `st` closes it
  {
    std::lock_guard lock(st.mutex);
    st.fd = std::move(fd);
  }
  if (st.stop.stop_possible()) {
    // Wakes a read blocked anywhere on this socket, libssh2's included.
    st.on_stop.emplace(st.stop, std::function<void()>([&st] {
                         std::lock_guard lock(st.mutex);
                         if (st.fd.open()) {
                           ::shutdown(st.fd.get(), SHUT_RDWR);
                         }
                       }));
  }
  return 0;
}

ssize_t stream_read(git_stream* stream, void* data, size_t len) {
  Stream* s = self(stream);
  State& st = *s->state;
  const int ready = wait_for(st, s->s, POLLIN, st.idle);
  if (ready < 0) {
    return -1;
  }
  if (ready == 0) {
    return net_error("no data from " + st.where + " for " + util::format_duration(st.idle) +
                     " (settings.stall_timeout)");
  }
  for (;;) {
    const ssize_t n = ::recv(s->s, data, len, 0);
    if (n >= 0) {
      if (n == 0 && cancelled(st)) {
        return net_error("cancelled while talking to " + st.where);
      }
      return n;
    }
    if (errno != EINTR) {
      return net_error("read from " + st.where + " failed: " + util::errno_text(errno));
    }
  }
}

ssize_t stream_write(git_stream* stream, const char* data, size_t len, int) {
  Stream* s = self(stream);
  State& st = *s->state;
  size_t off = 0;
  while (off < len) {
    const int ready = wait_for(st, s->s, POLLOUT, st.idle);
    if (ready < 0) {
      return -1;
    }
    if (ready == 0) {
      return net_error(st.where + " took no data for " + util::format_duration(st.idle) +
                       " (settings.stall_timeout)");
    }
    const ssize_t n = ::send(s->s, data + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
        continue;
      }
      return net_error("write to " + st.where + " failed: " + util::errno_text(errno));
    }
    off += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(len);
}

int stream_close(git_stream* stream) {
  Stream* s = self(stream);
  State& st = *s->state;
  st.on_stop.reset(); // waits for a running callback; none can start afterwards
  std::lock_guard lock(st.mutex);
  st.fd.reset();
  s->s = -1;
  return 0;
}

void stream_free(git_stream* stream) {
  Stream* s = self(stream);
  if (s->state != nullptr && s->state->fd.open()) {
    stream_close(stream);
  }
  std::free(s->host);
  std::free(s->port);
  delete s->state;
  std::free(s);
}

int stream_init(git_stream** out, const char* host, const char* port) {
  auto* s = static_cast<Stream*>(std::calloc(1, sizeof(Stream)));
  if (s == nullptr) {
    git_error_set_oom();
    return -1;
  }
  s->parent.version = GIT_STREAM_VERSION;
  s->parent.connect = stream_connect;
  s->parent.read = stream_read;
  s->parent.write = stream_write;
  s->parent.close = stream_close;
  s->parent.free = stream_free;
  s->host = ::strdup(host);
  s->port = ::strdup(port != nullptr ? port : "");
  s->s = -1;
  s->state = new State;
  s->state->where = std::string(host) + ":" + s->port;
  if (NetScope* scope = t_scope) {
    s->state->stop = scope->stop();
    s->state->idle = scope->idle();
  }
  *out = &s->parent;
  return 0;
}

} // namespace

NetScope::NetScope(std::stop_token stop, std::chrono::milliseconds idle)
    : m_outer(t_scope), m_stop(std::move(stop)), m_idle(idle) {
  t_scope = this;
}

NetScope::~NetScope() {
  t_scope = m_outer;
}

void register_net_stream() {
  git_stream_registration registration{};
  registration.version = GIT_STREAM_VERSION;
  registration.init = stream_init;
  registration.wrap = nullptr;
  git_stream_register(GIT_STREAM_STANDARD, &registration);
  // And the protocol on top of these connections, bounded (bounded_transport.hpp).
  register_bounded_transports();
}

} // namespace mr::git
