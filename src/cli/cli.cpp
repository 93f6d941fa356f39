#include <csignal>
#include <cstdlib>
#include <exception>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <mr/cli/argv.hpp>
#include <mr/cli/cli.hpp>
#include <mr/cli/signals.hpp>
#include <mr/cmd/command_table.hpp>
#include <mr/cmd/exit.hpp>
#include <mr/cmd/invocation.hpp>
#include <mr/git/library.hpp>
#include <mr/proc/process.hpp>
#include <mr/render/renderer.hpp>
#include <mr/util/duration.hpp>
#include <mr/util/result.hpp>
#include <mr/util/strings.hpp>

namespace mr::cli {

namespace {

constexpr unsigned long k_max_jobs = 4096;

class Formatter : public CLI::Formatter {
public:
  std::string make_usage(const CLI::App*, std::string) const override {
    return "Usage: mr [OPTIONS] ACTION [ARGS...]\n";
  }
};

std::string actions_footer() {
  std::string text = "Actions (any unique prefix works; co = checkout, ci = commit, ls = list):\n";
  for (const auto& c : cmd::builtin_commands()) {
    std::string name(c.name);
    if (!c.synopsis.empty()) {
      name += " " + std::string(c.synopsis);
    }
    // A long synopsis gets the summary on a line of its own, in the same column.
    text += "  " + name +
            (name.size() < 22 ? std::string(22 - name.size(), ' ') : "\n" + std::string(24, ' ')) +
            std::string(c.summary) + "\n";
  }
  text += "\nOptions go before the action; everything after it belongs to the action.\n"
          "Exit status: 0 nothing failed, 1 a repository failed, 2 usage or registry error,\n"
          "130 interrupted. See mr(1) and mrconfig.toml(5).\n";
  return text;
}

std::string version_text() {
  return "mr " MR_VERSION " (libgit2 " + git::version() + ")";
}

struct RawOptions {
  std::string directory, config, jobs, no_recurse, order, timeout, color;
  std::vector<std::string> tags;
  bool quiet = false, minimal = false, stats = false, force = false, trust_all = false,
       verbose = false, fail_fast = false, json = false, force_env = false, interactive = false,
       path = false, complete = false;
};

// As myrepos (Getopt::Long), a repeated option takes its last value: `alias mr='mr -j4'`
// then `mr -j1 status` runs one at a time. -g alone accumulates.
CLI::Option* last_wins(CLI::Option* option) {
  return option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

void define_options(CLI::App& app, RawOptions& raw) {
  app.formatter(std::make_shared<Formatter>());
  app.set_help_flag("-h,--help", "Print this help and exit");
  app.set_version_flag("--version", version_text(), "Print the version and exit");
  app.allow_extras(true);
  last_wins(app.add_option("-d,--directory", raw.directory,
                           "Act on the repos at or below DIR (default: .)"))
      ->option_text("DIR");
  last_wins(app.add_option("-c,--config", raw.config, "Use FILE as the registry"))
      ->option_text("FILE");
  last_wins(
      app.add_option("-j,--jobs", raw.jobs,
                     "Run N repos at once; bare -j: CPUs x 4 (default: settings.jobs, else CPUs)"))
      ->option_text("[N]");
  app.add_flag("-q,--quiet", raw.quiet, "Print only failing repos, their output on stderr");
  app.add_flag("-m,--minimal", raw.minimal, "Print only repos that produced output or failed");
  app.add_flag("-s,--stats", raw.stats, "After the footer, list failed and skipped repos");
  last_wins(app.add_option("-n,--no-recurse", raw.no_recurse,
                           "Only repos at most N levels below DIR (bare -n: 0)"))
      ->option_text("[N]");
  app.add_flag("-f,--force", raw.force, "Ignore `skip`");
  app.add_flag("-t,--trust-all", raw.trust_all, "Trust every registry file");
  app.add_option("-g,--tag", raw.tags, "Only repos tagged TAG (repeatable: any of them)")
      ->option_text("TAG")
      ->allow_extra_args(false);
  last_wins(app.add_option("--order", raw.order,
                           "Print blocks in registry (default) or completion order"))
      ->option_text("WHEN");
  app.add_flag("-v,--verbose", raw.verbose, "Diagnostics on stderr (also MR_LOG=debug)");
  last_wins(app.add_option("--timeout", raw.timeout, "Per-repo time limit, e.g. 30s, 5m"))
      ->option_text("DURATION");
  app.add_flag("--fail-fast", raw.fail_fast, "The first failing repo cancels the rest");
  last_wins(app.add_option("--color", raw.color, "auto (default), always or never"))
      ->option_text("WHEN");
  app.add_flag("--json", raw.json, "Machine-readable output (NDJSON), where supported");
  app.add_flag("-i,--interactive", raw.interactive,
               "On a failure, a shell in that repo, then go on (one at a time: -j1)");
  app.add_flag("--force-env", raw.force_env, "Run although GIT_DIR or the like is set");
  app.add_flag("-p,--path", raw.path,
               "Ignored (myrepos' old option; its behaviour is the default)");
  // The shell completions' query (cmd/complete.hpp): not for people, so not in the help.
  app.add_flag("--complete", raw.complete, "")->group("");
  app.footer(actions_footer());
}

bool is_flag(const CLI::Option* option) {
  return option->get_expected_max() == 0;
}

// What CLI11 would otherwise word in its own way ("--directory: 1 required TEXT missing",
// "Could not convert: --json = 1"): an option without its value, a flag given one. Words
// CLI11 does not know are left to it (they end up in remaining()).
Result<void> check_option_words(const CLI::App& app, const std::vector<std::string>& words) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word.starts_with("--")) {
      const auto eq = word.find('=');
      const std::string name = word.substr(0, eq);
      const CLI::Option* option = name.size() > 2 ? app.get_option_no_throw(name) : nullptr;
      if (option == nullptr) {
        continue;
      }
      if (is_flag(option) && eq != std::string::npos) {
        return fail("option " + name + " takes no value");
      }
      const bool value_missing =
          eq == std::string::npos ? i + 1 == words.size() : eq + 1 == word.size();
      if (!is_flag(option) && value_missing) {
        return fail("option " + name + " needs a value");
      }
      if (!is_flag(option) && eq == std::string::npos) {
        ++i;
      }
      continue;
    }
    // A bundle of short flags, possibly ending in one option with its value.
    for (std::size_t k = 1; k < word.size(); ++k) {
      const CLI::Option* option = app.get_option_no_throw(std::string{'-', word[k]});
      if (option == nullptr || is_flag(option)) {
        continue;
      }
      if (k + 1 == word.size()) {
        if (i + 1 == words.size()) {
          return fail(std::string("option -") + word[k] + " needs a value");
        }
        ++i;
      }
      break;
    }
  }
  return {};
}

