#include <algorithm>
#include <stdexcept>

#include <mr/task/task_group.hpp>

namespace mr::task {

std::size_t GroupReport::count(Status s) const noexcept {
  return static_cast<std::size_t>(std::count_if(
      results.begin(), results.end(), [s](const TaskResult& r) { return r.status == s; }));
}

bool GroupReport::all_ok() const noexcept {
  return std::all_of(results.begin(), results.end(),
                     [](const TaskResult& r) { return r.status == Status::ok; });
}

void GroupReport::rethrow_first_crash() const {
  for (const auto& r : results) {
    if (r.status == Status::crashed && r.exception) {
      std::rethrow_exception(r.exception);
    }
  }
}

// ---- deadline scopes ----

DeadlineScope::DeadlineScope(TaskContext& ctx, Duration after, bool fail)
    : m_ctx(ctx), m_fail(fail), m_timer(std::make_shared<StopSignal>()),
      m_signal(std::make_shared<StopSignal>()) {
  const TimePoint when = ctx.m_executor.time().now() + after;
  m_from_task.emplace(ctx.stop_token(), *m_signal, StopReason::parent, &ctx.m_stop);
  m_from_timer.emplace(m_timer->token(), *m_signal, StopReason::deadline);
  m_handle = ctx.m_executor.deadlines().add(when, m_timer);
  ctx.m_deadlines.push_back(when);
}

DeadlineScope::~DeadlineScope() {
  m_ctx.m_executor.deadlines().remove(m_handle);
  m_ctx.m_deadlines.pop_back();
  if (m_fail && m_timer->requested()) {
    m_ctx.m_failed_deadline = true;
  }
}

TimePoint TaskContext::deadline() const noexcept {
  TimePoint earliest = TimePoint::max();
  for (const auto d : m_deadlines) {
    earliest = std::min(earliest, d);
  }
  return earliest;
}

// ---- the group ----

struct TaskGroup::Slot {
  std::size_t index;
  std::string label;
  TaskFn fn;
  TaskResult result;
  std::shared_ptr<StopSignal> stop;
  std::atomic<bool> running{false};
  TimePoint started{};
  bool overdue_reported = false; // joining thread only
};

namespace {

bool is_failure(Status s) {
  return s == Status::failed || s == Status::crashed || s == Status::timed_out;
}

} // namespace

TaskGroup::TaskGroup(GroupOptions options)
    : m_options(std::move(options)), m_executor(*m_options.executor),
      m_uncaught_at_start(std::uncaught_exceptions()), m_stop(std::make_shared<StopSignal>()) {
  if (m_options.parent.stop_possible()) {
    m_parent_link.emplace(m_options.parent, *m_stop, m_options.parent_reason);
  }
  if (m_options.group_deadline) {
    m_deadline_handle = m_executor.deadlines().add(*m_options.group_deadline, m_stop);
  }
}

TaskGroup::~TaskGroup() noexcept {
  try {
    if (m_state != State::joined) {
      if (std::uncaught_exceptions() > m_uncaught_at_start) {
        cancel(StopReason::requested);
      }
      join();
    }
  } catch (...) {
    // join() without hooks throws nothing of ours; an allocation failure here has nowhere
    // to go, and a destructor must not throw.
  }
  if (m_deadline_handle) {
    m_executor.deadlines().remove(*m_deadline_handle);
  }
}

void TaskGroup::spawn(std::string label, TaskFn fn) {
  Slot* slot = nullptr;
  TaskFn unrun;
  {
    std::lock_guard lock(m_mutex);
    if (m_state == State::joined) {
      throw std::logic_error("TaskGroup::spawn after join");
    }
    auto owned = std::make_unique<Slot>();
    slot = owned.get();
    slot->index = m_slots.size();
    slot->label = std::move(label);
    slot->result.index = slot->index;
    slot->result.label = slot->label;
    m_slots.push_back(std::move(owned));
    if (m_stop->requested()) {
      slot->result.status = Status::not_started;
      slot->result.stop_reason = m_stop->reason();
      unrun = std::move(fn); // destroyed below, outside the lock, never invoked
      m_completed.push_back(slot);
      m_cv.notify_all();
      return;
    }
    slot->fn = std::move(fn);
    ++m_pending;
  }
  m_executor.submit(this, [this, slot] { run(*slot); });
}

void TaskGroup::cancel(StopReason why) noexcept {
  m_stop->request(why);
}

void TaskGroup::run(Slot& slot) {
  TaskResult& result = slot.result;
  if (m_stop->requested()) {
    result.status = Status::not_started;
    result.stop_reason = m_stop->reason();
    slot.fn = nullptr;
    finish(slot);
    return;
  }
  TimeSource& time = m_executor.time();
  slot.stop = std::make_shared<StopSignal>();
  slot.started = time.now();
  slot.running.store(true, std::memory_order_release);
  TaskContext ctx(m_executor, *slot.stop, slot.index, slot.label);
  std::optional<DeadlineWatcher::Handle> timeout;
  if (m_options.task_timeout) {
    const TimePoint when = slot.started + *m_options.task_timeout;
    ctx.m_deadlines.push_back(when);
    timeout = m_executor.deadlines().add(when, slot.stop);
  }
  if (m_options.group_deadline) {
    ctx.m_deadlines.push_back(*m_options.group_deadline);
  }
  {
    // The task inherits the group's cancellation, with the group's reason.
    StopLink from_group(m_stop->token(), *slot.stop, StopReason::parent, m_stop.get());
    try {
      TaskResult r = slot.fn(ctx);
      result.status = r.status;
      result.exit_code = r.exit_code;
      result.error = std::move(r.error);
      result.output = std::move(ctx.m_output);
      result.output += r.output;
      result.errors = std::move(ctx.m_errors);
      result.errors += r.errors;
    } catch (const std::exception& e) {
      result.status = Status::crashed;
      result.error = e.what();
      result.exception = std::current_exception();
      result.output = std::move(ctx.m_output);
      result.errors = std::move(ctx.m_errors);
    } catch (...) {
      result.status = Status::crashed;
      result.error = "unknown exception";
      result.exception = std::current_exception();
      result.output = std::move(ctx.m_output);
      result.errors = std::move(ctx.m_errors);
    }
  }
  if (timeout) {
    m_executor.deadlines().remove(*timeout);
  }
  slot.fn = nullptr;
  const TimePoint ended = time.now();
  result.elapsed = ended - slot.started;
  if (m_options.task_timeout && ended >= slot.started + *m_options.task_timeout) {
    // Over time, even if the watcher thread has not fired the deadline yet: the same
    // outcome whichever thread gets there first.
    slot.stop->request(StopReason::deadline);
  }
  result.stop_reason = slot.stop->reason();
  // A task that was stopped reports what stopped it, whatever it returned.
  if (result.status != Status::crashed && result.status != Status::skipped) {
    if (result.stop_reason == StopReason::deadline || ctx.m_failed_deadline) {
      result.status = Status::timed_out;
    } else if (slot.stop->requested() && result.status == Status::failed) {
      result.status = Status::cancelled;
    }
  }
  slot.running.store(false, std::memory_order_release);
  finish(slot);
}

void TaskGroup::finish(Slot& slot) {
  if (m_options.policy == ErrorPolicy::fail_fast && is_failure(slot.result.status) &&
      !m_failed.exchange(true)) {
    {
      std::lock_guard lock(m_mutex);
      m_first_failure = slot.index;
    }
    cancel(StopReason::sibling_failed);
  }
  // Notify under the lock: once it is released, join() may return and destroy the group,
  // so nothing of `this` is touched afterwards.
  std::lock_guard lock(m_mutex);
  m_completed.push_back(&slot);
  --m_pending;
  m_cv.notify_all();
}

void TaskGroup::report_overdue(JoinHooks& hooks) {
  if (!hooks.on_overdue || !m_options.task_timeout) {
    return;
  }
  const TimePoint now = m_executor.time().now();
  std::vector<Slot*> overdue;
  {
    std::lock_guard lock(m_mutex);
    for (auto& slot : m_slots) {
      if (!slot->overdue_reported && slot->running.load(std::memory_order_acquire) &&
          now > slot->started + *m_options.task_timeout + m_options.overdue_grace) {
        slot->overdue_reported = true;
        overdue.push_back(slot.get());
      }
    }
  }
  for (Slot* slot : overdue) {
    hooks.on_overdue(slot->index, slot->label);
  }
}

GroupReport TaskGroup::join(UniqueFunction<void(TaskResult&)> on_done) {
  JoinHooks hooks;
  hooks.on_done = std::move(on_done);
  return join(std::move(hooks));
}

// The join hooks, called on the joining thread: the first that throws cancels the group,
// and no hook is called after it; join() rethrows its exception once every task is done.
class TaskGroup::HookGuard {
public:
  explicit HookGuard(TaskGroup& group) : m_group(group) {}

