// Private to src/git: a bound on what a server can make mr hold in memory.
//
// libgit2 keeps in memory every ref a server advertises, and every acknowledgement it
// sends while the client negotiates, so a broken or hostile server that never stops
// talking would grow mr without limit. mr therefore hands libgit2 its own smart transports
// for git://, http(s):// and ssh://: libgit2's, with each stream wrapped so that what the
// server sends before its pack (the ref advertisement and the negotiation) is cut off past
// k_max_before_pack bytes for one transfer. The pack itself goes to disk as it arrives and
// is not limited here. HTTP response headers are bounded by the HTTP parser (80 KiB).
#pragma once

#include <cstddef>

namespace mr::git {

// Far beyond any real repository (some 5 million refs at the least), small enough to stay
// harmless.
inline constexpr std::size_t k_max_before_pack = std::size_t{256} * 1024 * 1024;

// Registers the bounded transports with libgit2. Called once, from register_net_stream().
void register_bounded_transports();

// Follows the pkt-line framing of what a server sends until its pack starts: a packet on
// sideband 1, or "PACK" itself where there is no sideband.
class PreludeScanner {
public:
  // How many of these bytes came before the pack (all of them while it has not started;
  // none once it has).
  std::size_t scan(const char* data, std::size_t len);
  bool in_pack() const { return m_pack; }

private:
  char m_header[4] = {};
  std::size_t m_header_len = 0;
  std::size_t m_remaining = 0; // payload bytes left in the current packet
  bool m_payload_start = false;
  bool m_pack = false;
};

} // namespace mr::git
