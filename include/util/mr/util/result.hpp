// Result<T>: the return type of every operation that can fail for reasons outside our
// control (bad input, missing files, a broken repository). Bugs are exceptions instead.
//
// Propagation is spelled with two macros, so that each call site is one line:
//   MR_TRY(write_note(gitdir, note));            // a failure returns its error
//   MR_TRY_VAR(index, IndexFile::read(path));    // declares `index` (a Result), then *index
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace mr {

// Why an operation did not complete: it failed, or it was stopped (Ctrl-C, --timeout, a
// closed stdout) and says so without a message of its own.
enum class ErrorKind { failure, cancelled };

// One complete, single-line message, ready to be printed after "mr: error: ". It names the
// file (and line and column) or the repository involved, and what the user can do.
struct Error {
  std::string message;
  // What the operation had already printed when it failed (a fetch's lines before the
  // fast-forward was refused), shown above the message.
  std::string output = {};
  ErrorKind kind = ErrorKind::failure;

  bool cancelled() const { return kind == ErrorKind::cancelled; }
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(std::string message, std::string output = {}) {
  return tl::unexpected<Error>(Error{std::move(message), std::move(output)});
}

// The operation was stopped; `output` is what it had printed by then.
inline tl::unexpected<Error> cancelled(std::string output = {}) {
  return tl::unexpected<Error>(Error{"cancelled", std::move(output), ErrorKind::cancelled});
}

} // namespace mr

// Evaluates EXPR, a Result; if it failed, returns its error from the enclosing function
// (which returns a Result of any type).
#define MR_TRY(EXPR)                                                                               \
  do {                                                                                             \
    if (auto mr_try_result_ = (EXPR); !mr_try_result_) {                                           \
      return ::tl::unexpected<::mr::Error>(std::move(mr_try_result_).error());                     \
    }                                                                                              \
  } while (false)

// Declares NAME = EXPR, a Result; if it failed, returns its error from the enclosing
// function. NAME stays the Result: use *NAME or NAME-> for the value.
#define MR_TRY_VAR(NAME, EXPR)                                                                     \
  auto NAME = (EXPR);                                                                              \
  if (!NAME) {                                                                                     \
    return ::tl::unexpected<::mr::Error>(std::move(NAME).error());                                 \
  }                                                                                                \
  static_assert(true, "MR_TRY_VAR is a statement: end it with ';'")
