// Durations as users write them: "30s", "5m", "1h30m", "250ms", or a bare number of seconds.
// Parsing never overflows: a value too large for the type saturates, so callers compare the
// result with k_max_duration and name the limit in their error.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mr::util {

// The longest duration any option or setting accepts: one year. Deadlines are computed as
// now + duration on the steady clock's nanoseconds, which this keeps far from overflowing.
inline constexpr std::chrono::milliseconds k_max_duration = std::chrono::hours(24 * 365);

// nullopt when `text` is not a duration; a well-formed value beyond what milliseconds hold
// comes back as milliseconds::max() (so it is above k_max_duration).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// `n` seconds, saturating at milliseconds::max() (a registry integer such as `timeout = 30`).
std::chrono::milliseconds seconds_duration(std::uint64_t n);

std::string format_duration(std::chrono::milliseconds d); // "1h30m", "5s", "250ms"

} // namespace mr::util
