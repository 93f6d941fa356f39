// libgit2's process-wide state: initialised once in main(), before any thread exists,
// together with the global options that are unsafe to change later (libgit2 docs/threading.md).
#pragma once

namespace mr::git {

class Library {
public:
  Library();
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

// "1.5.1": the runtime version, for --version.
const char* version();

} // namespace mr::git
