// Cooperative cancellation with a reason: a std::stop_source that remembers why stop was
// first requested, and links that forward a request down the cancellation tree
// (signals -> group -> task -> deadline scope).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <stop_token>

namespace mr::task {

enum class StopReason : std::uint8_t {
  none,
  requested,      // cancel() by the program
  sibling_failed, // --fail-fast
  interrupted,    // Ctrl-C, SIGTERM, SIGHUP
  deadline,       // --timeout or a deadline scope
  parent,         // an enclosing group or scope was cancelled
};

class StopSignal {
public:
  // The first reason wins. Returns true if this call made the request.
  bool request(StopReason why) noexcept {
    StopReason expected = StopReason::none;
    m_reason.compare_exchange_strong(expected, why, std::memory_order_acq_rel);
    return m_source.request_stop();
  }
  std::stop_token token() const noexcept { return m_source.get_token(); }
  bool requested() const noexcept { return m_source.stop_requested(); }
  StopReason reason() const noexcept { return m_reason.load(std::memory_order_acquire); }

private:
  std::atomic<StopReason> m_reason{StopReason::none};
  std::stop_source m_source;
};

// While alive, a stop request on `from` becomes a request on `to`: with `from_signal`'s own
// reason when given (a task inherits its group's reason), else with `why`.
class StopLink {
public:
  StopLink(std::stop_token from, StopSignal& to, StopReason why,
           const StopSignal* from_signal = nullptr)
      : m_callback(std::in_place, std::move(from), Forward{&to, why, from_signal}) {}

private:
  struct Forward {
    StopSignal* to;
    StopReason why;
    const StopSignal* from;
    void operator()() const noexcept {
      const StopReason r = from != nullptr ? from->reason() : why;
      to->request(r == StopReason::none ? why : r);
    }
  };
  std::optional<std::stop_callback<Forward>> m_callback;
};

} // namespace mr::task
