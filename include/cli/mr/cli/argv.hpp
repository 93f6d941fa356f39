// Pre-processing of argv for CLI11, which has no options with an optional value. myrepos'
// -j [N] and -n [N] take a number only when the next word is one ("mr -j status" runs
// status with bare -j), so a bare -j / -n / --jobs / --no-recurse is rewritten to its
// explicit form with the value 0, which means the same thing. Also finds the action: the
// first word that is not an option or an option's value.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mr::cli {

struct SplitArgs {
  std::vector<std::string> options;  // rewritten option words, for CLI11 (without argv[0])
  std::vector<std::string> switches; // the same words as typed (MR_SWITCHES)
  std::vector<std::string> rest;     // the action and its arguments, untouched
};

SplitArgs split_args(const std::vector<std::string>& args);

} // namespace mr::cli
