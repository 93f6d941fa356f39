// A semaphore with borrowers (anyio's CapacityLimiter), for limits inside tasks that are
// tighter than -j: at most N fetches to one host at a time, say. Waiting is stop-aware: a
// cancelled waiter gets nullopt and its task ends cancelled, never failed.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

namespace mr::task {

class CapacityLimiter {
public:
  // Holds one token until destroyed. One per borrowing thread (task) at a time.
  class Permit {
  public:
    Permit(Permit&& other) noexcept : m_owner(std::exchange(other.m_owner, nullptr)) {}
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit();

  private:
    friend class CapacityLimiter;
    explicit Permit(CapacityLimiter* owner) : m_owner(owner) {}
    CapacityLimiter* m_owner;
  };

  explicit CapacityLimiter(std::size_t total_tokens) : m_total(total_tokens) {}

  // Blocks until a token is free; nullopt if `stop` fires first. A thread that already
  // holds a permit gets std::logic_error (it would deadlock itself at N = 1).
  [[nodiscard]] std::optional<Permit> acquire(std::stop_token stop);
  [[nodiscard]] std::optional<Permit> try_acquire();

  // Raising the total wakes waiters; lowering it never revokes permits already held.
  void set_total_tokens(std::size_t total);
  std::size_t borrowed() const;
  std::size_t total() const;

private:
  void release() noexcept;
  bool holds(std::thread::id id) const;

  mutable std::mutex m_mutex;
  std::condition_variable_any m_cv;
  std::size_t m_total;
  std::vector<std::thread::id> m_borrowers;
};

} // namespace mr::task
