// Result<T>: the return type of every operation that can fail for reasons outside our
// control (bad input, missing files, a broken repository). Bugs are exceptions instead.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace mr {

// One complete, single-line message, ready to be printed after "mr: error: ". It names the
// file (and line and column) or the repository involved, and what the user can do.
struct Error {
  std::string message;
  // What the operation had already printed when it failed (a fetch's lines before the
  // fast-forward was refused), shown above the message.
  std::string output = {};
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(std::string message, std::string output = {}) {
  return tl::unexpected<Error>(Error{std::move(message), std::move(output)});
}

} // namespace mr
