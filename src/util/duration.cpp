#include <mr/util/duration.hpp>
#include <mr/util/strings.hpp>

namespace mr::util {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  text = trim(text);
  if (text.empty()) {
    return std::nullopt;
  }
  unsigned long plain = 0;
  if (parse_unsigned(text, plain)) {
    return std::chrono::seconds(plain);
  }
  // A sequence of <digits><unit> parts, each unit used in decreasing order at most once.
  static constexpr std::pair<std::string_view, long long> k_units[] = {
      {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}};
  long long total = 0;
  std::size_t next_unit = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto digits_end = text.find_first_not_of("0123456789", pos);
    if (digits_end == pos || digits_end == std::string_view::npos) {
      return std::nullopt;
    }
    unsigned long value = 0;
    if (!parse_unsigned(text.substr(pos, digits_end - pos), value) || value > 1'000'000'000UL) {
      return std::nullopt;
    }
    auto unit_end = text.find_first_of("0123456789", digits_end);
    if (unit_end == std::string_view::npos) {
      unit_end = text.size();
    }
    const auto unit = text.substr(digits_end, unit_end - digits_end);
    bool found = false;
    for (std::size_t u = next_unit; u < std::size(k_units); ++u) {
      if (k_units[u].first == unit) {
        total += static_cast<long long>(value) * k_units[u].second;
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
