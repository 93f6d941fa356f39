// git's --stat and --summary lines, for mr diff --stat and after mr update's fast-forward
// (see diffstat.hpp).
#include "diffstat.hpp"

#include <algorithm>
#include <cstdio>
#include <strings.h>

#include <mr/git/status.hpp>

#include "repository.hpp"
#include "similarity.hpp"

namespace mr::git {

std::string quote_c_style(const std::string& name, bool quote_high) {
  // git's quote_c_style() without forced quoting of spaces (diffstat and headers).
  if (std::none_of(name.begin(), name.end(), [&](char ch) {
        return must_quote(static_cast<unsigned char>(ch), quote_high);
      })) {
    return name;
  }
  // quote_path() with an empty prefix quotes spaces too; strip that rule by quoting a
  // name that has no spaces, piecewise, is not simpler: reuse it and accept that a name
  // needing quotes for another reason keeps its spaces inside the quotes (as git does).
  return quote_path(name, "", quote_high);
}

namespace {

// git's pprint_rename(): "pfx{old => new}sfx".
std::string rename_name(const std::string& a, const std::string& b, bool quote_high) {
  const std::string qa = quote_c_style(a, quote_high);
  const std::string qb = quote_c_style(b, quote_high);
  if (qa != a || qb != b) {
    return qa + " => " + qb;
  }
  std::size_t pfx = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size() && a[i] == b[i]; ++i) {
    if (a[i] == '/') {
      pfx = i + 1;
    }
  }
  std::size_t sfx = 0;
  {
    // Let the scan run one into the prefix to see its slash.
    long ia = static_cast<long>(a.size()) - 1;
    long ib = static_cast<long>(b.size()) - 1;
    const long adjust = pfx != 0 ? 1 : 0;
    while (ia >= static_cast<long>(pfx) - adjust && ib >= static_cast<long>(pfx) - adjust &&
           ia >= 0 && ib >= 0 &&
           a[static_cast<std::size_t>(ia)] == b[static_cast<std::size_t>(ib)]) {
      if (a[static_cast<std::size_t>(ia)] == '/') {
        sfx = a.size() - static_cast<std::size_t>(ia);
      }
      --ia;
      --ib;
    }
  }
  const long a_mid = std::max<long>(0, static_cast<long>(a.size() - pfx) - static_cast<long>(sfx));
  const long b_mid = std::max<long>(0, static_cast<long>(b.size() - pfx) - static_cast<long>(sfx));
  std::string out;
  if (pfx + sfx != 0) {
    out += a.substr(0, pfx) + "{";
  }
  out += a.substr(pfx, static_cast<std::size_t>(a_mid)) + " => " +
         b.substr(pfx, static_cast<std::size_t>(b_mid));
  if (pfx + sfx != 0) {
    out += "}" + a.substr(a.size() - sfx);
  }
  return out;
}

std::size_t decimal_width(std::size_t n) {
  std::size_t w = 1;
  while (n >= 10) {
    n /= 10;
    ++w;
  }
  return w;
}

int scale_linear(int it, int width, int max_change) {
  if (it == 0) {
    return 0;
  }
  return 1 + (it * (width - 1) / max_change);
}

// What git's show_stats() measures before it lays the columns out: the widest name, the
// largest change, and the room binary files' sizes need.
struct StatExtent {
  std::size_t max_len = 0;
  std::size_t max_change = 0;
  std::size_t bin_width = 0;
  std::size_t number_width = 0;
};

StatExtent measure_stat(const std::vector<StatFile>& files) {
  StatExtent x;
  for (const auto& f : files) {
    x.max_len = std::max(x.max_len, f.name.size());
    if (f.binary) {
      x.bin_width = std::max(x.bin_width, 14 + decimal_width(f.added) + decimal_width(f.deleted));
      x.number_width = 3;
      continue;
    }
    x.max_change = std::max(x.max_change, f.added + f.deleted);
  }
  x.number_width = std::max(decimal_width(x.max_change), x.number_width);
  return x;
}

// The columns of a diffstat: the names, the counts and the graph.
struct StatLayout {
  int name_width = 0;
  int graph_width = 0;
  std::size_t number_width = 0;
  std::size_t max_change = 0;
};

// git's fitting into `total_width` columns: the graph gives way first (to 3/8 of the
// width, at least 6), then the names.
StatLayout fit_stat(const StatExtent& x, std::size_t total_width) {
  int width = static_cast<int>(total_width);
  const int nw = static_cast<int>(x.number_width);
  if (width < 16 + 6 + nw) {
    width = 16 + 6 + nw;
  }
  int graph_width = static_cast<int>(x.max_change) + 4 > static_cast<int>(x.bin_width)
                        ? static_cast<int>(x.max_change)
                        : static_cast<int>(x.bin_width) - 4;
  int name_width = static_cast<int>(x.max_len);
  if (name_width + nw + 6 + graph_width > width) {
    if (graph_width > width * 3 / 8 - nw - 6) {
      graph_width = width * 3 / 8 - nw - 6;
      if (graph_width < 6) {
        graph_width = 6;
      }
    }
    if (name_width > width - nw - 6 - graph_width) {
      name_width = width - nw - 6 - graph_width;
    } else {
      graph_width = width - nw - 6 - name_width;
    }
  }
  return {name_width, graph_width, x.number_width, x.max_change};
}

// The name column, padded: a name too long for it keeps its end, after "..." (from a
// slash, when the end has one).
std::string stat_name_column(const std::string& full, int name_width) {
  std::string prefix;
  std::string name = full;
  int len = name_width;
  if (name_width < static_cast<int>(name.size())) {
    prefix = "...";
    len -= 3;
    name = name.substr(name.size() - static_cast<std::size_t>(std::max(len, 0)));
    if (const auto slash = name.find('/'); slash != std::string::npos) {
      name = name.substr(slash);
    }
  }
  std::string padded = name;
  if (static_cast<int>(padded.size()) < len) {
    padded += std::string(static_cast<std::size_t>(len) - padded.size(), ' ');
  }
  return prefix + padded;
}

// A binary file's counts: "Bin", and its sizes before and after when it has any.
std::string stat_binary_counts(const StatFile& f, std::size_t number_width, bool color) {
  std::string out = " " + std::string(number_width > 3 ? number_width - 3 : 0, ' ') + "Bin";
  if (f.added == 0 && f.deleted == 0) {
    return out + "\n";
  }
  return out + " " + paint(std::to_string(f.deleted), k_old, color) + " -> " +
         paint(std::to_string(f.added), k_new, color) + " bytes\n";
}

// How many '+' and '-' a text file's graph draws: its counts, scaled as git scales them
// when the largest change does not fit the graph (a change of both kinds keeps one of each).
std::pair<int, int> stat_graph_counts(const StatFile& f, const StatLayout& l) {
  int add = static_cast<int>(f.added);
  int del = static_cast<int>(f.deleted);
  if (l.graph_width <= static_cast<int>(l.max_change)) {
    int total = scale_linear(add + del, l.graph_width, static_cast<int>(l.max_change));
    if (total < 2 && add != 0 && del != 0) {
      total = 2;
    }
    if (add < del) {
      add = scale_linear(add, l.graph_width, static_cast<int>(l.max_change));
      del = total - add;
    } else {
      del = scale_linear(del, l.graph_width, static_cast<int>(l.max_change));
      add = total - del;
    }
  }
  return {add, del};
}

// A text file's counts: the number of changed lines and the graph.
std::string stat_text_counts(const StatFile& f, const StatLayout& l, bool color) {
  const auto [add, del] = stat_graph_counts(f, l);
  const std::string count = std::to_string(f.added + f.deleted);
  std::string out = " " +
                    std::string(l.number_width - std::min(l.number_width, count.size()), ' ') +
                    count + (f.added + f.deleted != 0 ? " " : "");
  if (add > 0) {
    out += paint(std::string(static_cast<std::size_t>(add), '+'), k_new, color);
  }
  if (del > 0) {
    out += paint(std::string(static_cast<std::size_t>(del), '-'), k_old, color);
  }
  return out + "\n";
}

// " 3 files changed, 5 insertions(+), 1 deletion(-)": a count of zero is left out unless
// both are.
std::string stat_summary(std::size_t files, std::size_t adds, std::size_t dels) {
  std::string out = " " + std::to_string(files) + (files == 1 ? " file changed" : " files changed");
  if (adds != 0 || dels == 0) {
    out += ", " + std::to_string(adds) + (adds == 1 ? " insertion(+)" : " insertions(+)");
  }
  if (dels != 0 || adds == 0) {
    out += ", " + std::to_string(dels) + (dels == 1 ? " deletion(-)" : " deletions(-)");
  }
  return out + "\n";
}

} // namespace

