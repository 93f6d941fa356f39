// libgit2's process-wide state. main() owns a Library guard; the command layer calls
// initialise() before starting any thread, and only for actions that use git, because
// libgit2 1.5's initialisation parses the whole CA bundle (about 4 ms), which `mr list`
// and `mr run` should not pay. Global options are set there too, while no thread can race
// them: libgit2 documents git_libgit2_opts() as not thread-safe.
#pragma once

#include <string>

#include <mr/util/result.hpp>

namespace mr::git {

class Library {
public:
  Library() = default;
  ~Library(); // shuts libgit2 down if initialise() ran
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

// Idempotent. Must be called before the first thread that uses libgit2 starts. Fails,
// saying what to do, when the libgit2 loaded at run time is not the major.minor version mr
// was compiled against (mr relies on a private structure of that version).
Result<void> initialise();

// "1.5.1": the version of the libgit2 loaded at run time, for --version.
std::string version();

} // namespace mr::git