// The options that take a number or a duration: -j, -n, --timeout.
Result<void> validate_numbers(const CLI::App& app, const RawOptions& raw, cmd::GlobalOptions& o) {
  if (app.count("--jobs") > 0) {
    unsigned long n = 0;
    if (!util::parse_unsigned(raw.jobs, n) || n > k_max_jobs) {
      return fail("option -j expects a number of jobs from 0 to 4096, not '" + raw.jobs + "'");
    }
    o.jobs = static_cast<unsigned>(n);
  }
  if (app.count("--no-recurse") > 0) {
    unsigned long n = 0;
    if (!util::parse_unsigned(raw.no_recurse, n)) {
      return fail("option -n expects a depth (0 or more), not '" + raw.no_recurse + "'");
    }
    o.max_depth = n;
  }
  if (app.count("--timeout") > 0) {
    const auto d = util::parse_duration(raw.timeout);
    if (!d || d->count() <= 0) {
      return fail("option --timeout expects a duration such as 30s, 5m or 1h30m, not '" +
                  raw.timeout + "'");
    }
    if (*d > util::k_max_duration) {
      return fail("option --timeout may be at most " + util::format_duration(util::k_max_duration) +
                  " (a year), not '" + raw.timeout + "'");
    }
    o.timeout = d;
  }
  return {};
}

// The options that take one of a few words: --order, --color.
Result<void> validate_choices(const CLI::App& app, const RawOptions& raw, cmd::GlobalOptions& o) {
  if (app.count("--order") > 0) {
    if (raw.order == "registry") {
      o.order = cmd::OutputOrder::registry;
    } else if (raw.order == "completion") {
      o.order = cmd::OutputOrder::completion;
    } else {
      return fail("option --order expects 'registry' or 'completion', not '" + raw.order + "'");
    }
  }
  if (app.count("--color") > 0) {
    if (raw.color == "auto") {
      o.color = render::ColorWhen::automatic;
    } else if (raw.color == "always") {
      o.color = render::ColorWhen::always;
    } else if (raw.color == "never") {
      o.color = render::ColorWhen::never;
    } else {
      return fail("option --color expects 'auto', 'always' or 'never', not '" + raw.color + "'");
    }
  }
  return {};
}

// Checks every value and builds the options cmd/ works with; a bad one is a usage error.
Result<cmd::GlobalOptions> validate(const CLI::App& app, const RawOptions& raw) {
  cmd::GlobalOptions o;
  if (app.count("--directory") > 0) {
    if (raw.directory.empty()) {
      return fail("option -d needs a directory");
    }
    o.directory = raw.directory;
  }
  if (app.count("--config") > 0) {
    if (raw.config.empty()) {
      return fail("option -c needs a file");
    }
    o.config = raw.config;
  }
  MR_TRY(validate_numbers(app, raw, o));
  MR_TRY(validate_choices(app, raw, o));
  for (const auto& tag : raw.tags) {
    if (tag.empty()) {
      return fail("option -g needs a tag");
    }
  }
  o.tags = raw.tags;
  o.quiet = raw.quiet;
  o.minimal = raw.minimal;
  o.stats = raw.stats;
  o.force = raw.force;
  o.trust_all = raw.trust_all;
  o.verbose = raw.verbose;
  o.fail_fast = raw.fail_fast;
  o.json = raw.json;
  o.force_env = raw.force_env;
  o.interactive = raw.interactive;
  if (o.interactive && o.jobs && *o.jobs != 1) {
    return fail("option -i needs -j1: a shell cannot share the terminal with other repositories");
  }
  return o;
}

