#include <algorithm>

#include <mr/registry/select.hpp>
#include <mr/util/path_memo.hpp>

namespace mr::registry {

namespace {

// Every repo's path in both forms; a physical one is computed only when the cheap lexical
// comparison did not already decide, at most once per repo, and through a memo of the
// directories resolved so far: repos side by side cost one lstat each, not a stat and a
// readlink of every component of their path.
class RegistryPaths {
public:
  explicit RegistryPaths(const Registry& registry) : m_physical(registry.repos.size()) {}

  RegistryPaths(const RegistryPaths&) = delete;
  RegistryPaths& operator=(const RegistryPaths&) = delete;

  const fs::path& physical(std::size_t index, const Repo& repo) {
    auto& known = m_physical[index];
    if (!known) {
      known = m_memo.physical(repo.path);
    }
    return *known;
  }

private:
  util::PathMemo m_memo;
  std::vector<std::optional<fs::path>> m_physical; // by index in Registry::repos
};

// One repo's two forms, the physical one asked for when needed.
class RepoPaths {
public:
  RepoPaths(RegistryPaths& all, const Registry& registry, const Repo& repo)
      : m_all(all), m_index(static_cast<std::size_t>(&repo - registry.repos.data())), m_repo(repo) {
  }
  const fs::path& logical() const { return m_repo.path; }
  const fs::path& physical() { return m_all.physical(m_index, m_repo); }

private:
  RegistryPaths& m_all;
  std::size_t m_index;
  const Repo& m_repo;
};

// Depth of the repo below `dir`, comparing every pairing of the two forms; the smallest
// depth wins (the pairings only differ when symlinks are involved).
std::optional<std::size_t> depth_of_repo_below(RepoPaths& repo, const util::Place& dir) {
  if (auto d = util::depth_below(repo.logical(), dir.logical)) {
    return d;
  }
  if (auto d = util::depth_below(repo.logical(), dir.physical)) {
    return d;
  }
  if (auto d = util::depth_below(repo.physical(), dir.physical)) {
    return d;
  }
  return util::depth_below(repo.physical(), dir.logical);
}

struct Enclosing {
  std::size_t depth; // how far the directory lies below the repo
  fs::path subdir;
};

std::optional<Enclosing> repo_enclosing(RepoPaths& repo, const util::Place& dir) {
  const std::pair<const fs::path*, const fs::path*> pairings[] = {
      {&dir.logical, &repo.logical()},
      {&dir.physical, &repo.logical()},
      {&dir.physical, &repo.physical()},
      {&dir.logical, &repo.physical()},
  };
  for (const auto& [d, r] : pairings) {
    if (auto depth = util::depth_below(*d, *r)) {
      return Enclosing{*depth, d->lexically_relative(*r)};
    }
  }
  return std::nullopt;
}

bool tag_matches(const Repo& repo, const std::vector<std::string>& tags) {
  return tags.empty() || std::any_of(tags.begin(), tags.end(),
                                     [&](const std::string& t) { return repo.has_tag(t); });
}

} // namespace

std::vector<Selected> select(const Registry& registry, const SelectOptions& options) {
  RegistryPaths all(registry);
  std::vector<Selected> below;
  for (const auto& repo : registry.repos) {
    if (!tag_matches(repo, options.tags)) {
      continue;
    }
    RepoPaths paths(all, registry, repo);
    const auto depth = depth_of_repo_below(paths, options.directory);
    if (depth && (!options.max_depth || *depth <= *options.max_depth)) {
      below.push_back({&repo, std::nullopt});
    }
  }
  if (!below.empty()) {
    return below;
  }
  // Inside a repository: the deepest registered repo containing the directory.
  const Repo* best = nullptr;
  std::optional<Enclosing> best_enclosing;
  for (const auto& repo : registry.repos) {
    if (!tag_matches(repo, options.tags)) {
      continue;
    }
    RepoPaths paths(all, registry, repo);
    auto enclosing = repo_enclosing(paths, options.directory);
    if (enclosing && (!best_enclosing || enclosing->depth < best_enclosing->depth)) {
      best = &repo;
      best_enclosing = std::move(enclosing);
    }
  }
  if (best == nullptr) {
    return {};
  }
  return {{best, best_enclosing->subdir.string()}};
}

const Repo* find_enclosing(const Registry& registry, const util::Place& place) {
  RegistryPaths all(registry);
  const Repo* best = nullptr;
  std::size_t best_depth = 0;
  for (const auto& repo : registry.repos) {
    RepoPaths paths(all, registry, repo);
    auto enclosing = repo_enclosing(paths, place);
    if (enclosing && (best == nullptr || enclosing->depth < best_depth)) {
      best = &repo;
      best_depth = enclosing->depth;
    }
  }
  return best;
}

} // namespace mr::registry
