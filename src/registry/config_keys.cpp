// mr config's keys and how a typed value becomes the TOML written for it. Only the value's
// type is judged here; its range and whether the file may hold it are judged by loading the
// registry with the change (config_edit.cpp), so the rules stay the loader's alone.
#include "config_keys.hpp"

#include <array>
#include <cmath>
#include <sstream>

#include <mr/registry/config.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/quote.hpp>
#include <mr/util/strings.hpp>

#include "toml_support.hpp"

namespace mr::registry {

namespace config_keys {

namespace {

struct Spec {
  std::string_view name;
  Kind kind;
};

// The keys of a repository's table and of [settings], as the loader knows them.
constexpr std::array<Spec, 9> k_repo_keys{{
    {"url", Kind::string},
    {"branch", Kind::string},
    {"tags", Kind::tags},
    {"order", Kind::number},
    {"skip", Kind::flag_or_command},
    {"deleted", Kind::flag_or_command},
    {"lib", Kind::string},
    {"chain", Kind::boolean},
    {"transport", Kind::string},
}};
constexpr std::array<Spec, 6> k_settings{{
    {"jobs", Kind::integer},
    {"timeout", Kind::duration},
    {"transport", Kind::string},
    {"connections_per_host", Kind::integer},
    {"stall_timeout", Kind::duration},
    {"lib", Kind::string},
}};

// "url, branch, ..., transport".
template <std::size_t N>
std::string names(const std::array<Spec, N>& specs) {
  std::string out;
  for (const auto& spec : specs) {
    out += (out.empty() ? "" : ", ") + std::string(spec.name);
  }
  return out;
}

// `value` read as one TOML value, or nullptr when it is not one.
std::optional<toml::table> parse_value(std::string_view value) {
  if (value.find('\n') != std::string_view::npos) {
    return std::nullopt;
  }
  auto parsed = toml_support::parse("v = " + std::string(value), "VALUE");
  if (!parsed || parsed->size() != 1 || !parsed->contains("v")) {
    return std::nullopt;
  }
  return std::move(*parsed);
}

Result<std::string> string_text(std::string_view typed, std::string_view value) {
  if (!util::is_valid_utf8(value)) {
    return fail(std::string(typed) + ": expected text in UTF-8");
  }
  return toml_support::quote(value);
}

Result<std::string> tags_text(std::string_view typed, std::string_view value) {
  const auto expected = [&] {
    return fail(std::string(typed) + ": expected tags separated by commas, or a TOML array of " +
                "strings such as [\"a\", \"b\"], not " + util::quote_string(value));
  };
  std::vector<std::string> tags;
  if (util::trim(value).starts_with("[")) {
    const auto parsed = parse_value(value);
    const auto* array = parsed ? parsed->get_as<toml::array>("v") : nullptr;
    if (array == nullptr) {
      return expected();
    }
    for (const auto& item : *array) {
      if (!item.is_string()) {
        return expected();
      }
      tags.push_back(item.as_string()->get());
    }
    return text_edit::string_array(tags);
  }
  if (!util::is_valid_utf8(value)) {
    return fail(std::string(typed) + ": expected text in UTF-8");
  }
  std::size_t start = 0;
  while (start <= value.size()) {
    const auto comma = std::min(value.find(',', start), value.size());
    if (const auto tag = util::trim(value.substr(start, comma - start)); !tag.empty()) {
      tags.emplace_back(tag);
    }
    start = comma + 1;
  }
  return text_edit::string_array(tags);
}

// An integer (or, with `fraction`, any finite number) as TOML writes it.
Result<std::string> number_text(std::string_view typed, std::string_view value, bool fraction) {
  const auto parsed = parse_value(util::trim(value));
  const auto* node = parsed ? parsed->get("v") : nullptr;
  if (node != nullptr && node->is_integer()) {
    return std::to_string(node->as_integer()->get());
  }
  if (fraction && node != nullptr && node->is_floating_point() &&
      std::isfinite(node->as_floating_point()->get())) {
    std::ostringstream out;
    out << *node->as_floating_point();
    return out.str();
  }
  return fail(std::string(typed) + ": expected " +
              (fraction ? "a number, such as 5 or 2.5" : "an integer") + ", not " +
              util::quote_string(value));
}

} // namespace

Result<Key> parse(bool repo, std::string_view key) {
  for (const std::string_view table : {"commands", "alias"}) {
    if (table == "alias" && repo) {
      continue;
    }
    if (key.starts_with(table) && key.size() > table.size() && key[table.size()] == '.') {
      const auto name = key.substr(table.size() + 1);
      if (!name.empty()) {
        return Key{{std::string(table)}, std::string(name), Kind::string};
      }
    }
  }
  if (repo) {
    for (const auto& spec : k_repo_keys) {
      if (spec.name == key) {
        return Key{{}, std::string(key), spec.kind};
      }
    }
    return fail("unknown key " + util::quote_string(key) + " of a repository (expected " +
                names(k_repo_keys) + " or commands.NAME)");
  }
  for (const auto& spec : k_settings) {
    if (spec.name == key) {
      return Key{{"settings"}, std::string(key), spec.kind};
    }
  }
  return fail("unknown key " + util::quote_string(key) + " of " + std::string(k_config_default) +
              " (expected " + names(k_settings) + ", commands.NAME or alias.NAME)");
}

Result<std::string> value_text(const Key& key, std::string_view typed, std::string_view value) {
  switch (key.kind) {
  case Kind::string:
    return string_text(typed, value);
  case Kind::tags:
    return tags_text(typed, value);
  case Kind::number:
    return number_text(typed, value, true);
  case Kind::integer:
    return number_text(typed, value, false);
  case Kind::boolean:
    if (value == "true" || value == "false") {
      return std::string(value);
    }
    return fail(std::string(typed) + ": expected true or false, not " + util::quote_string(value));
  case Kind::flag_or_command:
    if (value == "true" || value == "false") {
      return std::string(value);
    }
    return string_text(typed, value);
  case Kind::duration:
    if (auto seconds = number_text(typed, value, false)) {
      return seconds;
    }
    return string_text(typed, value);
  }
  return string_text(typed, value);
}

Result<toml::table> read_file(const std::filesystem::path& file) {
  auto read = util::read_regular_file(file, k_max_file_size);
  if (!read) {
    return fail("cannot read registry " + read.error().message);
  }
  return toml_support::parse(read->content, file);
}

const toml::node* find(const toml::table& root, const text_edit::TablePath& path,
                       std::string_view name) {
  const toml::table* table = &root;
  for (const auto& part : path) {
    table = table->get_as<toml::table>(part);
    if (table == nullptr) {
      return nullptr;
    }
  }
  return table->get(name);
}

std::string dotted(const Key& key) {
  std::string out;
  for (const auto& part : key.table) {
    out += part + ".";
  }
  return out + key.name;
}

Result<std::optional<std::filesystem::path>> defining_file(const Registry& registry,
                                                           const Key& key) {
  if (const auto it = registry.defined_in.find(dotted(key)); it != registry.defined_in.end()) {
    return it->second;
  }
  return std::nullopt;
}

} // namespace config_keys

Result<void> check_config_key(bool repo, std::string_view key) {
  MR_TRY(config_keys::parse(repo, key));
  return {};
}

Result<void> check_config_change(bool repo, const ConfigChange& change) {
  MR_TRY_VAR(key, config_keys::parse(repo, change.key));
  if (change.value) {
    MR_TRY(config_keys::value_text(*key, change.key, *change.value));
  }
  return {};
}

} // namespace mr::registry