// `silent`: the completions' query, whose stderr would land in the shell's prompt.
void setup_logging(bool verbose, bool silent) {
  auto logger = spdlog::stderr_logger_mt("mr");
  logger->set_pattern("mr: %l: %v");
  auto level = spdlog::level::warn;
  if (silent) {
    level = spdlog::level::off;
  } else if (const char* env = std::getenv("MR_LOG"); env != nullptr && *env != '\0') {
    level = spdlog::level::from_str(env);
  }
  if (verbose && !silent && level > spdlog::level::debug) {
    level = spdlog::level::debug;
  }
  logger->set_level(level);
  spdlog::set_default_logger(std::move(logger));
}

} // namespace

ParsedCommandLine parse(const std::vector<std::string>& args) {
  using Outcome = ParsedCommandLine::Outcome;
  ParsedCommandLine parsed;
  auto split = split_args(args);
  CLI::App app("mr: manage many git repositories at once", "mr");
  RawOptions raw;
  define_options(app, raw);
  const auto usage_error = [&](const std::string& what) {
    parsed.outcome = Outcome::usage_error;
    parsed.text = cmd::usage_text(what, cmd::k_usage);
    return parsed;
  };
  if (auto words = check_option_words(app, split.options); !words) {
    return usage_error(words.error().message);
  }
  try {
    std::vector<std::string> reversed(split.options.rbegin(), split.options.rend());
    app.parse(reversed);
    if (!app.remaining().empty()) {
      return usage_error("unknown option '" + app.remaining().front() + "'");
    }
    auto options = validate(app, raw);
    if (!options) {
      return usage_error(options.error().message);
    }
    parsed.invocation.options = std::move(*options);
    parsed.invocation.complete = raw.complete;
    if (split.rest.empty()) {
      return usage_error(raw.complete ? "--complete needs a query" : "no action given");
    }
  } catch (const CLI::CallForHelp&) {
    parsed.outcome = Outcome::help;
    parsed.text = app.help();
    return parsed;
  } catch (const CLI::CallForVersion&) {
    parsed.outcome = Outcome::version;
    parsed.text = version_text() + "\n";
    return parsed;
  } catch (const CLI::ParseError&) {
    // check_option_words() catches what is known to reach here; CLI11's own wording is
    // never shown (it speaks of TEXT, "At Most 1 required" and the like).
    return usage_error("cannot make sense of the options '" + util::join(split.switches, " ") +
                       "'");
  }
  // `mr help` and `mr help help`: help itself is no action, its help is the general one.
  if (!raw.complete && split.rest.front() == "help" &&
      (split.rest.size() == 1 || (split.rest.size() == 2 && split.rest[1] == "help"))) {
    parsed.outcome = Outcome::help;
    parsed.text = app.help();
    return parsed;
  }
  parsed.outcome = Outcome::run;
  parsed.invocation.action = split.rest.front();
  parsed.invocation.args.assign(split.rest.begin() + 1, split.rest.end());
  parsed.invocation.switches = std::move(split.switches);
  return parsed;
}

namespace {

int run_invocation(int argc, char** argv, const SignalGuard& signals, bool err_color) {
  auto parsed = parse(std::vector<std::string>(argv + 1, argv + argc));
  switch (parsed.outcome) {
  case ParsedCommandLine::Outcome::help:
  case ParsedCommandLine::Outcome::version:
    render::print_text(parsed.text);
    return cmd::k_exit_ok;
  case ParsedCommandLine::Outcome::usage_error:
    return cmd::exit_error(parsed.text, err_color);
  case ParsedCommandLine::Outcome::run:
    break;
  }
  setup_logging(parsed.invocation.options.verbose, parsed.invocation.complete);
  parsed.invocation.interrupt = signals.token();
  return cmd::run(parsed.invocation);
}

} // namespace

int run(int argc, char** argv) {
  // Before any thread exists (see signals.hpp).
  SignalGuard signals;
  // A bug that ends mr at once still takes its children's process groups with it.
  std::set_terminate([] {
    proc::kill_all_now();
    std::abort();
  });
  const bool err_color = render::use_color(render::ColorWhen::automatic, STDERR_FILENO);
  try {
    const int status = run_invocation(argc, argv, signals, err_color);
    render::finish_stdout(); // what is still buffered must reach its file too
    return status;
  } catch (const render::OutputClosed&) {
    SignalGuard::die_of_sigpipe(); // `mr status | head`: end quietly, as git does
  } catch (const render::OutputError& e) {
    // A full disk: the output is incomplete, so say so and fail (the work was stopped).
    proc::signal_all(SIGKILL);
    render::print_error(e.what(), err_color);
    return cmd::k_exit_failed;
  }
}

} // namespace mr::cli
