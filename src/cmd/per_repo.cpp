// The per-repo engine: every per-repo action (built-in, shell default or registry
// command) runs through here. One task per selected repository in a task group on a -j
// executor; blocks stream to the output layer in registry (or completion) order; the
// footer and the exit status come from the outcomes.
#include <cerrno>
#include <numeric>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <mr/cmd/command_table.hpp>
#include <mr/cmd/exit.hpp>
#include <mr/util/duration.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/strings.hpp>
#include <mr/util/test_point.hpp>

#include "actions.hpp"
#include "checkout_order.hpp"
#include "net_support.hpp"
#include "repo_guard.hpp"
#include "select_repos.hpp"

namespace mr::cmd {

namespace {

unsigned effective_jobs(const CommandContext& ctx) {
  const unsigned cpus = std::max(1U, std::thread::hardware_concurrency());
  if (const auto jobs = ctx.options().jobs) {
    return *jobs == 0 ? cpus * 4 : *jobs; // bare -j: network-bound work
  }
  return ctx.registry.settings.jobs.value_or(cpus);
}

std::optional<std::chrono::milliseconds> effective_timeout(const CommandContext& ctx) {
  return ctx.options().timeout ? ctx.options().timeout : ctx.registry.settings.timeout;
}

std::string mr_path() {
  std::string path(4096, '\0');
  const auto n = ::readlink("/proc/self/exe", path.data(), path.size());
  path.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return path;
}

RunSettings run_settings(const CommandContext& ctx) {
  RunSettings s;
  std::string switches;
  for (const auto& w : ctx.invocation.switches) {
    switches += w + " "; // as myrepos: "-d dirty "
  }
  s.env = {{"MR_SWITCHES", switches},
           {"MR_PATH", mr_path()},
           {"GIT_TERMINAL_PROMPT", "0"},
           {"PAGER", "cat"},
           {"GIT_PAGER", "cat"}};
  return s;
}

// The registry command for `name` in this repo: its own, else [commands].
const std::string* registry_command(const CommandContext& ctx, const registry::Repo& repo,
                                    const std::string& name) {
  if (auto it = repo.commands.find(name); it != repo.commands.end()) {
    return &it->second;
  }
  if (auto it = ctx.registry.commands.find(name); it != ctx.registry.commands.end()) {
    return &it->second;
  }
  return nullptr;
}

// Runs hook `name` if the registry defines one; nullopt when it succeeded or there is none.
std::optional<task::TaskResult> run_hook(RepoTask& t, const std::string& name) {
  const std::string* script = registry_command(t.command, t.repo, name);
  if (script == nullptr) {
    return std::nullopt;
  }
  auto outcome = run_shell(t, t.command.action, *script, {});
  auto result = result_of(outcome);
  if (result.status == task::Status::ok) {
    return std::nullopt;
  }
  if (result.status == task::Status::failed && outcome) {
    result.error = name + " failed";
  }
  return result;
}

bool directory_exists(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A repository of an untrusted registry file stayed inside that file's directory at load;
// a symlink planted since (by another repository's update in this very run, say) must not
// lead any action, a checkout above all, somewhere else.
Result<std::filesystem::path> still_inside(const registry::Repo& repo) {
  if (!repo.confined_to) {
    return repo.path;
  }
  // A path that cannot be resolved (too long, a symlink loop, a directory that cannot be
  // read) is not one that leads elsewhere: say what the kernel said.
  auto resolved = util::resolve_path(repo.path);
  if (!resolved) {
    return fail("cannot resolve " + resolved.error().message);
  }
  if (!util::depth_below(*resolved, *repo.confined_to)) {
    return fail(repo.path.string() + " resolves to " + resolved->string() + ", outside " +
                repo.confined_to->string() + ", where its registry " + repo.location.file.string() +
                " may not reach; refusing to touch it");
  }
  return resolved;
}

// The directory a checkout runs and clones in. For a confined repository it is made one
// component at a time below the confining directory, never through a symlink, and the path
// is checked again once it exists.
Result<void> make_parent(const registry::Repo& repo) {
  const auto parent = repo.path.parent_path();
  if (!repo.confined_to) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return fail("cannot create " + parent.string() + ": " + ec.message());
    }
    return {};
  }
  util::test_point("checkout.before_create");
  auto target = still_inside(repo);
  if (!target) {
    return tl::unexpected(target.error());
  }
  util::test_point("checkout.after_check");
  const auto below = target->parent_path().lexically_relative(*repo.confined_to);
  if (auto made = util::make_directories_beneath(*repo.confined_to, below); !made) {
    return fail("cannot create " + parent.string() + ": " + made.error().message);
  }
  if (auto again = still_inside(repo); !again) {
    return tl::unexpected(again.error());
  }
  return {};
}

// A nested repository waits for the checkout of the one containing it; it goes on only
// if that one is there now (else it would be cloned into a plain directory in its place).
std::optional<task::TaskResult> wait_for_parent(RepoTask& t, CheckoutOrder* order) {
  const registry::Repo* parent = order != nullptr ? order->parent_repo(t.index) : nullptr;
  if (parent == nullptr) {
    return std::nullopt;
  }
  if (!order->wait(t.index, t.task.stop_token())) {
    return task::TaskResult::cancelled();
  }
  if (!directory_exists(parent->path)) {
    return task::TaskResult::failed("not checked out: it lies inside " + parent->path.string() +
                                    ", which was not checked out");
  }
  return std::nullopt;
}

// Why an action cannot run in the repository's directory, if it cannot. A repository of
// an untrusted file must be a work tree of its own for every action; git's shell defaults
// need one in any repository. The user's own commands and `run` may work in any directory
// of a trusted file (as myrepos), still under guard_env().
std::optional<task::TaskResult> unusable_directory(const registry::Repo& repo, bool missing,
                                                   bool shell_default) {
  if (missing) {
    struct stat st {};
    const int err = ::stat(repo.path.c_str(), &st) != 0 ? errno : ENOTDIR;
    return task::TaskResult::failed("failed to chdir to " + repo.path.string() +
                                    "/: " + util::errno_text(err));
  }
  if (!repo.trusted || shell_default) {
    if (auto tree = check_work_tree(repo.path, !repo.trusted); !tree) {
      return task::TaskResult::failed(tree.error().message);
    }
  }
  return std::nullopt;
}

task::TaskResult perform(RepoTask& t, const CommandInfo* builtin, CheckoutOrder* order) {
  const auto& ctx = t.command;
  const auto& repo = t.repo;
  std::string action = ctx.action;
  t.env = guard_env(repo);
  if (!ctx.options().force) {
    if (repo.skip) {
      return task::TaskResult::skipped();
    }
    if (repo.skip_predicate) {
      // As myrepos: the action is $1; exit status 0 means skip.
      auto outcome = run_shell(t, action, *repo.skip_predicate, {action});
      if (!outcome || outcome->stopped) {
        return result_of(outcome);
      }
      if (outcome->exit_code == 0) {
        return task::TaskResult::skipped();
      }
    }
  }

  if (auto waited = wait_for_parent(t, order)) {
    return std::move(*waited);
  }

  // As myrepos: updating a repository that is not there checks it out instead, and a
  // checkout runs in the parent directory (created first) and skips what exists. An empty
  // directory counts as not there: git clones into one too.
  const bool missing = !directory_exists(repo.path);
  const bool empty =
      !missing && (action == "update" || action == "checkout") && is_empty_directory(repo.path);
  if (action == "update" && (missing || empty)) {
    action = "checkout";
    builtin = find_builtin(action);
    t.header_action = action;
  }
  const bool checkout = action == "checkout";
  if (checkout) {
    if (!missing && !empty) {
      return task::TaskResult::skipped();
    }
    if (auto made = make_parent(repo); !made) {
      return task::TaskResult::failed(made.error().message);
    }
    // Cloned beside it and renamed into its place, which must not exist then.
    if (empty && ::rmdir(repo.path.c_str()) != 0) {
      return task::TaskResult::failed("cannot check out into " + repo.path.string() + ": " +
                                      util::errno_text(errno));
    }
    t.cwd = repo.path.parent_path();
  } else if (auto inside = still_inside(repo); !inside) {
    return task::TaskResult::failed(inside.error().message);
  }

  // A registry command replaces any action, built-in ones included.
  std::optional<std::string_view> script;
  const std::string* own = registry_command(ctx, repo, action);
  if (own != nullptr) {
    script = *own;
  } else if (builtin != nullptr && !builtin->shell.empty()) {
    script = builtin->shell;
  }
  const bool native = !script && builtin != nullptr && builtin->repo != nullptr;
  if (!script && !native) {
    return task::TaskResult::skipped("no defined action for git repository " + repo.path.string() +
                                     ", skipping");
  }
  const bool touches = !native || builtin->needs_directory; // not list
  if (!checkout && touches) {
    if (auto refused = unusable_directory(repo, missing, script && own == nullptr)) {
      return std::move(*refused);
    }
  }

  if (auto failed = run_hook(t, "pre_" + action)) {
    return std::move(*failed);
  }
  task::TaskResult result =
      native ? builtin->repo(t) : result_of(run_shell(t, action, *script, ctx.invocation.args));
  if (result.status != task::Status::ok) {
    return result;
  }
  if (checkout && !directory_exists(repo.path)) {
    return task::TaskResult::failed(repo.path.string() + " missing after checkout");
  }
  if (auto failed = run_hook(t, "post_" + action)) {
    return std::move(*failed);
  }
  return result;
}

// Tells the checkout order a task is done, however it ends.
struct FinishGuard {
  CheckoutOrder* order;
  std::size_t index;
  FinishGuard(CheckoutOrder* o, std::size_t i) : order(o), index(i) {}
  FinishGuard(const FinishGuard&) = delete;
  FinishGuard& operator=(const FinishGuard&) = delete;
  ~FinishGuard() {
    if (order != nullptr) {
      order->finished(index);
    }
  }
};

// What the progress line names: the repo relative to where mr was started.
std::string short_label(const registry::Repo& repo, const CommandContext& ctx) {
  if (util::depth_below(repo.path, ctx.directory.logical).value_or(0) > 0) {
    return repo.path.lexically_relative(ctx.directory.logical).string();
  }
  return repo.path.string();
}

} // namespace

