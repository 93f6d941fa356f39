// Private to src/git: a bound on what a server can make mr hold in memory.
//
// libgit2 keeps every ref a server advertises in memory before the client says a word, so
// a broken or hostile server that never stops advertising would grow mr without limit.
// mr therefore hands libgit2 its own smart transports for git://, http(s):// and ssh://:
// libgit2's, with each stream wrapped so that the reply to the first request (the ref
// advertisement) is cut off past k_max_advertisement. The pack that follows the client's
// request goes to disk as it arrives and is not limited here. HTTP response headers are
// bounded by the HTTP parser itself (80 KiB).
#pragma once

#include <cstddef>

namespace mr::git {

// Far beyond any real repository (a few million refs), small enough to stay harmless.
inline constexpr std::size_t k_max_advertisement = std::size_t{256} * 1024 * 1024;

// Registers the bounded transports with libgit2. Called once, from register_net_stream().
void register_bounded_transports();

} // namespace mr::git
