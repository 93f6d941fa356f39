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
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(std::string message) {
  return tl::unexpected<Error>(Error{std::move(message)});
}

} // namespace mr
