// Private to src/cmd: the arguments a built-in hands to the git binary. myrepos runs git
// with whatever follows the action; mr does the common cases in process and passes any
// other option of the same git command to git, as myrepos' definition of the action does.
// Whether an argument is such an option is decided once, before any repository runs: the
// installed git lists its long options (`git CMD --git-completion-helper-all`), and each
// action's table gives the short ones, which git lists nowhere a program can read.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::cmd {

// How git CMD takes its options, besides the long ones git lists.
struct GitSyntax {
  std::string_view action = {};         // mr's name: "update"
  std::string_view command = {};        // git's: "pull"
  std::string_view usage = {};          // mr's usage line, for the error
  std::string_view flags = {};          // short options without a value: "vsbz"
  std::string_view optional_value = {}; // short options with an optional attached value: "uM"
  std::string_view required_value = {}; // short options with a value, attached or next: "jo"
  // Long options git does not list (git diff's own --cached, --no-index, ...).
  std::span<const std::string_view> more_long = {};
};

// git CMD's long options as the installed git lists them: "stat", "stat-width=" (takes a
// value), "no-stat". Runs git once, in a throwaway repository it makes, so that no
// repository of the user's is read and git's discovery plays no part.
Result<std::vector<std::string>> git_long_options(std::string_view command);

// Checks every argument as git's option parser would: long options by exact name or
// unique prefix (negated with --no-, with =VALUE or the next word for those taking one),
// bundles of short ones (-sb, -uno, -U5), and after "--" or not starting with '-' the
// words git takes (paths, revisions, remotes). The error is a usage error naming the first
// argument that is not git's, and mr's action.
Result<void> check_git_options(const GitSyntax& syntax,
                               const std::vector<std::string>& long_options,
                               const std::vector<std::string>& args);

// git_long_options() then check_git_options().
Result<void> check_git_arguments(const GitSyntax& syntax, const std::vector<std::string>& args);

} // namespace mr::cmd
