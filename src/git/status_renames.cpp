// git's rename pairing for status (see status_renames.hpp), over the staged deletions and
// additions of a status list.
#include "status_renames.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "handles.hpp"
#include "repository.hpp"
#include "similarity.hpp"

namespace mr::git {

namespace {

constexpr long long k_default_rename_limit = 1000;
constexpr int k_candidates_per_destination = 4;

// One side of a possible rename: a deleted path (source) or an added one (destination),
// with its blob read when first needed.
struct Side {
  std::string path;
  git_oid id{};
  unsigned mode = 0;
  bool paired = false;
  bool loaded = false;
  std::optional<std::uint64_t> size;
  std::optional<SimilaritySignature> signature;
  BlobPtr blob;
};

bool is_regular(unsigned mode) {
  return (mode & 0170000) == 0100000;
}

std::string_view basename_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool same_basename(const Side& a, const Side& b) {
  return basename_of(a.path) == basename_of(b.path);
}

class Pairing {
public:
  Pairing(git_repository* repo, std::vector<Side> sources, std::vector<Side> dests)
      : m_repo(repo), m_src(std::move(sources)), m_dst(std::move(dests)) {}

  StatusRenames run(long long limit) {
    exact();
    basenames();
    inexact(limit);
    return std::move(m_out);
  }

private:
  void record(Side& dst, Side& src) {
    dst.paired = src.paired = true;
    m_out.from[dst.path] = src.path;
    m_out.sources.insert(src.path);
  }

  // find_identical_files(): for each destination, the first unused source of the same
  // blob, one with the same basename before any other.
  void exact() {
    for (auto& dst : m_dst) {
      Side* best = nullptr;
      for (auto& src : m_src) {
        if (src.paired || git_oid_equal(&src.id, &dst.id) == 0 ||
            ((!is_regular(src.mode) || !is_regular(dst.mode)) && src.mode != dst.mode)) {
          continue;
        }
        if (best == nullptr || (same_basename(src, dst) && !same_basename(*best, dst))) {
          best = &src;
        }
      }
      if (best != nullptr) {
        record(dst, *best);
      }
    }
  }

  // find_basename_matches(): basenames unique among the remaining sources and among the
  // remaining destinations, paired at git's minimum score raised halfway to 100%.
  void basenames() {
    const long long minimum = k_minimum_score + (k_max_score - k_minimum_score) / 2;
    for (auto& src : m_src) {
      if (src.paired || !unique(m_src, src.path)) {
        continue;
      }
      Side* dst = nullptr;
      for (auto& d : m_dst) {
        if (!d.paired && basename_of(d.path) == basename_of(src.path)) {
          dst = dst == nullptr ? &d : nullptr;
          if (dst == nullptr) {
            break; // not unique
          }
        }
      }
      if (dst != nullptr && score(src, *dst, minimum) >= minimum) {
        record(*dst, src);
      }
    }
  }

  bool unique(const std::vector<Side>& sides, std::string_view path) const {
    const auto base = basename_of(path);
    return std::count_if(sides.begin(), sides.end(), [&](const Side& s) {
             return !s.paired && basename_of(s.path) == base;
           }) == 1;
  }

  struct Score {
    long long score = 0;
    int name_score = 0;
    int dst = -1;
    int src = -1;
  };

  // score_compare(): negative when `a` goes first (better), unused slots last.
  static int compare(const Score& a, const Score& b) {
    if (a.dst < 0) {
      return b.dst >= 0 ? 1 : 0;
    }
    if (b.dst < 0) {
      return -1;
    }
    if (a.score == b.score) {
      return b.name_score - a.name_score;
    }
    return b.score > a.score ? 1 : -1;
  }

