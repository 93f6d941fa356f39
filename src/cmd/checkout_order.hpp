// Private to src/cmd: nested repositories checked out in one parallel run. With "a" and
// "a/b" both missing, cloning "a/b" first would leave "a" a plain directory that "a" can
// no longer be cloned into; running both at once fails "a" with "Directory not empty".
// So a missing repository waits for the deepest selected missing repository that contains
// it, and the tasks are started parents first, so a waiting task always waits for one
// that is already running (the executor starts tasks in the order they are spawned).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <stop_token>
#include <vector>

#include <mr/registry/select.hpp>

namespace mr::cmd {

class CheckoutOrder {
public:
  // `missing(i)`: whether selected repository i is to be checked out (not there, or an
  // empty directory).
  template <class Missing>
  CheckoutOrder(const std::vector<registry::Selected>& selected, Missing&& missing) {
    std::vector<bool> flags(selected.size());
    for (std::size_t i = 0; i < selected.size(); ++i) {
      flags[i] = missing(i);
    }
    plan(selected, flags);
  }

  // Selection indices in the order their tasks are to be spawned.
  const std::vector<std::size_t>& spawn_order() const noexcept { return m_order; }

  // The repository selected repository `i` waits for, if any.
  const registry::Repo* parent_repo(std::size_t i) const {
    return m_parent[i] ? m_repos[*m_parent[i]] : nullptr;
  }

  // Blocks until the repository `i` waits for has finished; false when `stop` came first.
  bool wait(std::size_t i, const std::stop_token& stop);

  // Repository `i` is done (whatever its outcome): those waiting for it go on.
  void finished(std::size_t i);

private:
  void plan(const std::vector<registry::Selected>& selected, const std::vector<bool>& missing);

  std::vector<std::optional<std::size_t>> m_parent;
  std::vector<const registry::Repo*> m_repos;
  std::vector<std::size_t> m_order;
  std::mutex m_mutex;
  std::condition_variable_any m_cv;
  std::vector<bool> m_done;
};

} // namespace mr::cmd
