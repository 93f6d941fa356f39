// Durations as users write them: "30s", "5m", "1h30m", "250ms", or a bare number of seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mr::util {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::milliseconds d); // "1h30m", "5s", "250ms"

} // namespace mr::util
