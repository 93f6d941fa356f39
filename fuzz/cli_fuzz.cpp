// Fuzz target: the command line: argv pre-processing (cli::split_args) and the CLI11
// set-up and validation behind it (cli::parse), which decide what to run without running
// anything, printing or exiting.
//
// Input: the words after argv[0], separated by NUL bytes ("-j\0-d\0src\0status").
//
// Besides crashes and sanitizer reports (an exception escaping the parser is a crash),
// the split must account for every word, and what the parser accepts must be valid.
#include <algorithm>

#include <mr/cli/argv.hpp>
#include <mr/cli/cli.hpp>

#include "support/fuzz_support.hpp"

namespace {

using mr::fuzz::require;

std::vector<std::string> words_of(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> words;
  if (size == 0) {
    return words;
  }
  for (const auto part : mr::fuzz::split(data, size, '\0', size + 1)) {
    words.emplace_back(part);
  }
  return words;
}

// The switches as typed, then the action and its arguments, are the words given.
void check_split(const std::vector<std::string>& args, const mr::cli::SplitArgs& split) {
  std::vector<std::string> joined = split.switches;
  joined.insert(joined.end(), split.rest.begin(), split.rest.end());
  require(joined == args, "split_args keeps every word, in order");
  require(split.options.size() <= split.switches.size(),
          "split_args rewrites option words one for one (only '--' is dropped)");
  require(split.rest.empty() || split.rest.front().size() < 2 || split.rest.front()[0] != '-' ||
              (!split.switches.empty() && split.switches.back() == "--"),
          "the action is not an option word, unless after '--'");
}

// A usage error quotes the word it refuses, as typed: it is one line unless that word
// has a line break.
bool has_line_break(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(),
                     [](const auto& a) { return a.find('\n') != std::string::npos; });
}

void check_parsed(const std::vector<std::string>& args, const mr::cli::SplitArgs& split,
                  const mr::cli::ParsedCommandLine& parsed) {
  using Outcome = mr::cli::ParsedCommandLine::Outcome;
  if (parsed.outcome != Outcome::run) {
    require(!parsed.text.empty(), "help, version and usage errors have text");
    if (parsed.outcome == Outcome::usage_error && !has_line_break(args)) {
      require(parsed.text.find('\n') == std::string::npos, "a usage error is one line");
    }
    return;
  }
  const auto& inv = parsed.invocation;
  require(!split.rest.empty() && inv.action == split.rest.front(), "the action is the first word");
  require(inv.args.size() + 1 == split.rest.size(), "every word after the action is an argument");
  require(inv.switches == split.switches, "MR_SWITCHES are the option words as typed");
  const auto& o = inv.options;
  require(!o.jobs || *o.jobs <= 4096, "-j is at most 4096");
  require(!o.timeout || o.timeout->count() > 0, "--timeout is positive");
  require(!o.directory || !o.directory->empty(), "-d names a directory");
  require(!o.config || !o.config->empty(), "-c names a file");
  for (const auto& tag : o.tags) {
    require(!tag.empty(), "-g names a tag");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto args = words_of(data, size);
  const auto split = mr::cli::split_args(args);
  check_split(args, split);
  const auto parsed = mr::cli::parse(args);
  check_parsed(args, split, parsed);
  return 0;
}
