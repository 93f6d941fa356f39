// `mr config REPO [KEY[=VALUE]...]`: read or change registry values, as myrepos' mr config.
// REPO is a registered repository's path (absolute, relative to the current directory, or
// "."), or DEFAULT for the file-wide tables. KEY prints the value, KEY=VALUE sets it, KEY=
// removes it; no KEY prints the whole table. Every change of one call is made in one write,
// or none is (registry/config.hpp).
#include <spdlog/spdlog.h>

#include <mr/cmd/exit.hpp>
#include <mr/registry/config.hpp>
#include <mr/util/quote.hpp>

#include "actions.hpp"

namespace mr::cmd {

namespace {

constexpr std::string_view k_config_usage = "mr config REPO [KEY[=VALUE]...]";

struct ConfigArgs {
  std::vector<std::string> reads;
  std::vector<registry::ConfigChange> changes;
};

// The KEY and KEY=VALUE words, each checked before anything is read or written.
Result<ConfigArgs> parse_args(const std::vector<std::string>& words, bool repo) {
  ConfigArgs args;
  for (const auto& word : words) {
    const auto eq = word.find('=');
    if (eq == std::string::npos) {
      MR_TRY(registry::check_config_key(repo, word));
      args.reads.push_back(word);
      continue;
    }
    registry::ConfigChange change{word.substr(0, eq), std::nullopt};
    if (eq + 1 < word.size()) {
      change.value = word.substr(eq + 1);
    }
    MR_TRY(registry::check_config_change(repo, change));
    args.changes.push_back(std::move(change));
  }
  return args;
}

// Prints each value asked for; a key that is not set ends the run (exit status 1), as in
// myrepos, before anything is changed.
int print_values(CommandContext& ctx, const std::string& repo_arg, const registry::Repo* repo,
                 const std::vector<std::string>& keys) {
  render::Renderer out(ctx.action, ctx.render);
  for (const auto& key : keys) {
    auto value = registry::config_value(ctx.registry, repo, key);
    if (!value) {
      return exit_error(value.error(), ctx.render.color_err, ctx.invocation.interrupt);
    }
    if (!*value) {
      out.notice("mr config: " + repo_arg + " " + key + " not set");
      return k_exit_failed;
    }
    render::print_text(util::shown_lines(**value) + "\n");
  }
  return k_exit_ok;
}

} // namespace

int run_config(CommandContext& ctx) {
  const auto& words = ctx.invocation.args;
  const auto& repo_arg = words.front(); // CommandInfo::min_args
  const bool defaults = repo_arg == registry::k_config_default;
  auto args = parse_args({words.begin() + 1, words.end()}, !defaults);
  if (!args) {
    return ctx.fatal(args.error().message);
  }
  util::Place place = ctx.directory;
  const registry::Repo* repo = nullptr;
  if (!defaults) {
    // Not place_of(): the repository need not be checked out.
    place.logical = util::absolute_normal(util::expand_user(repo_arg, ctx.home), ctx.cwd.logical);
    place.physical = util::physical(place.logical);
    repo = registry::find_config_repo(ctx.registry, place);
    if (repo == nullptr) {
      const auto path = place.logical.string();
      return ctx.fatal(path + " is not registered" +
                       (args->changes.empty() ? "" : " (add it with mr register " + path + ")"));
    }
  }
  if (args->reads.empty() && args->changes.empty()) {
    auto table = registry::config_table(ctx.registry, repo);
    if (!table) {
      return exit_error(table.error(), ctx.render.color_err, ctx.invocation.interrupt);
    }
    render::print_text(*table);
    return k_exit_ok;
  }
  if (const int status = print_values(ctx, repo_arg, repo, args->reads); status != k_exit_ok) {
    return status;
  }
  if (args->changes.empty()) {
    return k_exit_ok;
  }
  registry::ConfigRequest request{ctx.load_options(registry::root_for(ctx.roots, place)),
                                  defaults ? std::nullopt : std::optional(place), args->changes};
  auto written = registry::set_config(request);
  if (!written) {
    return exit_error(written.error(), ctx.render.color_err, ctx.invocation.interrupt);
  }
  spdlog::debug("config: {} up to date", written->string());
  return k_exit_ok;
}

} // namespace mr::cmd
