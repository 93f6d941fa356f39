#include "toml_support.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

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
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (byte(i) < 0x20 || byte(i) == 0x7f) {
      return true;
    }
    if (byte(i) == 0xc2 && i + 1 < s.size() && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9f) {
      return true; // C1
    }
    if (byte(i) == 0xe2 && i + 2 < s.size() &&
        ((byte(i + 1) == 0x80 && byte(i + 2) >= 0xaa && byte(i + 2) <= 0xae) ||
         (byte(i + 1) == 0x81 && byte(i + 2) >= 0xa6 && byte(i + 2) <= 0xa9))) {
      return true; // bidirectional embedding, override or isolate
    }
  }
  return false;
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
