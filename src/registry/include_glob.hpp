// Private to src/registry: expanding an include pattern as glob(3) would (no flags: "*",
// "?" and "[...]" within one component, a leading "." matched only explicitly, "\" quotes,
// results sorted), but one entry at a time and bounded, so a pattern that would reach
// millions of paths (directories of symlinks to themselves, "*/*/*/*/*/*/*") stops at the
// limit instead of running for ever and filling memory, and an interrupt stops it at once.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace mr::registry {

struct GlobLimits {
  std::size_t max_matches = 0; // more is an error
  std::size_t max_visits = 0;  // directory entries read and paths looked up, all told
  std::stop_token stop;
};

struct GlobFailure {
  enum class Kind { too_many_matches, too_many_visits, interrupted };
  Kind kind;
};

// The existing paths `pattern` matches. A relative pattern is taken from `base`, which is
// literal (its own "*" are not magic). "." and ".." never match a wildcard. A component
// before the last one matches only directories (symlinks to them included, as glob(3));
// an unreadable or missing directory matches nothing.
tl::expected<std::vector<std::filesystem::path>, GlobFailure>
expand_include_glob(const std::filesystem::path& base, std::string_view pattern,
                    const GlobLimits& limits);

// Does `s` have a glob wildcard ("*", "?" or "[")?
bool has_glob_magic(std::string_view s);

} // namespace mr::registry