int run_per_repo(CommandContext& ctx, const CommandInfo* builtin) {
  render::Options render_options = ctx.render;
  render_options.table = builtin != nullptr && builtin->table;
  render::Renderer out(ctx.action, render_options);
  const auto selected = selected_repos(ctx);
  if (selected.empty()) {
    out.no_repositories();
    return k_exit_usage;
  }

  // Checkouts of nested repositories run parents first (checkout_order.hpp).
  std::optional<CheckoutOrder> order;
  std::vector<std::size_t> spawn_order(selected.size());
  std::iota(spawn_order.begin(), spawn_order.end(), std::size_t{0});
  if (ctx.action == "checkout" || ctx.action == "update") {
    order.emplace(selected, [&](std::size_t i) {
      const auto& path = selected[i].repo->path;
      return !directory_exists(path) || is_empty_directory(path);
    });
    spawn_order = order->spawn_order();
  }

  const unsigned jobs = effective_jobs(ctx);
  const auto timeout = effective_timeout(ctx);
  RunSettings settings = run_settings(ctx);
  settings.hosts = std::make_shared<HostLimits>(ctx.registry.settings.connections_per_host);
  settings.board = std::make_shared<ProgressBoard>(selected.size());
  std::vector<render::JsonObject> fields(selected.size());
  std::vector<std::vector<std::string>> cells(selected.size());
  std::vector<std::string> header_actions(selected.size());

  task::Executor executor(std::min<std::size_t>(jobs, selected.size()));
  task::GroupOptions options;
  options.executor = &executor;
  options.policy =
      ctx.options().fail_fast ? task::ErrorPolicy::fail_fast : task::ErrorPolicy::keep_going;
  options.task_timeout = timeout;
  options.parent = ctx.invocation.interrupt;
  options.parent_reason = task::StopReason::interrupted;

  render::BlockSequencer sequencer(out, ctx.options().order == OutputOrder::registry);
  std::vector<bool> finished(selected.size(), false);
  std::size_t done = 0;
  std::size_t first_unfinished = 0;
  const auto show_progress = [&] {
    while (first_unfinished < finished.size() && finished[first_unfinished]) {
      ++first_unfinished;
    }
    std::string label;
    if (first_unfinished < selected.size()) {
      label = short_label(*selected[first_unfinished].repo, ctx);
      if (const auto detail = settings.board->get(first_unfinished); !detail.empty()) {
        label += " " + detail;
      }
    }
    out.progress(done, selected.size(), label);
  };

  task::JoinHooks hooks;
  hooks.keep_output = false;
  hooks.on_done = [&](task::TaskResult& r) {
    const std::size_t i = spawn_order[r.index]; // the task's place in the selection
    render::Block block = block_for(selected[i]);
    block.status = r.status;
    block.exit_code = r.exit_code;
    block.output = std::move(r.output);
    block.reason = r.error;
    if (r.status == task::Status::timed_out) {
      block.reason = "timed out after " +
                     util::format_duration(timeout.value_or(std::chrono::milliseconds(0)));
    } else if (r.status == task::Status::cancelled &&
               r.stop_reason == task::StopReason::interrupted) {
      block.reason = "interrupted";
    } else if (r.status == task::Status::crashed) {
      block.reason = "internal error: " + r.error;
    }
    if (!header_actions[i].empty()) {
      block.action = header_actions[i];
    }
    block.fields = std::move(fields[i]);
    block.cells = std::move(cells[i]);
    block.label = short_label(*selected[i].repo, ctx);
    finished[i] = true;
    ++done;
    sequencer.add(i, std::move(block));
    show_progress();
  };
  hooks.on_tick = [&] {
    out.check_output_open(); // `mr run slow | head -1`: stop now, not at the next block
    show_progress();
  };
  hooks.on_overdue = [&](std::size_t index, std::string_view) {
    out.still_waiting(selected[spawn_order[index]].repo->path.string());
  };

  show_progress();
  task::run_task_group(
      std::move(options),
      [&](task::TaskGroup& group) {
        for (const std::size_t i : spawn_order) {
          const auto& sel = selected[i];
          group.spawn(sel.repo->path.string(), [&, i, builtin](task::TaskContext& tc) {
            RepoTask t{tc,
                       ctx,
                       settings,
                       *selected[i].repo,
                       selected[i].subdir,
                       fields[i],
                       cells[i],
                       header_actions[i],
                       i};
            const FinishGuard release{order ? &*order : nullptr, i};
            return perform(t, builtin, release.order);
          });
        }
      },
      std::move(hooks));
  sequencer.flush();
  out.footer();
  if (ctx.invocation.interrupt.stop_requested()) {
    return k_exit_interrupted;
  }
  return out.exit_status();
}

} // namespace mr::cmd
