// Private to src/cmd: commands on mr's own terminal (at -j1, as myrepos runs them). A
// repository's header is printed before its first command starts, so what the command
// writes (an editor, a prompt, git's progress) follows it directly; every block before it
// is complete by then. Tasks run on a worker thread and blocks are printed by the joining
// one: this is where they take turns with the renderer.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include <mr/cmd/context.hpp>
#include <mr/proc/process.hpp>
#include <mr/registry/select.hpp>
#include <mr/render/renderer.hpp>

namespace mr::cmd {

class TerminalTurn {
public:
  // `show_header(index, action)` prints the header of the repository at `index` in the
  // selection (`action`: when not the invocation's).
  using ShowHeader =
      std::function<void(std::size_t index, const std::optional<std::string>& action)>;
  TerminalTurn(std::size_t count, ShowHeader show_header)
      : m_started(count, false), m_show_header(std::move(show_header)) {}

  // On a task's thread, before a command of the repository at `index` (the task spawned
  // at `position`) runs on the terminal: waits until the blocks of the tasks spawned before
  // it are printed, then prints its header once. False when `stop` fired first.
  bool begin(std::size_t position, std::size_t index, const std::optional<std::string>& action,
             const std::stop_token& stop);

  // On the joining thread: `print(started)` prints the block at `index` (its header is out
  // already when `started`); then the next task may have the terminal.
  void finish(std::size_t index, const std::function<void(bool started)>& print);

  // Runs `fn` on the joining thread while no task prints.
  void exclusive(const std::function<void()>& fn);

private:
  std::mutex m_mutex;
  std::condition_variable_any m_printed_cv;
  std::size_t m_printed = 0; // blocks printed so far
  std::vector<bool> m_started;
  ShowHeader m_show_header;
};

// Whether commands run on mr's own terminal, as myrepos' serial mode: at a -j1 asked for
// (-j1, -i, settings.jobs = 1: the default follows the CPUs, and one CPU should not change
// what a run does), with a terminal on stdin whose foreground mr is, and blocks printed
// whole (not -q, -m, --json or a table).
bool commands_on_terminal(const CommandContext& ctx, const render::Options& render);

// The environment that makes git's editors fail at once, with one line saying what to do,
// for commands with no terminal (their stdin is /dev/null): GIT_EDITOR and
// GIT_SEQUENCE_EDITOR, each unless the user's own is one that never prompts (":", "true").
std::vector<std::pair<std::string, std::string>> no_editor_env();

// -i: what runs after a failed block's reason (Renderer::block's after_failure): "mr:
// Starting interactive shell. Exit shell to continue." on stderr, then the user's shell
// ($SHELL, else the login shell, else /bin/sh) with -i in the repository (where mr was
// started, inside it) on mr's terminal, with MR_REPO set, until it exits or mr is
// interrupted. Empty without -i.
std::function<void()> shell_after_failure(const CommandContext& ctx, render::Renderer& out,
                                          const registry::Selected& selected);

} // namespace mr::cmd
