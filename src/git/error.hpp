// Private to src/git: libgit2's thread-local error, read on the thread that failed.
#pragma once

#include <string>

#include <git2.h>

namespace mr::git {

// git_error_last()'s message (or a generic one naming the code: some failures, such as an
// unborn branch, set none).
inline std::string last_error(int code) {
  const git_error* e = git_error_last();
  if (e != nullptr && e->message != nullptr && *e->message != '\0') {
    return e->message;
  }
  return "libgit2 error " + std::to_string(code);
}

// libgit2 sizes its read of the index by stat()ing the path before it opens the file, so an
// index that git replaces in between (a `git add` beside mr) is read torn: "invalid data in
// index - invalid entry", or "failed to read descriptor". git replaces the index whole, by
// rename, so another read gets one whole file; a damaged index fails every attempt. Calls
// `read` (a libgit2 call that reads the index, returning its code) up to three times while
// it fails that way.
template <class Read>
int read_index_retrying(const Read& read) {
  constexpr int k_attempts = 3;
  int rc = 0;
  for (int attempt = 1; attempt <= k_attempts; ++attempt) {
    rc = read();
    const git_error* e = rc == 0 ? nullptr : git_error_last();
    if (e == nullptr || (e->klass != GIT_ERROR_INDEX && e->klass != GIT_ERROR_OS)) {
      break;
    }
  }
  return rc;
}

} // namespace mr::git
