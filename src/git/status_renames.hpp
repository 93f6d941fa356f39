// Private to src/git: which staged deletions and additions `git status` shows as renames.
// libgit2 pairs them its own way (each addition takes its most similar deletion, greedily);
// git (diffcore-rename.c) pairs in three rounds, and the rounds decide which pair wins:
//  1. exact renames (same blob; among equal sources the one with the same basename);
//  2. a source and a destination whose basenames are each unique, at 75% similarity;
//  3. the rest, all pairs scored (no more than diff.renameLimit squared of them), best
//     scores first, the same basename first among equal scores, then path order.
// Pairs whose sizes differ too much to reach the round's minimum score are not scored.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

#include <git2.h>

namespace mr::git {

class Config;

struct StatusRenames {
  std::unordered_map<std::string, std::string> from; // destination -> its source
  std::unordered_set<std::string> sources;           // the deletions that became renames
};

// Whether git status looks for renames here: status.renames, else diff.renames, else on.
bool status_renames_enabled(const Config& config);

// The renames among the staged deletions and additions of `list` (a status list computed
// without libgit2's rename detection).
StatusRenames find_status_renames(git_repository* repo, git_status_list* list,
                                  const Config& config);

} // namespace mr::git
