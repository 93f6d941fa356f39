// Private to src/git: git's diffstat, byte for byte. `git diff --stat` lines for mr diff,
// and `--stat --summary` between two trees as `git pull` prints it after a fast-forward
// ("file | 2 +-", "1 file changed, ...", " create mode 100644 x"); with the colours and
// path quoting the patch printer in diff.cpp shares.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <git2.h>

#include <mr/git/diff.hpp>

#include "git_text.hpp"

namespace mr::git {

class Config;

// Shared by diff.cpp and diffstat.cpp: git's colours, quoting and --stat.

inline constexpr std::string_view k_meta = "\033[1m";
inline constexpr std::string_view k_frag = "\033[36m";
inline constexpr std::string_view k_old = "\033[31m";
inline constexpr std::string_view k_new = "\033[32m";
inline constexpr std::string_view k_ws_error = "\033[41m";

// git's quote_c_style() without forced quoting of spaces (diffstat and headers).
std::string quote_c_style(const std::string& name, bool quote_high);

// One line of a diffstat.
struct StatFile {
  std::string path; // new path, to join the halves of a type change
  std::string name;
  std::size_t added = 0;
  std::size_t deleted = 0;
  bool binary = false;
};

// The files of `diff` as git's diffstat counts them; totals added to `out`.
std::vector<StatFile> collect_stat(git_diff* diff, bool quote_high, DiffOutput& out);

// git's show_stats() (diff.c) for the default options, `total_width` columns wide.
std::string format_stat(const std::vector<StatFile>& files, std::size_t total_width, bool color);

// Rename detection as git's diff.renames asks: on unless "false", "no" or "0"; copies too
// for "copies" when `copies` is allowed. libgit2's result code.
int find_renames(git_diff* diff, const Config& config, bool copies);

// git pull's `--stat --summary` after a fast-forward from `from` to `to`.
std::string diffstat_between(git_repository* repo, git_tree* from, git_tree* to, std::size_t width);

} // namespace mr::git
