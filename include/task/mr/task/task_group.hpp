// Structured concurrency for mr (the trio/anyio nursery idea): a TaskGroup owns tasks, not
// threads. Every task spawned into a group has finished when join() returns, and the
// group always joins, even when its scope is left by an exception. Failures are values
// (TaskResult), cancellation is cooperative (std::stop_token, in a tree: parent -> group
// -> task -> deadline scope), and results reach the joining thread, the only one that
// prints, in completion order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <mr/task/executor.hpp>
#include <mr/task/output_buffer.hpp>
#include <mr/task/status.hpp>
#include <mr/task/stop.hpp>
#include <mr/task/time_source.hpp>
#include <mr/task/unique_function.hpp>

namespace mr::task {

enum class ErrorPolicy : std::uint8_t {
  keep_going, // run everything, collect every outcome (myrepos)
  fail_fast,  // the first failed, crashed or timed-out task cancels the rest
};

struct TaskResult {
  std::size_t index = 0; // spawn order: the key for ordered output
  std::string label;
  Status status = Status::not_started;
  StopReason stop_reason = StopReason::none;
  int exit_code = 0;
  OutputBuffer output;          // what the task wrote to ctx.output()
  OutputBuffer errors;          // what it wrote to ctx.errors()
  std::string error;            // one line, for failed/skipped/crashed
  std::exception_ptr exception; // crashed only
  Duration elapsed{};

  static TaskResult ok() { return with(Status::ok); }
  static TaskResult failed(std::string error, int exit_code = 0) {
    auto r = with(Status::failed, std::move(error));
    r.exit_code = exit_code;
    return r;
  }
  static TaskResult skipped(std::string reason = {}) {
    return with(Status::skipped, std::move(reason));
  }
  static TaskResult cancelled() { return with(Status::cancelled); }

private:
  static TaskResult with(Status s, std::string error = {}) {
    TaskResult r;
    r.status = s;
    r.error = std::move(error);
    return r;
  }
};

struct GroupReport {
  std::vector<TaskResult> results;          // in spawn order
  std::optional<std::size_t> first_failure; // the task that triggered fail_fast
  StopReason stop_reason = StopReason::none;

  std::size_t count(Status s) const noexcept;
  bool all_ok() const noexcept;
  void rethrow_first_crash() const;
};

class TaskGroup;
class TaskContext;

// A deadline inside a task (anyio's fail_after / move_on_after). The work inside uses
// stop_token(), which fires at the deadline or when the task is cancelled. A fail_after
// scope whose deadline passed makes the task end timed_out; move_on_after only reports
// expired() and the task carries on.
class DeadlineScope {
public:
  DeadlineScope(TaskContext& ctx, Duration after, bool fail);
  ~DeadlineScope();
  DeadlineScope(const DeadlineScope&) = delete;
  DeadlineScope& operator=(const DeadlineScope&) = delete;

  std::stop_token stop_token() const noexcept { return m_signal->token(); }
  bool expired() const noexcept { return m_timer->requested(); }

private:
  TaskContext& m_ctx;
  bool m_fail;
  std::shared_ptr<StopSignal> m_timer;  // fired by the watcher only
  std::shared_ptr<StopSignal> m_signal; // timer or task cancelled
  std::optional<StopLink> m_from_task;
  std::optional<StopLink> m_from_timer;
  DeadlineWatcher::Handle m_handle;
};

// Handed to every task; valid only while the task runs.
class TaskContext {
public:
  std::stop_token stop_token() const noexcept { return m_stop.token(); }
  bool stop_requested() const noexcept { return m_stop.requested(); }
  StopReason stop_reason() const noexcept { return m_stop.reason(); }
  // The earliest of the task's, the group's and enclosing scopes' deadlines.
  TimePoint deadline() const noexcept;
  std::size_t index() const noexcept { return m_index; }
  std::string_view label() const noexcept { return m_label; }
  OutputBuffer& output() noexcept { return m_output; }
  // What the task's work wrote to its standard error, when it is kept apart from output().
  OutputBuffer& errors() noexcept { return m_errors; }
  Executor& executor() const noexcept { return m_executor; }

