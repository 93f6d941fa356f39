// Private to src/git: git's rename similarity (diffcore-rename.c estimate_similarity() over
// diffcore-delta.c's span hashes), as a libgit2 similarity metric, so renames pair up and
// print "similarity index N%" as git's do. libgit2's own metric scores differently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include <git2.h>

namespace mr::git {

// git's scores run from 0 to MAX_SCORE; 50% is the default minimum for a rename.
inline constexpr long long k_max_score = 60000;
inline constexpr long long k_minimum_score = 30000;

// What git compares of one file (diffcore-delta.c): its size and its spans' hashes.
struct SimilaritySignature {
  std::map<std::uint32_t, std::uint64_t> spans; // hash -> bytes
  std::uint64_t size = 0;
  bool regular = true;
};

SimilaritySignature similarity_signature(const char* data, std::size_t size, bool regular);

// estimate_similarity()'s first test: whether files of these sizes can reach
// `minimum_score` at all (git does not score pairs whose sizes differ too much).
bool sizes_may_match(std::uint64_t a, std::uint64_t b, long long minimum_score);

// estimate_similarity(): 0..k_max_score, 0 when the sizes rule the pair out.
long long similarity_score(const SimilaritySignature& src, const SimilaritySignature& dst,
                           long long minimum_score);

// A metric for git_diff_find_options::metric; valid for the process's lifetime.
git_diff_similarity_metric* git_similarity_metric();

} // namespace mr::git
