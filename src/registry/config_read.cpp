// mr config's reads: one value, or a whole table, from the file that defines it.
#include <sstream>

#include <mr/registry/config.hpp>
#include <mr/registry/select.hpp>

#include "config_keys.hpp"
#include "toml_support.hpp"

namespace mr::registry {

namespace {

// A value as TOML: an array of strings as register writes one, anything else as toml++
// writes it with basic strings.
std::string toml_text(const toml::node& node) {
  if (const auto* array = node.as_array();
      array != nullptr && array->is_homogeneous(toml::node_type::string)) {
    std::vector<std::string> strings;
    for (const auto& item : *array) {
      strings.push_back(item.as_string()->get());
    }
    return text_edit::string_array(strings);
  }
  if (const auto* s = node.as_string()) {
    return toml_support::quote(s->get());
  }
  std::ostringstream out;
  node.visit([&](const auto& v) { out << toml::toml_formatter(v, toml::format_flags::none); });
  return out.str();
}

std::string header(const text_edit::TablePath& path) {
  std::string out;
  for (const auto& part : path) {
    out += (out.empty() ? "" : ".") + text_edit::key_text(part);
  }
  return "[" + out + "]\n";
}

// `table` under its header, its values before its sub-tables.
void print_table(std::string& out, const text_edit::TablePath& path, const toml::table& table) {
  out += header(path);
  const auto members = toml_support::in_source_order(table);
  for (const auto& [key, value] : members) {
    if (!value->is_table()) {
      out += text_edit::key_text(key->str()) + " = " + toml_text(*value) + "\n";
    }
  }
  for (const auto& [key, value] : members) {
    if (const auto* sub = value->as_table()) {
      auto sub_path = path;
      sub_path.emplace_back(key->str());
      out += "\n";
      print_table(out, sub_path, *sub);
    }
  }
}

// The repository's table in the file that defines it.
Result<toml::table> repo_table(const Repo& repo) {
  MR_TRY_VAR(root, config_keys::read_file(repo.location.file));
  const auto* table = config_keys::find(*root, {"repos"}, repo.key);
  if (table == nullptr || !table->is_table()) {
    return fail(repo.location.file.string() + ": no table for repo '" + repo.key +
                "' any more; run mr again");
  }
  return *table->as_table();
}

} // namespace

const Repo* find_config_repo(const Registry& registry, const util::Place& place) {
  const Repo* repo = find_enclosing(registry, place);
  if (repo == nullptr) {
    return nullptr;
  }
  const auto physical = util::physical(repo->path);
  const bool here = repo->path == place.logical || repo->path == place.physical ||
                    physical == place.physical || physical == place.logical;
  return here ? repo : nullptr;
}

Result<std::optional<std::string>> config_value(const Registry& registry, const Repo* repo,
                                                std::string_view typed) {
  MR_TRY_VAR(key, config_keys::parse(repo != nullptr, typed));
  std::optional<toml::table> root;
  if (repo != nullptr) {
    MR_TRY_VAR(table, repo_table(*repo));
    root = std::move(*table);
  } else {
    MR_TRY_VAR(file, config_keys::defining_file(registry, *key));
    if (!*file) {
      return std::nullopt;
    }
    MR_TRY_VAR(parsed, config_keys::read_file(**file));
    root = std::move(*parsed);
  }
  const auto* node = config_keys::find(*root, key->table, key->name);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (const auto* s = node->as_string()) {
    return s->get();
  }
  return toml_text(*node);
}

Result<std::string> config_table(const Registry& registry, const Repo* repo) {
  std::string out;
  if (repo != nullptr) {
    MR_TRY_VAR(table, repo_table(*repo));
    print_table(out, {"repos", repo->key}, *table);
    return out;
  }
  // Each file-wide table as the registry sees it: each key from the file whose value is in
  // force (Registry::defined_in).
  for (const std::string name : {"settings", "commands", "alias"}) {
    toml::table merged;
    for (const auto& file : registry.files) {
      MR_TRY_VAR(root, config_keys::read_file(file));
      if (const auto* table = root->get_as<toml::table>(name)) {
        for (auto&& [key, value] : *table) {
          const auto in = registry.defined_in.find(name + "." + std::string(key.str()));
          if (in != registry.defined_in.end() && in->second == file) {
            // A copy of the binding: clang 14 cannot capture a structured binding.
            const toml::key& k = key;
            value.visit([&](const auto& v) { merged.insert_or_assign(k, v); });
          }
        }
      }
    }
    if (!merged.empty()) {
      out += out.empty() ? "" : "\n";
      print_table(out, {name}, merged);
    }
  }
  return out;
}

} // namespace mr::registry
