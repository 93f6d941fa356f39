#include <mr/task/executor.hpp>

namespace mr::task {

namespace {
thread_local const Executor* t_current = nullptr;
} // namespace

Executor::Executor(std::size_t workers, TimeSource& time)
    : m_size(workers == 0 ? 1 : workers), m_deadlines(time) {
  m_threads.reserve(m_size);
}

Executor::~Executor() {
  for (auto& t : m_threads) {
    t.request_stop();
  }
  m_cv.notify_all();
  m_threads.clear(); // joins
}

std::size_t Executor::threads_started() const {
  std::lock_guard lock(m_mutex);
  return m_threads.size();
}

void Executor::submit(const void* tag, UniqueFunction<void()> run) {
  std::lock_guard lock(m_mutex);
  m_queue.push_back({tag, std::move(run)});
  // An idle worker that was notified but has not woken yet still counts as idle, so compare
  // the jobs waiting with the workers waiting: "none idle" would let two quick submits share
  // one sleeping worker and leave the pool short of N threads for good.
  if (m_queue.size() > m_idle && m_threads.size() < m_size) {
    m_threads.emplace_back([this](const std::stop_token& stop) { work(stop); });
  } else {
    m_cv.notify_one();
  }
}

bool Executor::run_one_tagged(const void* tag) {
  Job job;
  {
    std::lock_guard lock(m_mutex);
    auto it = m_queue.begin();
    while (it != m_queue.end() && it->tag != tag) {
      ++it;
    }
    if (it == m_queue.end()) {
      return false;
    }
    job = std::move(*it);
    m_queue.erase(it);
  }
  job.run();
  return true;
}

bool Executor::on_worker_thread() const noexcept {
  return t_current == this;
}

void Executor::work(const std::stop_token& stop) {
  t_current = this;
  std::unique_lock lock(m_mutex);
  for (;;) {
    ++m_idle;
    m_cv.wait(lock, stop, [this] { return !m_queue.empty(); });
    --m_idle;
    if (m_queue.empty()) {
      return; // stop requested
    }
    Job job = std::move(m_queue.front());
    m_queue.pop_front();
    lock.unlock();
    job.run();
    job.run = nullptr; // destroy the closure outside the lock
    lock.lock();
  }
}

} // namespace mr::task
