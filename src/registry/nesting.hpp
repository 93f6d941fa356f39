// Private to src/registry: a guard in front of toml++, which recurses once per level of
// nesting and so overflows the stack on a file like "[a.a.a....]" 50,000 levels deep.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include <mr/util/result.hpp>

namespace mr::registry {

// Scans `text` as TOML closely enough to count nesting (it knows strings, comments, table
// headers, dotted keys, arrays and inline tables) and refuses, with FILE:LINE:COL, the
// first point where tables, dotted keys, arrays and inline tables together are nested
// more than `limit` levels deep. It never rejects what toml++ would accept at a depth
// within `limit`; syntax errors are left to toml++. Linear time, constant stack.
Result<void> check_nesting(std::string_view text, const std::filesystem::path& file,
                           std::size_t limit);

} // namespace mr::registry
