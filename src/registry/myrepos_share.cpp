// The steps of the conversion that look at every repository at once (see
// myrepos_work.hpp).
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>

#include <mr/util/paths.hpp>

#include "myrepos_work.hpp"
#include "toml_support.hpp"

namespace mr::registry::myrepos {

namespace {

std::string toml_text(std::string_view s) {
  return toml_string(s).value_or("\"\"");
}

bool same(const std::optional<Value>& a, const std::optional<Value>& b) {
  return a && b && a->text == b->text;
}

std::optional<Value> command_of(const RepoWork& w, const std::string& name) {
  auto it = w.commands.find(name);
  return it == w.commands.end() ? std::nullopt : std::optional<Value>(it->second);
}

// An order as TOML: always with a fraction, so that it reads as the float it is.
std::string order_text(double d) {
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  std::string s(buf.data(), end);
  return s.find_first_of(".e") == std::string::npos ? s + ".0" : s;
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
    const auto want = command_of(defaults, name);
    const bool alike = std::all_of(repos.begin(), repos.end(), [&](const RepoWork& w) {
      return same(command_of(w, name), want);
    });
    if (!want || !alike) {
      continue;
    }
    shared.commands.push_back({name, toml_text(want->text), want->origin});
    for (auto& w : repos) {
      w.commands.erase(name);
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

void keep_order(const Model& model, std::vector<RepoWork>& repos) {
  std::vector<std::size_t> mine(repos.size());
  for (std::size_t i = 0; i < mine.size(); ++i) {
    mine[i] = i;
  }
  auto theirs = mine;
  // myrepos: order, then the file's directory ("DIR/"), then the section name as expanded.
  std::stable_sort(theirs.begin(), theirs.end(), [&](std::size_t a, std::size_t b) {
    const auto& sa = model.sections[ix(repos[a].plan.section)];
    const auto& sb = model.sections[ix(repos[b].plan.section)];
    if (repos[a].order != repos[b].order) {
      return repos[a].order < repos[b].order;
    }
    const auto da = sa.topdir.string() + "/";
    const auto db = sb.topdir.string() + "/";
    return da != db ? da < db : sa.expanded < sb.expanded;
  });
  // mr: order, then the path.
  std::stable_sort(mine.begin(), mine.end(), [&](std::size_t a, std::size_t b) {
    if (repos[a].order != repos[b].order) {
      return repos[a].order < repos[b].order;
    }
    return repos[a].plan.path.native() < repos[b].plan.path.native();
  });
  if (mine == theirs) {
    return;
  }
  // Within each run of equal orders, spread the repositories over [order, next order).
  for (std::size_t i = 0; i < theirs.size();) {
    std::size_t j = i;
    while (j < theirs.size() && repos[theirs[j]].order == repos[theirs[i]].order) {
      ++j;
    }
    const double low = repos[theirs[i]].order;
    const double high = j < theirs.size() ? repos[theirs[j]].order : low + 1;
    // A round step (0.1, 0.01, ...) that keeps the last one below the next order.
    const double step =
        std::pow(10.0, std::floor(std::log10((high - low) / static_cast<double>(j - i))));
    for (std::size_t k = i; k < j && j - i > 1; ++k) {
      auto& w = repos[theirs[k]];
      const double order = low + step * static_cast<double>(k - i);
      auto& fields = w.plan.fields;
      fields.erase(std::remove_if(fields.begin(), fields.end(),
                                  [](const TomlKey& f) { return f.name == "order"; }),
                   fields.end());
      fields.push_back({"order", order_text(order), std::nullopt});
    }
    i = j;
  }
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
