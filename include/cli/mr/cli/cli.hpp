// The command-line front end: parses mr's global options with CLI11, validates them,
// sets up diagnostics, and hands an Invocation to cmd::run.
#pragma once

#include <string>
#include <vector>

#include <mr/cmd/invocation.hpp>

namespace mr::cli {

int run(int argc, char** argv);

// What the words after argv[0] ask for, decided without running, printing or exiting:
// the first half of run(), kept separate so that it can be tested and fuzzed on its own.
struct ParsedCommandLine {
  enum class Outcome { run, help, version, usage_error };
  Outcome outcome = Outcome::usage_error;
  cmd::Invocation invocation; // Outcome::run: all but the interrupt token
  std::string text;           // the help or version text, or the usage error line
};

ParsedCommandLine parse(const std::vector<std::string>& args);

} // namespace mr::cli
