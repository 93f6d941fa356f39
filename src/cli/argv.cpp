#include <algorithm>
#include <string_view>

#include <mr/cli/argv.hpp>
#include <mr/util/strings.hpp>

namespace mr::cli {

namespace {

constexpr std::string_view k_short_with_value = "dcg";
constexpr std::string_view k_short_optional = "jn";
constexpr std::string_view k_long_with_value[] = {"--directory", "--config",  "--tag",
                                                  "--order",     "--timeout", "--color"};
constexpr std::string_view k_long_optional[] = {"--jobs", "--no-recurse"};

bool is_number(const std::vector<std::string>& args, std::size_t i) {
  unsigned long ignored = 0;
  return i < args.size() && util::parse_unsigned(args[i], ignored);
}

template <std::size_t N>
bool contains(const std::string_view (&set)[N], std::string_view s) {
  return std::find(std::begin(set), std::end(set), s) != std::end(set);
}

} // namespace

SplitArgs split_args(const std::vector<std::string>& args) {
  SplitArgs out;
  std::size_t i = 0;
  const auto take = [&](std::string rewritten) {
    out.options.push_back(std::move(rewritten));
    out.switches.push_back(args[i]);
    ++i;
  };
  while (i < args.size()) {
    const std::string& word = args[i];
    if (word == "--") {
      out.switches.push_back(word);
      ++i;
      break;
    }
    if (word.size() < 2 || word[0] != '-') {
      break; // the action
    }
    if (word.starts_with("--")) {
      const auto eq = word.find('=');
      const std::string_view name = std::string_view(word).substr(0, eq);
      if (eq == std::string::npos && contains(k_long_optional, name)) {
        if (is_number(args, i + 1)) {
          take(word);
          take(args[i]);
        } else {
          take(word + "=0");
        }
      } else if (eq == std::string::npos && contains(k_long_with_value, name)) {
        take(word);
        if (i < args.size()) {
          take(args[i]);
        }
      } else {
        take(word);
      }
      continue;
    }
    // A bundle of short options: flags, then possibly one option that takes a value.
    bool value_follows = false;
    std::string rewritten = word;
    for (std::size_t k = 1; k < word.size(); ++k) {
      const char c = word[k];
      if (k_short_with_value.find(c) != std::string_view::npos) {
        value_follows = k + 1 == word.size();
        break;
      }
      if (k_short_optional.find(c) != std::string_view::npos) {
        if (k + 1 == word.size() && !is_number(args, i + 1)) {
          rewritten += '0';
        } else if (k + 1 == word.size()) {
          value_follows = true;
        }
        break;
      }
    }
    take(rewritten);
    if (value_follows && i < args.size()) {
      take(args[i]);
    }
  }
  out.rest.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return out;
}

} // namespace mr::cli
