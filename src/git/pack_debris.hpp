// Private to src/git: what a killed libgit2 fetch leaves in objects/pack.
//
// libgit2 receives a pack into objects/pack/pack_git2_XXXXXX and renames it when complete.
// A fetch killed mid-transfer (SIGKILL, a crash, a power cut) leaves that file behind, and
// git never removes it (git gc only cleans its own tmp_pack_* files). So before each fetch
// mr removes those whose writer is gone.
#pragma once

#include <filesystem>

namespace mr::git {

// Removes every objects/pack/pack_git2_* below `objects` (the repository's objects
// directory) that belongs to this user and that no process has open: the kernel grants a
// write lease only on a file nobody else has open, and a live writer (another mr, any
// libgit2 program) keeps its file open until it renames it. Where leases are not available
// (some network filesystems) a file untouched for a day counts as dead. Best effort: a
// failure leaves the file and is not an error.
void remove_dead_pack_temporaries(const std::filesystem::path& objects);

} // namespace mr::git
