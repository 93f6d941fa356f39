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

} // namespace mr::git
