#include "bounded_transport.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <git2.h>
#include <git2/sys/transport.h>

#include <mr/util/redact.hpp>

namespace mr::git {

namespace {

struct BoundedSubtransport;

// libgit2's stream, and where in the server's reply it is.
struct BoundedStream {
  git_smart_subtransport_stream parent; // first: libgit2 hands this pointer back to us
  git_smart_subtransport_stream* inner;
  BoundedSubtransport* owner;
  PreludeScanner scanner;
};

struct BoundedSubtransport {
  git_smart_subtransport parent; // first, as above
  git_smart_subtransport* inner;
  // The stream last handed out: git:// and ssh:// go on with the same stream after the
  // advertisement, and libgit2 expects the very same object back.
  BoundedStream* current = nullptr;
  std::size_t before_pack = 0; // over every stream of this transfer (http: one per request)
  std::string url;
};

constexpr std::size_t k_mib = 1024 * 1024;

// "0032", or -1 when these are not four hex digits.
long hex4(const char* h) {
  long n = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = h[i];
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
    if (digit < 0) {
      return -1;
    }
    n = n * 16 + digit;
  }
  return n;
}

int stream_read(git_smart_subtransport_stream* stream, char* buffer, size_t size,
                size_t* bytes_read) {
  auto* s = reinterpret_cast<BoundedStream*>(stream);
  const int rc = s->inner->read(s->inner, buffer, size, bytes_read);
  if (rc < 0 || s->scanner.in_pack()) {
    return rc;
  }
  BoundedSubtransport& t = *s->owner;
  t.before_pack += s->scanner.scan(buffer, *bytes_read);
  if (t.before_pack > k_max_before_pack) {
    const std::string message = t.url + " sent more than " +
                                std::to_string(k_max_before_pack / k_mib) +
                                " MiB before its pack (refs, acknowledgements); mr stopped "
                                "reading (a broken or hostile server?)";
    git_error_set_str(GIT_ERROR_NET, message.c_str());
    return -1;
  }
  return rc;
}

int stream_write(git_smart_subtransport_stream* stream, const char* buffer, size_t len) {
  auto* s = reinterpret_cast<BoundedStream*>(stream);
  return s->inner->write(s->inner, buffer, len);
}

void stream_free(git_smart_subtransport_stream* stream) {
  auto* s = reinterpret_cast<BoundedStream*>(stream);
  s->inner->free(s->inner);
  if (s->owner->current == s) {
    s->owner->current = nullptr;
  }
  delete s;
}

int sub_action(git_smart_subtransport_stream** out, git_smart_subtransport* transport,
               const char* url, git_smart_service_t action) {
  auto* t = reinterpret_cast<BoundedSubtransport*>(transport);
  git_smart_subtransport_stream* inner = nullptr;
  if (const int rc = t->inner->action(&inner, t->inner, url, action); rc < 0) {
    return rc;
  }
  if (t->current != nullptr && t->current->inner == inner) {
    *out = &t->current->parent;
    return 0;
  }
  auto* s = new BoundedStream{};
  s->parent.subtransport = transport;
  s->parent.read = stream_read;
  s->parent.write = stream_write;
  s->parent.free = stream_free;
  s->inner = inner;
  s->owner = t;
  if (t->url.empty()) {
    t->url = util::redact_url(url != nullptr ? url : "the server");
  }
  t->current = s;
  *out = &s->parent;
  return 0;
}

int sub_close(git_smart_subtransport* transport) {
  auto* t = reinterpret_cast<BoundedSubtransport*>(transport);
  return t->inner->close(t->inner);
}

void sub_free(git_smart_subtransport* transport) {
  auto* t = reinterpret_cast<BoundedSubtransport*>(transport);
  t->inner->free(t->inner);
  delete t;
}

// libgit2's own subtransport for one kind of URL, wrapped.
template <git_smart_subtransport_cb Inner>
int make_subtransport(git_smart_subtransport** out, git_transport* owner, void*) {
  git_smart_subtransport* inner = nullptr;
  if (const int rc = Inner(&inner, owner, nullptr); rc < 0) {
    return rc;
  }
  auto* t = new BoundedSubtransport{};
  t->parent.action = sub_action;
  t->parent.close = sub_close;
  t->parent.free = sub_free;
  t->inner = inner;
  *out = &t->parent;
  return 0;
}

// As libgit2's built-in table: git:// and ssh:// keep one connection, http(s):// is one
// request per step (rpc).
git_smart_subtransport_definition k_git{make_subtransport<git_smart_subtransport_git>, 0, nullptr};
git_smart_subtransport_definition k_http{make_subtransport<git_smart_subtransport_http>, 1,
                                         nullptr};
git_smart_subtransport_definition k_ssh{make_subtransport<git_smart_subtransport_ssh>, 0, nullptr};

int smart_transport(git_transport** out, git_remote* owner, void* definition) {
  return git_transport_smart(out, owner, definition);
}

} // namespace

std::size_t PreludeScanner::scan(const char* data, std::size_t len) {
  std::size_t i = 0;
  while (i < len && !m_pack) {
    if (m_remaining == 0) {
      m_header[m_header_len++] = data[i++];
      if (m_header_len < 4) {
        continue;
      }
      m_header_len = 0;
      const long n = hex4(m_header);
      if (n < 0) {
        // "PACK" without a sideband; anything else is not a pkt-line, which libgit2
        // refuses at once.
        m_pack = true;
      } else if (n > 4) { // not a flush, delimiter or empty packet
        m_remaining = static_cast<std::size_t>(n) - 4;
        m_payload_start = true;
      }
      continue;
    }
    if (m_payload_start) {
      m_payload_start = false;
      if (data[i] == '\x01') {
        m_pack = true; // sideband 1: pack data
        break;
      }
    }
    const std::size_t take = std::min(m_remaining, len - i);
    m_remaining -= take;
    i += take;
  }
  return i;
}

void register_bounded_transports() {
  // Registered transports are looked up before libgit2's own, so these take their place.
  // (libgit2 adds the "://" to the scheme.)
  const std::pair<const char*, git_smart_subtransport_definition*> schemes[] = {
      {"git", &k_git}, {"http", &k_http},   {"https", &k_http},
      {"ssh", &k_ssh}, {"ssh+git", &k_ssh}, {"git+ssh", &k_ssh}};
  for (const auto& [scheme, definition] : schemes) {
    // EEXISTS: registered by an earlier initialise() in this process.
    const int rc = git_transport_register(scheme, smart_transport, definition);
    if (rc != 0 && rc != GIT_EEXISTS) {
      throw std::logic_error(std::string("cannot register the ") + scheme + " transport");
    }
  }
  git_error_clear();
}

} // namespace mr::git
