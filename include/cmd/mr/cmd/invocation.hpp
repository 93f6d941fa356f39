// What the command line asked for, parsed and validated by cli/, executed by cmd/.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <mr/render/color.hpp>

namespace mr::cmd {

enum class OutputOrder { registry, completion };

// The global options (README, "Command line"). Values are already validated.
struct GlobalOptions {
  std::optional<std::filesystem::path> directory;         // -d
  std::optional<std::filesystem::path> config;            // -c
  std::optional<unsigned> jobs;                           // -j N; 0 means bare -j (CPUs x 4)
  bool quiet = false;                                     // -q
  bool minimal = false;                                   // -m
  bool stats = false;                                     // -s
  std::optional<std::size_t> max_depth;                   // -n [N]
  bool force = false;                                     // -f
  bool trust_all = false;                                 // -t
  std::vector<std::string> tags;                          // -g (repeatable)
  OutputOrder order = OutputOrder::registry;              // --order
  bool verbose = false;                                   // -v
  std::optional<std::chrono::milliseconds> timeout;       // --timeout
  bool fail_fast = false;                                 // --fail-fast
  render::ColorWhen color = render::ColorWhen::automatic; // --color
  bool json = false;                                      // --json
  bool force_env = false;   // --force-env: run although GIT_DIR & co. are set
  bool interactive = false; // -i: a shell in each repository that fails (only at -j1)
};

struct Invocation {
  GlobalOptions options;
  std::string action;                // as typed: may be an alias or a unique prefix
  std::vector<std::string> args;     // everything after the action
  std::vector<std::string> switches; // the option words before the action, as typed
  std::stop_token interrupt;         // fires on Ctrl-C / SIGTERM / SIGHUP: cancel, exit 130
  // --complete (hidden): `action` is the query and `args` its word (cmd/complete.hpp).
  bool complete = false;
};

// Runs the invocation and returns the process exit status (0, 1, 2 or 130).
int run(const Invocation& invocation);

} // namespace mr::cmd