// git's show_stats() (diff.c), for the default options.
std::string format_stat(const std::vector<StatFile>& files, std::size_t total_width, bool color) {
  if (files.empty()) {
    return {};
  }
  const StatLayout layout = fit_stat(measure_stat(files), total_width);
  std::string out;
  std::size_t adds = 0; // binary files count in neither
  std::size_t dels = 0;
  for (const auto& f : files) {
    out += " " + stat_name_column(f.name, layout.name_width) + " |";
    if (f.binary) {
      out += stat_binary_counts(f, layout.number_width, color);
      continue;
    }
    adds += f.added;
    dels += f.deleted;
    out += stat_text_counts(f, layout, color);
  }
  return out + stat_summary(files.size(), adds, dels);
}

// The files of `diff` as git's diffstat counts them; totals added to `out`.
std::vector<StatFile> collect_stat(git_diff* diff, bool quote_high, DiffOutput& out) {
  std::vector<StatFile> stat_files;
  const std::size_t deltas = git_diff_num_deltas(diff);
  for (std::size_t i = 0; i < deltas; ++i) {
    git_patch* patch_raw = nullptr;
    if (git_patch_from_diff(&patch_raw, diff, i) != 0 || patch_raw == nullptr) {
      continue;
    }
    const PatchPtr patch(patch_raw);
    const git_diff_delta* delta = git_patch_get_delta(patch.get());
    std::size_t context = 0;
    std::size_t adds = 0;
    std::size_t dels = 0;
    git_patch_line_stats(&context, &adds, &dels, patch.get());
    const bool binary = (delta->flags & GIT_DIFF_FLAG_BINARY) != 0;
    if (delta->old_file.mode == GIT_FILEMODE_COMMIT &&
        delta->new_file.mode == GIT_FILEMODE_COMMIT &&
        git_oid_equal(&delta->old_file.id, &delta->new_file.id)) {
      adds = dels = 0; // a dirty submodule at the same commit: git counts no lines
    }
    const bool submodule_dirt = delta->old_file.mode == GIT_FILEMODE_COMMIT &&
                                delta->new_file.mode == GIT_FILEMODE_COMMIT && adds == 0;
    if (!submodule_dirt && delta->status == GIT_DELTA_MODIFIED &&
        delta->old_file.mode == delta->new_file.mode && adds == 0 && dels == 0 && !binary) {
      // Stat-dirty but equal once filtered (CRLF): git drops it from the queue.
      continue;
    }
    if (delta->status == GIT_DELTA_ADDED && !stat_files.empty() && !binary &&
        !stat_files.back().binary && stat_files.back().path == delta->new_file.path) {
      // A type change comes from libgit2 as a deletion and an addition; git counts one file.
      stat_files.back().added += adds;
      stat_files.back().deleted += dels;
      out.insertions += adds;
      out.deletions += dels;
      continue;
    }
    StatFile f;
    f.path = delta->new_file.path;
    if (delta->status == GIT_DELTA_RENAMED || delta->status == GIT_DELTA_COPIED) {
      f.name = rename_name(delta->old_file.path, delta->new_file.path, quote_high);
    } else {
      f.name = quote_c_style(delta->new_file.path, quote_high);
    }
    if (binary) {
      f.binary = true;
      f.deleted = static_cast<std::size_t>(delta->old_file.size);
      f.added = static_cast<std::size_t>(delta->new_file.size);
    } else {
      f.added = adds;
      f.deleted = dels;
      out.insertions += adds;
      out.deletions += dels;
    }
    stat_files.push_back(std::move(f));
  }
  return stat_files;
}

