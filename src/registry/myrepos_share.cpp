// The steps of the conversion that look at every repository at once (see
// myrepos_work.hpp).
#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include <mr/util/paths.hpp>

#include "myrepos_work.hpp"
#include "toml_support.hpp"

namespace mr::registry::myrepos {

namespace {

std::string toml_text(std::string_view s) {
  return toml_value(s);
}

bool same(const std::optional<Value>& a, const std::optional<Value>& b) {
  return a && b && a->text == b->text;
}

std::optional<Value> command_of(const RepoWork& w, const std::string& name) {
  auto it = w.commands.find(name);
  return it == w.commands.end() ? std::nullopt : std::optional<Value>(it->second);
}

} // namespace

Shared share(std::vector<RepoWork>& repos, const RepoWork& defaults) {
  Shared shared;
  std::set<std::string> names;
  for (const auto& w : repos) {
    for (const auto& [name, value] : w.commands) {
      names.insert(name);
    }
  }
  for (const auto& [name, value] : defaults.commands) {
    names.insert(name);
  }
  for (const auto& name : names) {
    // Every repository has it, from [DEFAULT] or its own (which it keeps, overriding
    // [commands], as only a trusted file may): repositories of untrusted chained files
    // get it through [commands], which mr applies to every repository.
    const auto want = command_of(defaults, name);
    const bool everywhere = std::all_of(repos.begin(), repos.end(), [&](const RepoWork& w) {
      const auto own = command_of(w, name);
      return own && (w.trusted || same(own, want));
    });
    if (!want || !everywhere) {
      continue;
    }
    shared.commands.push_back({name, toml_text(want->text), want->origin});
    for (auto& w : repos) {
      if (same(command_of(w, name), want)) {
        w.commands.erase(name);
      }
    }
  }
  const bool lib_alike = std::all_of(repos.begin(), repos.end(),
                                     [&](const RepoWork& w) { return same(w.lib, defaults.lib); });
  if (defaults.lib && lib_alike) {
    shared.settings.push_back({"lib", toml_text(defaults.lib->text), defaults.lib->origin});
    for (auto& w : repos) {
      w.lib.reset();
    }
  }
  return shared;
}

void finish(Model& model, RepoWork& w) {
  if (!w.trusted) {
    for (const auto& [name, value] : w.commands) {
      model.reports.push_back(report_at(model, value.origin,
                                        "command '" + name + "' for " + w.plan.path.string() +
                                            " would be in an untrusted file",
                                        "not converted; put it in a trusted file's [commands]"));
    }
    if (w.lib) {
      model.reports.push_back(
          report_at(model, w.lib->origin,
                    "lib for " + w.plan.path.string() + " would be in an untrusted file",
                    "not converted; put it in a trusted file's [settings]"));
    }
    return;
  }
  if (w.lib) {
    w.plan.fields.push_back({"lib", toml_text(w.lib->text), w.lib->origin});
  }
  for (const auto& [name, value] : w.commands) {
    w.plan.commands.push_back({name, toml_text(value.text), value.origin});
  }
}

std::vector<TomlKey> convert_aliases(Model& model) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> k_builtin{
      {{"co", "checkout"}, {"ci", "commit"}, {"ls", "list"}}};
  std::vector<TomlKey> out;
  for (const auto& [name, value] : model.aliases) {
    std::string target = value.text;
    for (const auto& [alias, action] : k_builtin) {
      if (target == alias) {
        model.reports.push_back(report_at(model, value.origin,
                                          "alias " + name + " names the alias " + target +
                                              ", which myrepos takes as an ambiguous action",
                                          "written as " + std::string(action)));
        target = action;
      }
    }
    if (!toml_support::valid_action_name(name) || !toml_support::valid_action_name(target) ||
        model.aliases.count(target) > 0) {
      model.reports.push_back(
          report_at(model, value.origin,
                    "alias " + name + " = " + value.text + " is not an alias mr can have",
                    "not converted; an alias names an action"));
      continue;
    }
    out.push_back({name, toml_text(target), value.origin});
  }
  return out;
}

} // namespace mr::registry::myrepos
