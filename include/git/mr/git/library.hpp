// libgit2's process-wide state. main() owns a Library guard; the command layer calls
// initialise() before starting any thread, and only for actions that use git, because
// libgit2 1.5's initialisation parses the whole CA bundle (about 4 ms), which `mr list`
// and `mr run` should not pay. Global options are set there too, while no thread can race
// them (libgit2 docs/threading.md).
#pragma once

namespace mr::git {

class Library {
public:
  Library() = default;
  ~Library(); // shuts libgit2 down if initialise() ran
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

// Idempotent. Must be called before the first thread that uses libgit2 starts.
void initialise();

// "1.5.1": the runtime version, for --version.
const char* version();

} // namespace mr::git