  // The matrix of the remaining pairs, each destination's four best, then the best of all
  // first (a stable sort: equal pairs stay in destination, then source, order).
  void inexact(long long limit) {
    std::vector<int> srcs;
    for (int j = 0; j < static_cast<int>(m_src.size()); ++j) {
      if (!m_src[static_cast<std::size_t>(j)].paired) {
        srcs.push_back(j);
      }
    }
    const auto dst_left = static_cast<long long>(
        std::count_if(m_dst.begin(), m_dst.end(), [](const Side& d) { return !d.paired; }));
    const auto src_left = static_cast<long long>(srcs.size());
    if (dst_left == 0 || src_left == 0 || (limit > 0 && dst_left * src_left > limit * limit)) {
      return;
    }
    std::vector<Score> matrix;
    for (int i = 0; i < static_cast<int>(m_dst.size()); ++i) {
      Side& dst = m_dst[static_cast<std::size_t>(i)];
      if (dst.paired) {
        continue;
      }
      std::array<Score, k_candidates_per_destination> best{};
      for (const int j : srcs) {
        Side& src = m_src[static_cast<std::size_t>(j)];
        const Score s{score(src, dst, k_minimum_score), same_basename(src, dst) ? 1 : 0, i, j};
        auto worst = best.begin();
        for (auto it = best.begin() + 1; it != best.end(); ++it) {
          if (compare(*it, *worst) > 0) {
            worst = it;
          }
        }
        if (compare(*worst, s) > 0) {
          *worst = s;
        }
      }
      matrix.insert(matrix.end(), best.begin(), best.end());
    }
    std::stable_sort(matrix.begin(), matrix.end(),
                     [](const Score& a, const Score& b) { return compare(a, b) < 0; });
    for (const auto& s : matrix) {
      if (s.dst < 0 || s.score < k_minimum_score) {
        break;
      }
      Side& dst = m_dst[static_cast<std::size_t>(s.dst)];
      Side& src = m_src[static_cast<std::size_t>(s.src)];
      if (!dst.paired && !src.paired) {
        record(dst, src);
      }
    }
  }

  // estimate_similarity() at `minimum` (which also decides which sizes are too far apart).
  long long score(Side& src, Side& dst, long long minimum) {
    if (!is_regular(src.mode) || !is_regular(dst.mode) || !load(src) || !load(dst) ||
        !sizes_may_match(*src.size, *dst.size, minimum)) {
      return 0;
    }
    return similarity_score(signature(src), signature(dst), minimum);
  }

  bool load(Side& side) {
    if (!side.loaded) {
      side.loaded = true;
      git_blob* raw = nullptr;
      if (git_blob_lookup(&raw, m_repo, &side.id) == 0) {
        side.blob.reset(raw);
        side.size = git_blob_rawsize(raw);
      } else {
        git_error_clear();
      }
    }
    return side.size.has_value();
  }

  const SimilaritySignature& signature(Side& side) {
    if (!side.signature) {
      side.signature = similarity_signature(
          static_cast<const char*>(git_blob_rawcontent(side.blob.get())), *side.size, true);
    }
    return *side.signature;
  }

  git_repository* m_repo;
  std::vector<Side> m_src;
  std::vector<Side> m_dst;
  StatusRenames m_out;
};

Side side_of(const git_diff_file& file) {
  Side side;
  side.path = file.path;
  side.id = file.id;
  side.mode = file.mode;
  return side;
}

bool intent_to_add(git_index* index, const char* path) {
  const git_index_entry* e = index != nullptr ? git_index_get_bypath(index, path, 0) : nullptr;
  return e != nullptr && (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0;
}

} // namespace

bool status_renames_enabled(const Config& config) {
  return config.boolean("status.renames").value_or(config.boolean("diff.renames").value_or(true));
}

StatusRenames find_status_renames(git_repository* repo, git_status_list* list,
                                  const Config& config) {
  git_index* index_raw = nullptr;
  IndexPtr index(git_repository_index(&index_raw, repo) == 0 ? index_raw : nullptr);
  std::vector<Side> sources;
  std::vector<Side> dests;
  const std::size_t count = git_status_list_entrycount(list);
  for (std::size_t i = 0; i < count; ++i) {
    const git_status_entry* e = git_status_byindex(list, i);
    const git_diff_delta* d = e->head_to_index;
    if (d == nullptr || (e->status & GIT_STATUS_CONFLICTED) != 0) {
      continue;
    }
    if (d->status == GIT_DELTA_DELETED) {
      sources.push_back(side_of(d->old_file));
    } else if (d->status == GIT_DELTA_ADDED && !intent_to_add(index.get(), d->new_file.path)) {
      dests.push_back(side_of(d->new_file));
    }
  }
  if (sources.empty() || dests.empty()) {
    return {};
  }
  const auto by_path = [](const Side& a, const Side& b) { return a.path < b.path; };
  std::sort(sources.begin(), sources.end(), by_path);
  std::sort(dests.begin(), dests.end(), by_path);
  const long long limit =
      config.integer("status.renamelimit")
          .value_or(config.integer("diff.renamelimit").value_or(k_default_rename_limit));
  return Pairing(repo, std::move(sources), std::move(dests)).run(limit);
}

} // namespace mr::git
