// Private to src/git: `git log --branches --not --remotes --simplify-by-decoration
// --decorate --oneline`, computed in process with git's own revision-walk rules, and the
// abbreviated object names git would print.
#pragma once

#include <string>
#include <vector>

#include <mr/git/status.hpp>

#include "handles.hpp"

namespace mr::git {

// The unpushed commits myrepos' status shows, in git's order, with git's decorations.
Result<std::vector<LogLine>> unpushed_log(git_repository* repo);

// The shortest unique abbreviation of `id` that is at least as long as git's default
// (core.abbrev, or "auto": 7, longer in repositories with many packed objects).
class Abbreviator {
public:
  explicit Abbreviator(git_repository* repo);
  std::string operator()(const git_oid& id);

private:
  git_repository* m_repo;
  int m_min_length = -1; // computed on first use
  OdbPtr m_odb;
};

// git's one-line subject of a commit message: its first paragraph, lines joined by
// spaces, trailing white space dropped.
std::string subject_of(const char* raw_message);

} // namespace mr::git
