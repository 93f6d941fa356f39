// Dispatch: from a parsed command line to an action's exit status. Everything that can
// go wrong before any repository is touched (GIT_DIR or the like set, a bad -d, a registry
// that does not load, an unknown action, no repositories) is reported here and exits 2.
// `mr help ACTION` and `mr ACTION --help` end here too, having run nothing.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <string_view>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <mr/cmd/command_table.hpp>
#include <mr/cmd/complete.hpp>
#include <mr/cmd/context.hpp>
#include <mr/cmd/exit.hpp>
#include <mr/cmd/invocation.hpp>
#include <mr/git/library.hpp>
#include <mr/registry/locate.hpp>
#include <mr/registry/registry.hpp>
#include <mr/render/renderer.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>

#include "actions.hpp"

namespace mr::cmd {

namespace {

render::Options render_options(const GlobalOptions& o) {
  render::Options r;
  r.quiet = o.quiet;
  r.minimal = o.minimal;
  r.stats = o.stats;
  r.json = o.json;
  r.color = render::use_color(o.color, STDOUT_FILENO);
  r.color_err = render::use_color(o.color, STDERR_FILENO);
  r.progress = !o.quiet && !o.json && render::can_redraw(STDERR_FILENO);
  return r;
}

// myrepos' list: each makes git act on the repository (or index, object store, work tree)
// it names instead of the one mr is in, so `mr commit` would commit into the wrong place.
constexpr std::array<const char*, 7> k_dangerous_env = {
    "GIT_DIR",      "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_WORK_TREE",
    "VCSH_COMMAND", "VCSH_DIRECTORY", "VCSH_REPO_NAME"};

// The variables of k_dangerous_env that are set. As myrepos, a variable set to "" or "0"
// does not count (Perl's truth).
std::vector<std::string> dangerous_variables() {
  std::vector<std::string> set;
  for (const char* name : k_dangerous_env) {
    const char* value = std::getenv(name);
    if (value != nullptr && !std::string_view(value).empty() && std::string_view(value) != "0") {
      set.emplace_back(name);
    }
  }
  return set;
}

// One error line per variable that is set; true if there was any.
bool refuse_environment(const std::vector<std::string>& set, bool err_color) {
  for (const auto& name : set) {
    render::print_error("environment variable " + name +
                            " is set: git would act on what it names instead of each "
                            "repository (unset it, or run mr --force-env)",
                        err_color);
  }
  return !set.empty();
}

// With --force-env and such a variable set, every action must let git see it, as myrepos'
// actions (all of them git commands) do; otherwise `mr status` would describe other
// repositories than `mr commit` acts on. So a built-in mr runs in process runs its git
// definition instead, and one with none (summary; checkout, which clones by url) refuses.
Result<ArgsRoute> route_with_environment(const Resolution& resolution, ArgsRoute route,
                                         const registry::Registry& registry,
                                         const std::vector<std::string>& set) {
  const CommandInfo* builtin = resolution.builtin;
  if (set.empty() || builtin == nullptr || builtin->repo == nullptr || !builtin->uses_git ||
      replaced_by_registry(resolution, registry)) {
    return route;
  }
  if (!builtin->git_shell.empty()) {
    return ArgsRoute::git;
  }
  return fail(resolution.action + " cannot honour " + util::join(set, ", ") +
              " (--force-env): mr does it in process, where git's variables do not reach, "
              "and has no git command to run in its place; unset " +
              (set.size() == 1 ? "it" : "them") + ", or use mr run git ...");
}

// `mr help ACTION` (cli/ prints the general help for a bare `mr help`). Without a registry
// that loads, the built-ins still have their help; any other name gets the registry's error,
// which is why it is unknown.
int help(const std::vector<std::string>& args, const Result<registry::Registry>& loaded,
         bool err_color) {
  if (args.size() != 1) {
    return exit_error(usage_text("help takes one action", "mr help [ACTION]"), err_color);
  }
  const registry::Registry none;
  const auto& registry = loaded ? *loaded : none;
  auto resolution = resolve_action(args.front(), registry);
  if (!resolution) {
    return exit_error(loaded ? resolution.error() : loaded.error(), err_color);
  }
  render::print_text(action_help(*resolution, registry, true));
  return k_exit_ok;
}

// When no TOML registry exists but myrepos' ~/.mrconfig does: what to do about it.
std::optional<std::string> myrepos_registry_only(const registry::Roots& roots,
                                                 const std::filesystem::path& home) {
  const auto ini = home / ".mrconfig";
  if (roots.files.front().source != registry::RootSource::home || !util::exists(ini)) {
    return std::nullopt;
  }
  return "no registry: " + roots.files.front().path.string() + " does not exist, and " +
         registry::convert_hint(ini);
}

} // namespace

int CommandContext::fatal(std::string_view message) const {
  return exit_error(message, render.color_err, invocation.interrupt);
}

Result<std::optional<std::string>> CommandContext::optional_argument(std::string_view usage) const {
  const auto& args = invocation.args;
  if (args.size() > 1) {
    return fail(usage_text(action + " takes at most one argument", usage));
  }
  if (args.empty()) {
    return std::nullopt;
  }
  return args.front();
}

int run(const Invocation& invocation) {
  const auto& options = invocation.options;
  const bool err_color = render::use_color(options.color, STDERR_FILENO);
  const auto fatal = [&](const auto& message_or_error) {
    return exit_error(message_or_error, err_color, invocation.interrupt);
  };

  const auto dangerous = dangerous_variables();
  // A completion only reads the registry: GIT_DIR and the like do not matter to it.
  if (!options.force_env && !invocation.complete && refuse_environment(dangerous, err_color)) {
    return k_exit_usage;
  }
  const auto home = util::home_dir();
  auto cwd = util::current_place();
  if (!cwd && invocation.complete) {
    // A deleted current directory: no registry to find, but the built-ins still complete.
    return complete({invocation.action, invocation.args, util::Place{"/", "/"}, home},
                    registry::Registry{});
  }
  if (!cwd) {
    return fatal(cwd.error().message);
  }
  util::Place directory = *cwd;
  std::optional<Error> missing_directory; // -d names a directory that does not exist
  if (options.directory) {
    const auto dir = util::expand_user(options.directory->string(), home);
    auto place = util::place_of(dir, *cwd);
    if (!place) {
      // As myrepos: a registered repository that is not checked out may be named (`mr -d
      // MISSING checkout`); the error stands when no repository is at or below it.
      missing_directory = Error{"-d " + place.error().message};
      const auto logical = util::absolute_normal(dir, cwd->logical);
      place = util::Place{logical, util::physical(logical)};
    }
    directory = std::move(*place);
  }

  auto roots = registry::locate_roots(options.config, registry::RootEnvironment::from_process(),
                                      cwd->logical, home);
  for (const auto& file : roots.files) {
    spdlog::debug("registry root: {}", file.path.string());
  }
  const auto& root = registry::root_for(roots, directory);
  auto loaded = registry::load({root.path, home, options.trust_all || roots.inherited_trust_all,
                                root.owner_only, invocation.interrupt, roots.files});
  if (invocation.complete) {
    return complete({invocation.action, invocation.args, *cwd, home},
                    loaded ? *loaded : registry::Registry{});
  }
  if (invocation.action == "help") {
    // Without a registry that loads, the built-ins and their aliases still have their help.
    return help(invocation.args, loaded, err_color);
  }
  if (!loaded) {
    // An action that does not read the registry (import) runs whatever is there, and a
    // built-in's --help needs none (a broken registry is what one may want help with).
    auto standalone = resolve_action(invocation.action, registry::Registry{});
    if (standalone && standalone->builtin != nullptr && asks_for_help(invocation.args) &&
        !invocation.interrupt.stop_requested()) {
      render::print_text(action_help(*standalone, registry::Registry{}));
      return k_exit_ok;
    }
    if (standalone && standalone->builtin != nullptr && !standalone->builtin->reads_registry &&
        !invocation.interrupt.stop_requested()) {
      loaded = registry::Registry{};
    } else {
      // Interrupted while loading (a huge include, a slow disk): the signal thread has said
      // so; fatal() ends as an interrupted run does.
      return fatal(loaded.error());
    }
  }
  spdlog::debug("loaded {} repos from {} files", loaded->repos.size(), loaded->files.size());
  if (missing_directory &&
      std::none_of(loaded->repos.begin(), loaded->repos.end(), [&](const registry::Repo& r) {
        return util::depth_below(r.path, directory.logical).has_value();
      })) {
    return fatal(*missing_directory);
  }

  auto resolution = resolve_action(invocation.action, *loaded);
  if (!resolution) {
    return fatal(resolution.error().message);
  }
  const CommandInfo* builtin = resolution->builtin;
  if (builtin != nullptr && asks_for_help(invocation.args) &&
      !replaced_by_registry(*resolution, *loaded)) {
    render::print_text(action_help(*resolution, *loaded));
    return k_exit_ok;
  }

  // An explicitly named registry must exist, except for the actions that create it.
  const bool explicit_root = root.source == registry::RootSource::option ||
                             root.source == registry::RootSource::environment;
  const bool creates = builtin != nullptr && builtin->creates_registry;
  if (explicit_root && !loaded->root_exists && !creates) {
    return fatal("registry " + root.path.string() + " does not exist (create it with mr -c " +
                 root.path.string() + " register)");
  }
  if (loaded->files.empty() && !creates) {
    if (auto myrepos = myrepos_registry_only(roots, home)) {
      return fatal(*myrepos);
    }
  }

  auto route = check_arguments(*resolution, invocation.args, *loaded).and_then([&](ArgsRoute r) {
    return route_with_environment(*resolution, r, *loaded, dangerous);
  });
  if (!route) {
    return fatal(route.error().message);
  }
  if (builtin != nullptr && builtin->uses_git) {
    if (auto ready = git::initialise(); !ready) { // before the executor starts any thread
      return fatal(ready.error().message);
    }
  }
  CommandContext ctx{invocation, resolution->action,      home,  *cwd, directory, std::move(roots),
                     *loaded,    render_options(options), *route};
  // A command the registry defines under the name replaces even a registry action.
  if (builtin != nullptr && builtin->kind == Kind::registry &&
      !replaced_by_registry(*resolution, *loaded)) {
    return builtin->run(ctx);
  }
  return run_per_repo(ctx, builtin);
}

} // namespace mr::cmd
