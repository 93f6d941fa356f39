// `git diff [--cached] [REV] [--stat] [-- PATHS]` for one repository, in process: the
// same bytes git prints (patch or stat), in git's colours when asked. Where libgit2 1.5
// cannot produce what git would (the combined diff of unmerged paths, the histogram and
// patience algorithms, external diff drivers), the git binary is asked instead, so the
// output is still git's.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::git {

struct DiffArgs {
  bool cached = false;
  bool stat = false;
  std::vector<std::string> words; // before "--": a revision, or paths
  std::vector<std::string> paths; // after "--"
  std::vector<std::string> raw;   // as given, for the git fallback
};

// The options mr diff understands; anything else is an error naming it.
Result<DiffArgs> parse_diff_args(const std::vector<std::string>& args);

struct DiffRequest {
  std::filesystem::path repo; // the work tree's top
  std::string prefix; // where mr runs inside it ("" or "sub/dir/"): paths are relative to it
  DiffArgs args;
  bool color = false;
  std::size_t stat_width = 80; // git's term_columns(): $COLUMNS, the terminal, else 80
};

struct DiffOutput {
  std::string text;
  std::size_t files = 0;
  std::size_t insertions = 0;
  std::size_t deletions = 0;
  bool used_git = false; // produced by the git binary (see above)
};

// `run_git` runs git with the given arguments in the repository and returns its output;
// the caller supplies it so this layer starts no processes itself.
using GitRunner = std::function<Result<std::string>(const std::vector<std::string>& args)>;

Result<DiffOutput> diff(const DiffRequest& request, const GitRunner& run_git,
                        const std::stop_token& stop);

} // namespace mr::git
