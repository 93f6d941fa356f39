// Private to src/git: the repository's configuration for the text of `mr status`, as git
// status -s and git log read it: core.quotePath, status.relativePaths, status.branch, and
// the colour settings and slots (color.ui, color.status, color.diff, color.status.*,
// color.diff.commit, color.decorate.*). A colour value git would reject keeps git's
// default here (git itself would fail).
#pragma once

#include <mr/git/status.hpp>

#include "repository.hpp"

namespace mr::git {

void read_status_settings(const Config& config, RepoStatus& st);

// git status's untracked files mode: the request's (-u), else status.showUntrackedFiles.
Untracked untracked_mode(const Config& config, const std::optional<Untracked>& requested);

} // namespace mr::git
