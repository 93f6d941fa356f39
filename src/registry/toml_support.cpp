#include "toml_support.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include <mr/registry/registry.hpp>
#include <mr/util/quote.hpp>
#include <mr/util/strings.hpp>

#include "nesting.hpp"

namespace mr::registry::toml_support {

Result<toml::table> parse(std::string_view text, const std::filesystem::path& file) {
  MR_TRY(check_nesting(text, file, k_max_nesting)); // toml++ would overflow the stack
  const std::string name = file.string();
  try {
    return toml::parse(text, std::string_view(name));
  } catch (const toml::parse_error& e) {
    std::string what(e.description());
    // toml++ prefixes its messages with "Error while parsing X: "; keep the substance.
    return fail(location(file, e.source()) + ": " + what);
  }
}

namespace {

bool is_ini_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_';
  });
}

// Is `value` (the text after "key =") plain text, as myrepos' values are (`git clone ...`,
// `lazy`), rather than a TOML value, broken or not (`"unterminated`, `[1,`)?
bool is_plain_text(std::string_view value) {
  if (value.empty() || std::string_view("\"'[{+-.").find(value.front()) != std::string_view::npos ||
      std::isdigit(static_cast<unsigned char>(value.front())) != 0) {
    return false;
  }
  try {
    (void)toml::parse("k = " + std::string(value));
    return false; // true, false, inf, nan
  } catch (const toml::parse_error&) {
    return true;
  }
}

// A section header of mr's own: [repos...], [settings], [commands], [alias].
bool is_toml_header(std::string_view header) {
  const auto name = util::trim(header.substr(1, header.size() - 2));
  return name.starts_with("repos") || name == "settings" || name == "commands" || name == "alias" ||
         name.starts_with('[');
}

// A header only myrepos writes: its [DEFAULT] section, or a directory TOML could not take
// as a table name ([src/a], [~/x], [$HOME/y]: a character outside TOML's bare keys, no
// quotes).
bool is_myrepos_header(std::string_view header) {
  const auto name = util::trim(header.substr(1, header.size() - 2));
  if (name == "DEFAULT") {
    return true;
  }
  const auto bare = [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.' || c == ' ' || c == '\t';
  };
  return !name.empty() && name.find_first_of("\"'") == std::string_view::npos &&
         !std::all_of(name.begin(), name.end(), bare);
}

// The value of `key = VALUE` at the start of a line (a continued line is not one), trimmed;
// nullopt when the line is no such setting.
std::optional<std::string_view> ini_value(std::string_view raw, std::string_view line) {
  const auto eq = line.find('=');
  if (raw.front() == ' ' || raw.front() == '\t' || eq == std::string_view::npos ||
      !is_ini_key(util::trim(line.substr(0, eq)))) {
    return std::nullopt;
  }
  return util::trim(line.substr(eq + 1));
}

// `key = plain text` (`checkout = git clone ...`), not a TOML value, broken or not.
bool is_myrepos_setting(std::string_view raw, std::string_view line) {
  const auto value = ini_value(raw, line);
  return value && is_plain_text(*value);
}

// `key =` with nothing after it: myrepos then takes the value from the indented lines that
// follow (`checkout =` and `  git clone ...` below it); TOML has no such form.
bool is_empty_setting(std::string_view raw, std::string_view line) {
  const auto value = ini_value(raw, line);
  return value && value->empty();
}

} // namespace

bool looks_like_myrepos(std::string_view text) {
  constexpr std::size_t k_lines_examined = 1000;
  bool first = true;
  std::size_t examined = 0;
  bool value_follows = false; // the line before was `key =`
  for (const auto raw : util::split_lines(text)) {
    const auto line = util::trim(raw);
    if (value_follows && !line.empty() && (raw.front() == ' ' || raw.front() == '\t') &&
        is_plain_text(line)) {
      return true; // myrepos' continued value
    }
    value_follows = false;
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    const bool header = line.front() == '[' && line.back() == ']';
    if (first) {
      // myrepos' include needs no section, and its value is a command (`include = cat
      // /etc/mr/*`), where mr's is a quoted path.
      if (!header) {
        return line.starts_with("include") && is_myrepos_setting(raw, line) &&
               ini_value(raw, line)->find_first_of(" \t") != std::string_view::npos;
      }
      if (is_toml_header(line)) {
        return false;
      }
      if (is_myrepos_header(line)) {
        return true;
      }
      first = false;
      continue;
    }
    if (++examined > k_lines_examined) {
      return false;
    }
    if (is_myrepos_setting(raw, line)) {
      return true;
    }
    value_follows = is_empty_setting(raw, line);
  }
  return false;
}

std::vector<std::pair<const toml::key*, const toml::node*>>
in_source_order(const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> members;
  for (auto&& [k, v] : table) {
    members.emplace_back(&k, &v);
  }
  std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.first->source().begin;
    const auto& pb = b.first->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return members;
}

std::string location(const std::filesystem::path& file, const toml::source_region& where) {
  return file.string() + ":" + std::to_string(where.begin.line) + ":" +
         std::to_string(where.begin.column);
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
  case toml::node_type::string:
    return "a string";
  case toml::node_type::integer:
    return "an integer";
  case toml::node_type::floating_point:
    return "a float";
  case toml::node_type::boolean:
    return "a boolean";
  case toml::node_type::date:
  case toml::node_type::time:
  case toml::node_type::date_time:
    return "a date/time";
  case toml::node_type::array:
    return "an array";
  case toml::node_type::table:
    return "a table";
  case toml::node_type::none:
    break;
  }
  return "nothing";
}

bool valid_action_name(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(name.front())) {
    return false;
  }
  for (char c : name) {
    if (!alnum(c) && c != '_' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

bool has_control_character(std::string_view s) {
  return util::has_control_character(s);
}

bool names_git_directory(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    const auto part = path.substr(start, end - start);
    if (util::ascii_lower(part) == ".git") {
      return true;
    }
    start = end + 1;
  }
  return false;
}

std::string quote(std::string_view s) {
  return util::quote_string(s);
}

} // namespace mr::registry::toml_support