  [[nodiscard]] DeadlineScope fail_after(Duration d) { return DeadlineScope(*this, d, true); }
  [[nodiscard]] DeadlineScope move_on_after(Duration d) { return DeadlineScope(*this, d, false); }

private:
  friend class TaskGroup;
  friend class DeadlineScope;
  TaskContext(Executor& executor, StopSignal& stop, std::size_t index, std::string_view label)
      : m_executor(executor), m_stop(stop), m_index(index), m_label(label) {}

  Executor& m_executor;
  StopSignal& m_stop;
  std::size_t m_index;
  std::string_view m_label;
  OutputBuffer m_output;
  OutputBuffer m_errors;
  std::vector<TimePoint> m_deadlines; // task, group, then enclosing scopes
  bool m_failed_deadline = false;     // a fail_after scope expired
};

using TaskFn = UniqueFunction<TaskResult(TaskContext&)>;

struct GroupOptions {
  Executor* executor = nullptr; // required
  ErrorPolicy policy = ErrorPolicy::keep_going;
  std::optional<Duration> task_timeout;          // from each task's start, not its spawn
  std::optional<TimePoint> group_deadline;       // absolute; queued tasks then never start
  std::stop_token parent;                        // a stop here cancels the group...
  StopReason parent_reason = StopReason::parent; // ...with this reason
  Duration overdue_grace = std::chrono::seconds(2);
};

struct JoinHooks {
  // Each result, on the joining thread, once, in completion order. It may take the
  // result's output (move it out) when keep_output is false.
  UniqueFunction<void(TaskResult&)> on_done;
  // Every tick_interval while join() waits (progress display).
  UniqueFunction<void()> on_tick;
  // Once per task still running overdue_grace after its deadline (it ignores its token).
  UniqueFunction<void(std::size_t index, std::string_view label)> on_overdue;
  std::chrono::milliseconds tick_interval{100};
  // false: a result's output (and errors) is released once on_done has seen it, so a run over many
  // repos does not hold every output twice; the report then carries empty outputs.
  bool keep_output = true;
};

class TaskGroup {
public:
  explicit TaskGroup(GroupOptions options);
  // Joins if join() was not called; cancels first when unwinding. Never throws.
  ~TaskGroup() noexcept;
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // Queues fn; never blocks, never throws task errors. After cancel() the task is recorded
  // not_started and fn destroyed unrun. After join() returned: std::logic_error.
  void spawn(std::string label, TaskFn fn);

  void cancel(StopReason why = StopReason::requested) noexcept;
  std::stop_token stop_token() const noexcept { return m_stop->token(); }

  // Waits for every task. A second call returns the same report at once. If on_done
  // throws, the group is cancelled and joined, then the exception propagates.
  GroupReport join(JoinHooks hooks = {});
  GroupReport join(UniqueFunction<void(TaskResult&)> on_done);

private:
  struct Slot;
  void run(Slot& slot);
  void finish(Slot& slot);
  void report_overdue(JoinHooks& hooks);
  // join()'s steps; `lock` holds m_mutex, released around hooks and helped tasks.
  class HookGuard;
  void deliver_completed(std::unique_lock<std::mutex>& lock, JoinHooks& hooks, HookGuard& guarded);
  void run_tick(JoinHooks& hooks, HookGuard& guarded);
  bool help_run_one(std::unique_lock<std::mutex>& lock);
  GroupReport take_report();

  GroupOptions m_options;
  Executor& m_executor;
  int m_uncaught_at_start;
  std::shared_ptr<StopSignal> m_stop;
  std::optional<StopLink> m_parent_link; // after m_stop: destroyed before it
  std::optional<DeadlineWatcher::Handle> m_deadline_handle;

  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<std::unique_ptr<Slot>> m_slots;
  std::deque<Slot*> m_completed;
  std::size_t m_pending = 0;
  enum class State { open, joining, joined } m_state = State::open;
  std::optional<GroupReport> m_report;
  std::atomic<bool> m_failed{false};
  std::optional<std::size_t> m_first_failure;
};

// The structured form: the group cannot escape `body`. If body throws, the group is
// cancelled and joined, then the exception propagates unchanged.
template <class Body>
GroupReport run_task_group(GroupOptions options, Body&& body, JoinHooks hooks = {}) {
  TaskGroup group(std::move(options));
  try {
    body(group);
  } catch (...) {
    group.cancel(StopReason::requested);
    group.join();
    throw;
  }
  return group.join(std::move(hooks));
}

} // namespace mr::task