// Rename detection as git's diff.renames asks: on unless "false", "no" or "0"; copies too
// for "copies" when `copies` is allowed. libgit2's result code.
int find_renames(git_diff* diff, const Config& config, bool copies) {
  // diff.renames: a boolean as git reads one (off, no, 0, ... are false), or "copies".
  const auto renames = config.string("diff.renames");
  const bool copy_setting = renames && (::strcasecmp(renames->c_str(), "copies") == 0 ||
                                        ::strcasecmp(renames->c_str(), "copy") == 0);
  int enabled = 1;
  if (renames && !copy_setting && git_config_parse_bool(&enabled, renames->c_str()) == 0 &&
      enabled == 0) {
    return 0;
  }
  git_error_clear();
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  find.metric = git_similarity_metric();
  if (copies && copy_setting) {
    find.flags |= GIT_DIFF_FIND_COPIES;
  }
  return git_diff_find_similar(diff, &find);
}

std::string diffstat_between(git_repository* repo, git_tree* from, git_tree* to,
                             std::size_t width) {
  const Config config(repo);
  const bool quote_high = config.boolean("core.quotepath").value_or(true);
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  git_diff* raw = nullptr;
  if (git_diff_tree_to_tree(&raw, repo, from, to, &opts) != 0) {
    git_error_clear();
    return {};
  }
  DiffPtr diff(raw);
  (void)find_renames(diff.get(), config, /*copies=*/false);
  DiffOutput totals;
  std::string text = format_stat(collect_stat(diff.get(), quote_high, totals), width, false);
  // The --summary lines of diff.c's diff_summary().
  const auto mode = [](unsigned m) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%06o", m);
    return std::string(buf);
  };
  const std::size_t n = git_diff_num_deltas(diff.get());
  for (std::size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    const std::string name = quote_c_style(d->new_file.path, quote_high);
    switch (d->status) {
    case GIT_DELTA_ADDED:
      text += " create mode " + mode(d->new_file.mode) + " " + name + "\n";
      break;
    case GIT_DELTA_DELETED:
      text += " delete mode " + mode(d->old_file.mode) + " " +
              quote_c_style(d->old_file.path, quote_high) + "\n";
      break;
    case GIT_DELTA_RENAMED:
    case GIT_DELTA_COPIED:
      text += std::string(d->status == GIT_DELTA_RENAMED ? " rename " : " copy ") +
              rename_name(d->old_file.path, d->new_file.path, quote_high) + " (" +
              std::to_string(d->similarity) + "%)\n";
      if (d->old_file.mode != d->new_file.mode) {
        text += " mode change " + mode(d->old_file.mode) + " => " + mode(d->new_file.mode) + "\n";
      }
      break;
    default:
      if (d->old_file.mode != 0 && d->new_file.mode != 0 && d->old_file.mode != d->new_file.mode) {
        text += " mode change " + mode(d->old_file.mode) + " => " + mode(d->new_file.mode) + " " +
                name + "\n";
      }
      break;
    }
  }
  return text;
}

} // namespace mr::git
