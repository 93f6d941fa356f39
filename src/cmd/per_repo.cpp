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

#include "actions.hpp"
#include "checkout_order.hpp"
#include "net_support.hpp"
#include "repo_guard.hpp"
#include "repo_predicates.hpp"
#include "select_repos.hpp"
#include "terminal_turn.hpp"

namespace mr::cmd {

namespace {

unsigned effective_jobs(const CommandContext& ctx) {
  const unsigned cpus = std::max(1U, std::thread::hardware_concurrency());
  if (ctx.options().interactive) {
    return 1; // -i: its shell needs the terminal to itself (cli/ refuses -i with -j N > 1)
  }
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

RunSettings run_settings(const CommandContext& ctx, const render::Options& render) {
  RunSettings s;
  std::string switches;
  for (const auto& w : ctx.invocation.switches) {
    switches += w + " "; // as myrepos: "-d dirty "
  }
  s.env = {{"MR_SWITCHES", switches},
           {"MR_PATH", mr_path()},
           {"GIT_TERMINAL_PROMPT", "0"},
           {"PAGER", "cat"},
           {"GIT_PAGER", "cat"},
           // A nested mr (a hook, a script) loads the same root files (locate.hpp).
           {registry::k_roots_variable, ctx.roots.exported()},
           {registry::k_trust_all_variable, ctx.trust_all() ? "1" : "0"}};
  if (!commands_on_terminal(ctx, render)) {
    const auto no_editor = no_editor_env();
    s.env.insert(s.env.end(), no_editor.begin(), no_editor.end());
    s.split_errors = !render.json && render::streams_apart();
  }
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
  if (!util::is_directory(parent->path)) {
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
    return task::TaskResult::failed(enter_failure(repo.path).value_or(""));
  }
  if (!repo.trusted || shell_default) {
    if (auto tree = check_work_tree(repo.path, !repo.trusted); !tree) {
      return task::TaskResult::failed(tree.error().message);
    }
  }
  return std::nullopt;
}

// The action as it runs in one repository.
struct RepoAction {
  const CommandInfo* builtin; // the invoked built-in, or the one it runs when missing
  std::string name;
  bool missing = false; // no directory there
  bool empty = false;   // an empty directory there

  bool clones() const { return builtin != nullptr && builtin->clones; }
};

// As myrepos: an action with a when_missing one (update) runs that one (checkout) in a
// repository that is not there. An empty directory counts as not there: git clones into
// one too.
RepoAction action_here(RepoTask& t, const CommandInfo* builtin) {
  RepoAction a{builtin, t.command.action};
  a.missing = !util::is_directory(t.repo.path);
  a.empty =
      !a.missing && builtin != nullptr && builtin->may_clone() && is_empty_directory(t.repo.path);
  if (builtin != nullptr && !builtin->when_missing.empty() && (a.missing || a.empty)) {
    a.builtin = find_builtin(builtin->when_missing);
    a.name = std::string(builtin->when_missing);
    t.header_action = a.name;
  }
  return a;
}

// A cloning action skips what exists and runs in the parent directory, created first.
std::optional<task::TaskResult> prepare_clone(RepoTask& t, const RepoAction& a) {
  const auto& repo = t.repo;
  if (!a.missing && !a.empty) {
    return task::TaskResult::skipped();
  }
  if (auto made = make_parent(repo); !made) {
    return task::TaskResult::failed(made.error().message);
  }
  // Cloned beside it and renamed into its place, which must not exist then.
  if (a.empty && ::rmdir(repo.path.c_str()) != 0) {
    return task::TaskResult::failed("cannot check out into " + repo.path.string() + ": " +
                                    util::errno_text(errno));
  }
  t.cwd = repo.path.parent_path();
  return std::nullopt;
}

// What runs: a registry command (it replaces any action, built-in ones included), else the
// built-in's shell default, else (given options of git's that mr does not implement) its
// definition for git, else its native implementation.
struct Work {
  std::optional<std::string_view> script;
  bool own = false; // the script is the registry's
  bool native = false;
};

Work work_for(const RepoTask& t, const RepoAction& a) {
  Work w;
  if (const std::string* own = registry_command(t.command, t.repo, a.name)) {
    w.script = *own;
    w.own = true;
  } else if (a.builtin != nullptr && !a.builtin->shell.empty()) {
    w.script = a.builtin->shell;
  } else if (a.builtin != nullptr && a.name == t.command.action &&
             t.command.args_route == ArgsRoute::git) {
    w.script = a.builtin->git_shell;
  }
  w.native = !w.script && a.builtin != nullptr && a.builtin->repo != nullptr;
  return w;
}

// The work between the pre_ and post_ hooks of the action.
task::TaskResult run_with_hooks(RepoTask& t, const RepoAction& a, const Work& w) {
  t.may_attach = true;
  if (auto failed = run_hook(t, "pre_" + a.name)) {
    return std::move(*failed);
  }
  task::TaskResult result =
      w.native ? a.builtin->repo(t)
               : result_of(run_shell(t, a.name, *w.script, t.command.invocation.args));
  if (result.status != task::Status::ok) {
    return result;
  }
  if (a.clones() && !util::is_directory(t.repo.path)) {
    return task::TaskResult::failed(t.repo.path.string() + " missing after checkout");
  }
  if (auto failed = run_hook(t, "post_" + a.name)) {
    return std::move(*failed);
  }
  return result;
}

task::TaskResult perform(RepoTask& t, const CommandInfo* builtin, CheckoutOrder* order) {
  t.env = guard_env(t.repo);
  if (builtin != nullptr && builtin->fields != nullptr) {
    builtin->fields(t);
  }
  if (auto skipped = skip_result(t)) {
    return std::move(*skipped);
  }
  if (auto deleted = deleted_result(t)) {
    return std::move(*deleted);
  }
  if (auto waited = wait_for_parent(t, order)) {
    return std::move(*waited);
  }
  const RepoAction a = action_here(t, builtin);
  if (a.clones()) {
    if (auto unprepared = prepare_clone(t, a)) {
      return std::move(*unprepared);
    }
  } else if (auto inside = still_inside(t.repo); !inside) {
    return task::TaskResult::failed(inside.error().message);
  }
  const Work w = work_for(t, a);
  if (!w.script && !w.native) {
    // As myrepos, which enters the directory before it looks for a repository type: a
    // missing directory fails to be entered, one of no type fails, one of a known type is
    // skipped; the failures alone, with no header.
    if (a.missing && !a.clones()) {
      t.headerless = true;
      return task::TaskResult::failed(enter_failure(t.repo.path).value_or(""));
    }
    const auto type = a.missing ? std::string("git") : repository_type(t.repo.path);
    if (type.empty()) {
      t.headerless = true;
      return task::TaskResult::failed("unknown repository type and no defined " + a.name +
                                      " command for " + t.repo.path.string());
    }
    return task::TaskResult::skipped("no defined action for " + type + " repository " +
                                     t.repo.path.string() + ", skipping");
  }
  const bool touches = !w.native || a.builtin->needs_directory; // not list
  if (!a.clones() && touches) {
    if (auto refused = unusable_directory(t.repo, a.missing, w.script && !w.own)) {
      t.headerless = a.missing; // as myrepos: the chdir failure alone, no header
      return std::move(*refused);
    }
  }
  return run_with_hooks(t, a, w);
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

// The order tasks are spawned in: the selection's, or for an action that may clone,
// parents first (checkout_order.hpp), with `order` set up for the waits.
std::vector<std::size_t> spawn_order(const std::vector<registry::Selected>& selected,
                                     const CommandInfo* builtin,
                                     std::optional<CheckoutOrder>& order) {
  if (builtin == nullptr || !builtin->may_clone()) {
    std::vector<std::size_t> in_order(selected.size());
    std::iota(in_order.begin(), in_order.end(), std::size_t{0});
    return in_order;
  }
  order.emplace(selected, [&](std::size_t i) {
    const auto& path = selected[i].repo->path;
    return !util::is_directory(path) || is_empty_directory(path);
  });
  return order->spawn_order();
}

task::GroupOptions group_options(const CommandContext& ctx, task::Executor& executor) {
  task::GroupOptions options;
  options.executor = &executor;
  options.policy =
      ctx.options().fail_fast ? task::ErrorPolicy::fail_fast : task::ErrorPolicy::keep_going;
  options.task_timeout = effective_timeout(ctx);
  options.parent = ctx.invocation.interrupt;
  options.parent_reason = task::StopReason::interrupted;
  return options;
}

// One per-repo run: the selection, the settings every task shares, and the blocks, the
// progress line and the footer made from what the tasks return.
class PerRepoRun {
public:
  PerRepoRun(CommandContext& ctx, const CommandInfo* builtin,
             const std::vector<registry::Selected>& selected, render::Renderer& out)
      : m_ctx(ctx), m_builtin(builtin), m_selected(selected), m_out(out),
        m_sequencer(out, ctx.options().order == OutputOrder::registry),
        m_settings(run_settings(ctx, out.options())), m_parts(selected.size()),
        m_finished(selected.size(), false) {
    if (commands_on_terminal(ctx, out.options())) {
      m_settings.terminal = std::make_shared<TerminalTurn>(
          selected.size(), [this](std::size_t i, const std::optional<std::string>& action) {
            render::Block block = block_for(m_selected[i]);
            block.action = action;
            m_out.start(block);
          });
    }
    m_settings.hosts = std::make_shared<HostLimits>(ctx.registry.settings.connections_per_host);
    m_settings.board = std::make_shared<ProgressBoard>(selected.size());
    m_spawn_order = spawn_order(selected, builtin, m_order);
  }

  void run() {
    task::Executor executor(std::min<std::size_t>(effective_jobs(m_ctx), m_selected.size()));
    show_progress();
    task::run_task_group(
        group_options(m_ctx, executor), [&](task::TaskGroup& group) { spawn_all(group); }, hooks());
    m_sequencer.flush();
  }

private:
  // What a task leaves for its repository's block besides its result.
  struct Parts {
    render::JsonObject fields;
    std::vector<std::string> cells;
    std::optional<std::string> header_action;
    bool headerless = false;
    bool bare_reason = false;
  };

  void spawn_all(task::TaskGroup& group) {
    for (const std::size_t i : m_spawn_order) {
      group.spawn(m_selected[i].repo->path.string(), [this, i](task::TaskContext& tc) {
        RepoTask t{tc, m_ctx, m_settings, *m_selected[i].repo, m_selected[i].subdir, i};
        const FinishGuard release{m_order ? &*m_order : nullptr, i};
        auto result = perform(t, m_builtin, release.order);
        m_parts[i] = {std::move(t.fields), std::move(t.cells), std::move(t.header_action),
                      t.headerless, t.bare_reason};
        return result;
      });
    }
  }

  task::JoinHooks hooks() {
    task::JoinHooks hooks;
    hooks.keep_output = false;
    hooks.on_done = [this](task::TaskResult& r) { finish(r); };
    hooks.on_tick = [this] {
      m_out.check_output_open(); // `mr run slow | head -1`: stop now, not at the next block
      show_progress();
    };
    hooks.on_overdue = [this](std::size_t index, std::string_view) {
      const auto& path = m_selected[m_spawn_order[index]].repo->path;
      if (attached()) {
        m_settings.terminal->exclusive([&] { m_out.still_waiting(path.string()); });
      } else {
        m_out.still_waiting(path.string());
      }
    };
    return hooks;
  }

  void finish(task::TaskResult& r) {
    const std::size_t i = m_spawn_order[r.index]; // the task's place in the selection
    render::Block block = block_for(m_selected[i]);
    block.status = r.status;
    block.exit_code = r.exit_code;
    block.output = std::move(r.output);
    block.errors = std::move(r.errors);
    block.reason = reason(r);
    Parts& parts = m_parts[i];
    if (parts.header_action) {
      block.action = std::move(parts.header_action);
    }
    block.headerless = parts.headerless;
    block.bare_reason = parts.bare_reason;
    block.fields = std::move(parts.fields);
    block.cells = std::move(parts.cells);
    block.label = short_label(*m_selected[i].repo, m_ctx);
    m_finished[i] = true;
    ++m_done;
    if (attached()) { // in the order they ran, one at a time: completion order
      m_settings.terminal->finish(i, [&](bool started) {
        block.started = started;
        m_out.block(block, shell_after_failure(m_ctx, m_out, m_selected[i]));
      });
    } else {
      m_sequencer.add(i, std::move(block));
    }
    show_progress();
  }

  bool attached() const { return m_settings.terminal != nullptr; }

  std::string reason(const task::TaskResult& r) const {
    if (r.status == task::Status::timed_out) {
      return "timed out after " +
             util::format_duration(effective_timeout(m_ctx).value_or(std::chrono::milliseconds(0)));
    }
    if (r.status == task::Status::cancelled && r.stop_reason == task::StopReason::interrupted) {
      return "interrupted";
    }
    if (r.status == task::Status::crashed) {
      return "internal error: " + r.error;
    }
    return r.error;
  }

  void show_progress() {
    while (m_first_unfinished < m_finished.size() && m_finished[m_first_unfinished]) {
      ++m_first_unfinished;
    }
    std::string label;
    if (m_first_unfinished < m_selected.size()) {
      label = short_label(*m_selected[m_first_unfinished].repo, m_ctx);
      if (const auto detail = m_settings.board->get(m_first_unfinished); !detail.empty()) {
        label += " " + detail;
      }
    }
    m_out.progress(m_done, m_selected.size(), label);
  }

  CommandContext& m_ctx;
  const CommandInfo* m_builtin;
  const std::vector<registry::Selected>& m_selected;
  render::Renderer& m_out;
  render::BlockSequencer m_sequencer;
  RunSettings m_settings;
  std::optional<CheckoutOrder> m_order;
  std::vector<std::size_t> m_spawn_order;
  std::vector<Parts> m_parts; // one per selected repository, set when its task ends
  std::vector<bool> m_finished;
  std::size_t m_done = 0;
  std::size_t m_first_unfinished = 0;
};

} // namespace

int run_per_repo(CommandContext& ctx, const CommandInfo* builtin) {
  render::Options render_options = ctx.render;
  render_options.table = builtin != nullptr && builtin->table;
  // On the terminal at -j1 the commands draw on it themselves: no progress line.
  render_options.progress = render_options.progress && !commands_on_terminal(ctx, render_options);
  render::Renderer out(ctx.action, render_options);
  const auto selected = selected_repos(ctx);
  if (selected.empty()) {
    out.no_repositories();
    if (ctx.render.json) {
      out.footer(k_exit_usage); // a --json reader always gets its summary object
    }
    return k_exit_usage;
  }
  PerRepoRun(ctx, builtin, selected, out).run();
  const int status = run_status(out.failed(), ctx.invocation.interrupt);
  out.footer(status);
  return status;
}

} // namespace mr::cmd
