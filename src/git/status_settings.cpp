#include "status_settings.hpp"

#include "color_spec.hpp"

namespace mr::git {

namespace {

// `name`'s value as a colour, into `slot`; left as it is when unset or invalid.
void color_slot(const Config& config, const char* name, std::string& slot) {
  if (const auto value = config.string(name)) {
    if (auto parsed = parse_color_spec(*value)) {
      slot = std::move(*parsed);
    }
  }
}

std::optional<std::string> setting(const Config& config, const char* name) {
  auto value = config.string(name);
  return value ? value : config.string("color.ui");
}

} // namespace

void read_status_settings(const Config& config, RepoStatus& st) {
  st.quote_path = config.boolean("core.quotepath").value_or(true);
  st.relative_paths = config.boolean("status.relativepaths").value_or(true);
  st.show_branch = config.boolean("status.branch").value_or(false);
  StatusColors& c = st.colors;
  c.status_setting = setting(config, "color.status");
  c.log_setting = setting(config, "color.diff");
  color_slot(config, "color.status.header", c.header);
  color_slot(config, "color.status.updated", c.added); // the old name of "added"
  color_slot(config, "color.status.added", c.added);
  color_slot(config, "color.status.changed", c.changed);
  color_slot(config, "color.status.untracked", c.untracked);
  color_slot(config, "color.status.unmerged", c.unmerged);
  color_slot(config, "color.status.localbranch", c.local_branch);
  color_slot(config, "color.status.remotebranch", c.remote_branch);
  color_slot(config, "color.status.nobranch", c.no_branch);
  color_slot(config, "color.diff.commit", c.commit);
  color_slot(config, "color.decorate.head", c.head);
  color_slot(config, "color.decorate.branch", c.branch);
  color_slot(config, "color.decorate.remotebranch", c.remote);
  color_slot(config, "color.decorate.tag", c.tag);
  color_slot(config, "color.decorate.stash", c.stash);
}

} // namespace mr::git
