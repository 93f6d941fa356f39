#include "remotes.hpp"

#include <cstring>
#include <string_view>
#include <utility>

#include "handles.hpp"

namespace mr::git {

namespace {

std::optional<bool> parse_bool(const char* value) {
  int out = 0;
  if (value == nullptr) {
    return true; // "[remote "x"] prune" with no value means true, as in git
  }
  if (git_config_parse_bool(&out, value) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  return out != 0;
}

// Calls fn(name, value) for every entry, in file order, without a regex.
template <class Fn>
void each_entry(git_config* cfg, Fn&& fn) {
  git_config_iterator* raw = nullptr;
  if (git_config_iterator_new(&raw, cfg) != 0) {
    git_error_clear();
    return;
  }
  const ConfigIteratorPtr it(raw);
  git_config_entry* entry = nullptr;
  while (git_config_next(&entry, it.get()) == 0) {
    fn(std::string_view(entry->name), entry->value);
  }
  git_error_clear();
}

// "remote.<name>.<key>" -> {name, key}; names may hold dots.
std::optional<std::pair<std::string, std::string>> split_key(std::string_view key,
                                                             std::string_view section) {
  if (key.substr(0, section.size()) != section || key.size() <= section.size() ||
      key[section.size()] != '.') {
    return std::nullopt;
  }
  const auto rest = key.substr(section.size() + 1);
  const auto dot = rest.rfind('.');
  if (dot == std::string_view::npos || dot == 0) {
    return std::nullopt;
  }
  return std::pair{std::string(rest.substr(0, dot)), std::string(rest.substr(dot + 1))};
}

} // namespace

const RemoteConfig* RemotesConfig::find(const std::string& name) const {
  for (const auto& r : remotes) {
    if (r.name == name) {
      return &r;
    }
  }
  return nullptr;
}

std::string apply_instead_of(git_config* cfg, const std::string& url) {
  std::string best_base;
  std::size_t best_len = 0;
  each_entry(cfg, [&](std::string_view name, const char* value) {
    const auto parts = split_key(name, "url");
    if (!parts || parts->second != "insteadof" || value == nullptr) {
      return;
    }
    const std::size_t len = std::strlen(value);
    if (len > best_len && url.starts_with(value)) {
      best_len = len;
      best_base = parts->first;
    }
  });
  return best_len == 0 ? url : best_base + url.substr(best_len);
}

RemotesConfig read_remotes(git_config* cfg) {
  RemotesConfig out;
  const auto remote_named = [&out](const std::string& name) -> RemoteConfig& {
    for (auto& r : out.remotes) {
      if (r.name == name) {
        return r;
      }
    }
    out.remotes.push_back(RemoteConfig{name, {}, {}, std::nullopt, {}});
    return out.remotes.back();
  };
  each_entry(cfg, [&](std::string_view name, const char* value) {
    if (name == "fetch.prune") {
      out.fetch_prune = parse_bool(value);
      return;
    }
    const auto parts = split_key(name, "remote");
    if (!parts) {
      return;
    }
    const auto& [remote, key] = *parts;
    if (key == "url" && value != nullptr) {
      remote_named(remote).url = value; // the last one wins, as a single-valued key
    } else if (key == "fetch" && value != nullptr) {
      remote_named(remote).fetch.emplace_back(value);
    } else if (key == "prune") {
      remote_named(remote).prune = parse_bool(value);
    } else if (key == "tagopt" && value != nullptr) {
      remote_named(remote).tag_opt = value;
    }
  });
  // Only remotes with a url are remotes; rewrite the urls as git does.
  std::vector<RemoteConfig> kept;
  for (auto& r : out.remotes) {
    if (!r.url.empty()) {
      r.url = apply_instead_of(cfg, r.url);
      kept.push_back(std::move(r));
    }
  }
  out.remotes = std::move(kept);
  return out;
}

} // namespace mr::git
