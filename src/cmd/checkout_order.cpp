#include "checkout_order.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

namespace mr::cmd {

void CheckoutOrder::plan(const std::vector<registry::Selected>& selected,
                         const std::vector<bool>& missing) {
  const std::size_t n = selected.size();
  m_parent.assign(n, std::nullopt);
  m_done.assign(n, false);
  m_repos.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    m_repos[i] = selected[i].repo;
  }
  std::map<std::string, std::size_t, std::less<>> by_path;
  for (std::size_t i = 0; i < n; ++i) {
    if (missing[i]) {
      by_path.emplace(selected[i].repo->path.native(), i);
    }
  }
  for (std::size_t i = 0; i < n && !by_path.empty(); ++i) {
    if (!missing[i]) {
      continue;
    }
    // The deepest missing repository above this one: walk up its path.
    std::filesystem::path up = selected[i].repo->path;
    while (up.has_relative_path()) {
      up = up.parent_path();
      if (auto it = by_path.find(up.native()); it != by_path.end()) {
        m_parent[i] = it->second;
        break;
      }
    }
  }
  // Parents first: a repository's wave is one more than its parent's.
  std::vector<std::size_t> wave(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto p = m_parent[i]; p; p = m_parent[*p]) {
      ++wave[i];
    }
  }
  m_order.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    m_order[i] = i;
  }
  std::stable_sort(m_order.begin(), m_order.end(),
                   [&](std::size_t a, std::size_t b) { return wave[a] < wave[b]; });
}

bool CheckoutOrder::wait(std::size_t i, const std::stop_token& stop) {
  const auto parent = m_parent[i];
  if (!parent) {
    return true;
  }
  std::unique_lock lock(m_mutex);
  return m_cv.wait(lock, stop, [&] { return m_done[*parent]; });
}

void CheckoutOrder::finished(std::size_t i) {
  {
    std::lock_guard lock(m_mutex);
    m_done[i] = true;
  }
  m_cv.notify_all();
}

} // namespace mr::cmd
