#include "terminal_turn.hpp"

#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace mr::cmd {

bool TerminalTurn::begin(std::size_t position, std::size_t index,
                         const std::optional<std::string>& action, const std::stop_token& stop) {
  std::unique_lock lock(m_mutex);
  if (!m_printed_cv.wait(lock, stop, [&] { return m_printed >= position; })) {
    return false;
  }
  if (!m_started[index]) {
    m_started[index] = true;
    m_show_header(index, action);
  }
  return true;
}

void TerminalTurn::finish(std::size_t index, const std::function<void(bool started)>& print) {
  {
    std::lock_guard lock(m_mutex);
    ++m_printed; // first: if print() throws, no task waits for a turn that never comes
    print(m_started[index]);
  }
  m_printed_cv.notify_all();
}

void TerminalTurn::exclusive(const std::function<void()>& fn) {
  std::lock_guard lock(m_mutex);
  fn();
}

namespace {

bool never_prompts(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && (std::string_view(value) == ":" || std::string_view(value) == "true");
}

// Run by git as `sh -c 'SNIPPET "$@"' SNIPPET FILE`: `false` ignores the file name.
std::string failing_editor(std::string_view advice) {
  return "printf '%s\\n' 'mr: no terminal for an editor here: " + std::string(advice) +
         "' >&2; false";
}

} // namespace

std::vector<std::pair<std::string, std::string>> no_editor_env() {
  std::vector<std::pair<std::string, std::string>> env;
  if (!never_prompts("GIT_EDITOR")) {
    env.emplace_back("GIT_EDITOR",
                     failing_editor("pass -m MESSAGE (or run with -j1 on a terminal)"));
  }
  if (!never_prompts("GIT_SEQUENCE_EDITOR")) {
    env.emplace_back("GIT_SEQUENCE_EDITOR", failing_editor("run with -j1 on a terminal"));
  }
  return env;
}

namespace {

Result<proc::Outcome> interactive_shell(const std::filesystem::path& dir,
                                        const std::filesystem::path& repo,
                                        const std::stop_token& stop) {
  std::string shell = "/bin/sh";
  if (const char* env = std::getenv("SHELL"); env != nullptr && *env != '\0') {
    shell = env;
  } else if (const passwd* pw = ::getpwuid(::getuid());
             pw != nullptr && pw->pw_shell != nullptr && *pw->pw_shell != '\0') {
    shell = pw->pw_shell;
  }
  proc::Command command;
  command.argv = {shell, "-i"};
  command.cwd = dir;
  command.attached = true;
  command.stdin_null = false;
  command.env = {{"MR_REPO", repo.string()}, {"PWD", dir.string()}};
  task::OutputBuffer unused;
  return proc::run(command, unused, stop);
}

} // namespace

bool commands_on_terminal(const CommandContext& ctx, const render::Options& render) {
  // -i means -j1 (cli/ refuses it with more jobs).
  const auto jobs = ctx.options().interactive ? 1U
                    : ctx.options().jobs      ? ctx.options().jobs
                                              : ctx.registry.settings.jobs;
  return jobs == 1U && !render.quiet && !render.minimal && !render.json && !render.table &&
         proc::terminal_on_stdin();
}

std::function<void()> shell_after_failure(const CommandContext& ctx, render::Renderer& out,
                                          const registry::Selected& selected) {
  if (!ctx.options().interactive) {
    return {};
  }
  return [&ctx, &out, &selected] {
    const auto dir = selected.subdir ? ctx.directory.logical : selected.repo->path;
    out.notice("mr: Starting interactive shell. Exit shell to continue.");
    if (auto shell = interactive_shell(dir, selected.repo->path, ctx.invocation.interrupt);
        !shell) {
      out.notice("mr " + ctx.action + ": " + shell.error().message);
    }
  };
}

} // namespace mr::cmd
