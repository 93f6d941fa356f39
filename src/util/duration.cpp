#include <limits>

#include <mr/util/duration.hpp>
#include <mr/util/strings.hpp>

namespace mr::util {

namespace {

using Rep = std::chrono::milliseconds::rep;
constexpr Rep k_rep_max = std::numeric_limits<Rep>::max();

// value * unit + total, or k_rep_max when that does not fit.
Rep saturating(unsigned long value, Rep unit, Rep total) {
  const auto limit = static_cast<unsigned long>(k_rep_max);
  if (value > limit / static_cast<unsigned long>(unit)) {
    return k_rep_max;
  }
  const auto part = static_cast<Rep>(value) * unit;
  return part > k_rep_max - total ? k_rep_max : part + total;
}

// Digits too many for unsigned long: the value is huge, not malformed.
unsigned long digits_value(std::string_view digits) {
  unsigned long value = 0;
  return parse_unsigned(digits, value) ? value : std::numeric_limits<unsigned long>::max();
}

} // namespace

std::chrono::milliseconds seconds_duration(std::uint64_t n) {
  return std::chrono::milliseconds(saturating(n, 1'000, 0));
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  text = trim(text);
  if (text.empty()) {
    return std::nullopt;
  }
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    return seconds_duration(digits_value(text));
  }
  // A sequence of <digits><unit> parts, each unit used in decreasing order at most once.
  static constexpr std::pair<std::string_view, Rep> k_units[] = {
      {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}};
  Rep total = 0;
  std::size_t next_unit = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto digits_end = text.find_first_not_of("0123456789", pos);
    if (digits_end == pos || digits_end == std::string_view::npos) {
      return std::nullopt;
    }
    const unsigned long value = digits_value(text.substr(pos, digits_end - pos));
    auto unit_end = text.find_first_of("0123456789", digits_end);
    if (unit_end == std::string_view::npos) {
      unit_end = text.size();
    }
    const auto unit = text.substr(digits_end, unit_end - digits_end);
    bool found = false;
    for (std::size_t u = next_unit; u < std::size(k_units); ++u) {
      if (k_units[u].first == unit) {
        total = saturating(value, k_units[u].second, total);
        next_unit = u + 1;
        found = true;
        break;
      }
    }
    if (!found) {
      return std::nullopt;
    }
    pos = unit_end;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms == 0) {
    return "0s";
  }
  std::string out;
  const auto part = [&](long long unit, const char* name) {
    if (ms >= unit) {
      out += std::to_string(ms / unit) + name;
      ms %= unit;
    }
  };
  part(3'600'000, "h");
  part(60'000, "m");
  part(1'000, "s");
  part(1, "ms");
  return out;
}

} // namespace mr::util
