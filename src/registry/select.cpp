#include <algorithm>

#include <mr/registry/select.hpp>

namespace mr::registry {

namespace {

// A repo's path in both forms; the physical one is computed only when the cheap lexical
// comparison did not already decide, so unrelated repos are rarely stat'ed.
class RepoPaths {
public:
  explicit RepoPaths(const Repo& repo) : m_repo(repo) {}
  const fs::path& logical() const { return m_repo.path; }
  const fs::path& physical() {
    if (!m_physical) {
      m_physical = util::physical(m_repo.path);
    }
    return *m_physical;
  }

private:
  const Repo& m_repo;
  std::optional<fs::path> m_physical;
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
  std::vector<Selected> below;
  for (const auto& repo : registry.repos) {
    if (!tag_matches(repo, options.tags)) {
      continue;
    }
    RepoPaths paths(repo);
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
    RepoPaths paths(repo);
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
  const Repo* best = nullptr;
  std::size_t best_depth = 0;
  for (const auto& repo : registry.repos) {
    RepoPaths paths(repo);
    auto enclosing = repo_enclosing(paths, place);
    if (enclosing && (best == nullptr || enclosing->depth < best_depth)) {
      best = &repo;
      best_depth = enclosing->depth;
    }
  }
  return best;
}

} // namespace mr::registry
