#include "status_settings.hpp"

#include <utility>

#include "color_spec.hpp"

namespace mr::git {

namespace {

// Each colour slot's setting and where its escape sequence goes. "updated" is the old name
// of "added": both are read, the new name last, so it wins as in git.
constexpr std::pair<const char*, std::string StatusColors::*> k_slots[] = {
    {"color.status.header", &StatusColors::header},
    {"color.status.updated", &StatusColors::added},
    {"color.status.added", &StatusColors::added},
    {"color.status.changed", &StatusColors::changed},
    {"color.status.untracked", &StatusColors::untracked},
    {"color.status.unmerged", &StatusColors::unmerged},
    {"color.status.localbranch", &StatusColors::local_branch},
    {"color.status.remotebranch", &StatusColors::remote_branch},
    {"color.status.nobranch", &StatusColors::no_branch},
    {"color.diff.commit", &StatusColors::commit},
    {"color.decorate.head", &StatusColors::head},
    {"color.decorate.branch", &StatusColors::branch},
    {"color.decorate.remotebranch", &StatusColors::remote},
    {"color.decorate.tag", &StatusColors::tag},
    {"color.decorate.stash", &StatusColors::stash},
    {"color.decorate.grafted", &StatusColors::grafted},
};

} // namespace

Untracked untracked_mode(const Config& config, const std::optional<Untracked>& requested) {
  if (requested) {
    return *requested;
  }
  const auto setting = config.string("status.showuntrackedfiles");
  if (setting == "no") {
    return Untracked::no;
  }
  if (setting == "all") {
    return Untracked::all;
  }
  return Untracked::normal;
}

void read_status_settings(const Config& config, RepoStatus& st) {
  st.quote_path = config.boolean("core.quotepath").value_or(true);
  st.relative_paths = config.boolean("status.relativepaths").value_or(true);
  st.show_branch = config.boolean("status.branch").value_or(false);
  StatusColors& c = st.colors;
  c.status_setting = color_setting(config, "color.status");
  c.log_setting = color_setting(config, "color.diff");
  for (const auto& [name, slot] : k_slots) {
    // A value git would reject keeps the default (git itself would fail).
    if (const auto value = config.string(name)) {
      if (auto parsed = parse_color_spec(*value)) {
        c.*slot = std::move(*parsed);
      }
    }
  }
}

} // namespace mr::git