  template <class Call>
  void operator()(Call&& call) {
    if (m_error) {
      return;
    }
    try {
      call();
    } catch (...) {
      m_error = std::current_exception();
      m_group.cancel(StopReason::requested);
    }
  }

  void rethrow() const {
    if (m_error) {
      std::rethrow_exception(m_error);
    }
  }

private:
  TaskGroup& m_group;
  std::exception_ptr m_error;
};

// Each completed result to on_done, in completion order, with the lock released: the hook
// prints, and tasks finishing meanwhile must not wait for it.
void TaskGroup::deliver_completed(std::unique_lock<std::mutex>& lock, JoinHooks& hooks,
                                  HookGuard& guarded) {
  while (!m_completed.empty()) {
    Slot* slot = m_completed.front();
    m_completed.pop_front();
    lock.unlock();
    if (hooks.on_done) {
      guarded([&] { hooks.on_done(slot->result); });
    }
    if (!hooks.keep_output) {
      slot->result.output.clear();
      slot->result.errors.clear();
    }
    lock.lock();
  }
}

// Every tick_interval while join() waits (called without the lock): the progress hook,
// then the tasks overdue.
void TaskGroup::run_tick(JoinHooks& hooks, HookGuard& guarded) {
  if (hooks.on_tick) {
    guarded([&] { hooks.on_tick(); });
  }
  report_overdue(hooks);
}

// A task that opened a group helps run that group's queued tasks: progress is guaranteed
// even when every worker is busy joining (-j 1). Whether it ran one.
bool TaskGroup::help_run_one(std::unique_lock<std::mutex>& lock) {
  lock.unlock();
  const bool ran = m_executor.run_one_tagged(this);
  lock.lock();
  return ran;
}

// Every task has finished (m_mutex held): the results, in spawn order, become the report
// that this and any later join() returns.
GroupReport TaskGroup::take_report() {
  GroupReport report;
  report.results.reserve(m_slots.size());
  for (const auto& slot : m_slots) {
    report.results.push_back(std::move(slot->result));
  }
  report.first_failure = m_first_failure;
  report.stop_reason = m_stop->reason();
  m_report = report;
  m_state = State::joined;
  return report;
}

GroupReport TaskGroup::join(JoinHooks hooks) {
  {
    std::lock_guard lock(m_mutex);
    if (m_state == State::joined) {
      return *m_report;
    }
    m_state = State::joining;
  }
  const bool helping = m_executor.on_worker_thread();
  HookGuard guarded(*this);
  auto last_tick = Clock::now();
  std::unique_lock lock(m_mutex);
  for (;;) {
    deliver_completed(lock, hooks, guarded);
    if (m_pending == 0) {
      break;
    }
    if (Clock::now() - last_tick >= hooks.tick_interval) {
      lock.unlock();
      run_tick(hooks, guarded);
      last_tick = Clock::now();
      lock.lock();
      continue;
    }
    if (helping && help_run_one(lock)) {
      continue;
    }
    m_cv.wait_until(lock, last_tick + hooks.tick_interval,
                    [this] { return !m_completed.empty() || m_pending == 0; });
  }
  GroupReport report = take_report();
  lock.unlock();
  guarded.rethrow();
  return report;
}

} // namespace mr::task
