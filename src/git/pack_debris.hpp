// Private to src/git: files a killed writer left behind, and telling them from files a
// live process is still writing.
//
// libgit2 receives a pack into objects/pack/pack_git2_XXXXXX and renames it when complete.
// A fetch killed mid-transfer (SIGKILL, a crash, a power cut) leaves that file behind, and
// git never removes it (git gc only cleans its own tmp_pack_* files). So before each fetch
// mr removes those whose writer is gone. The same test serves the ref locks of a killed
// fetch (ref_lock_note.hpp).
#pragma once

#include <filesystem>
#include <functional>
#include <sys/stat.h>

namespace mr::git {

enum class Debris {
  removed, // it was abandoned, and is gone
  in_use,  // a process has it open (or, without leases, it changed within the last day)
  kept,    // not a regular file of this user, not one `belongs` accepts, or not removable
};

// Removes `path` if it is a regular file of this user that `belongs` accepts and that no
// process has open: the kernel grants a write lease only on a file nobody else has open,
// and a live writer (another mr, git, any libgit2 program) keeps its file open until it
// renames it. Where leases are not available (some network filesystems) a file untouched
// for a day counts as abandoned. A symlink is never followed.
Debris remove_if_abandoned(const std::filesystem::path& path,
                           const std::function<bool(const struct statx&)>& belongs);

// Removes every objects/pack/pack_git2_* below `objects` (the repository's objects
// directory) that is abandoned as above. Best effort: a failure leaves the file and is
// not an error.
void remove_dead_pack_temporaries(const std::filesystem::path& objects);

} // namespace mr::git
