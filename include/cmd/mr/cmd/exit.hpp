// How mr ends when it cannot do the work it was asked for: the one place that words a
// usage error, prints "mr: error: ..." and chooses the exit status. The command line
// (cli/), dispatch (run.cpp) and the registry actions all end through here.
#pragma once

#include <stop_token>
#include <string>
#include <string_view>

#include <mr/util/result.hpp>

namespace mr::cmd {

// mr's exit statuses, all of them (README and mr(1) list them for scripts).
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;        // a repository failed, or output was lost
inline constexpr int k_exit_usage = 2;         // usage or registry error: nothing was run
inline constexpr int k_exit_interrupted = 130; // Ctrl-C, SIGTERM, SIGHUP

// The command line's own usage, named by every usage error that is not an action's.
inline constexpr std::string_view k_usage = "mr [OPTIONS] ACTION [ARGS...]; see mr --help";

// "WHAT (usage: USAGE)": how every usage error reads.
std::string usage_text(std::string_view what, std::string_view usage);

// Prints "mr: error: MESSAGE" on stderr and returns k_exit_usage. Once `interrupt` has
// been requested the run is an interrupted one instead: k_exit_interrupted (the message
// still printed: it says what was not done).
int exit_error(std::string_view message, bool color, const std::stop_token& interrupt = {});
// The same for an operation's error; one that says it was stopped (a registry load cut
// short by Ctrl-C) is an interrupted run with nothing more to print.
int exit_error(const Error& error, bool color, const std::stop_token& interrupt = {});

// The status of a run that went through its repositories: `failed` says whether one failed;
// an interrupted run is k_exit_interrupted whatever the repositories did.
int run_status(bool failed, const std::stop_token& interrupt);

} // namespace mr::cmd
