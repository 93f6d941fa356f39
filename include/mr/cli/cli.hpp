// The command-line front end: parses SPEC §1's global options with CLI11, validates them,
// sets up diagnostics, and hands an Invocation to cmd::run.
#pragma once

namespace mr::cli {

int run(int argc, char** argv);

} // namespace mr::cli
