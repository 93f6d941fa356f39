// mr diff: git diff's bytes through libgit2 (see include/git/mr/git/diff.hpp).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sys/stat.h>

#include <mr/git/diff.hpp>

#include "diffstat.hpp"
#include "handles.hpp"
#include "log.hpp"
#include "repository.hpp"
#include "similarity.hpp"

namespace mr::git {

namespace {

constexpr std::string_view k_reset = "\033[m";
constexpr std::string_view k_meta = "\033[1m";
constexpr std::string_view k_frag = "\033[36m";
constexpr std::string_view k_old = "\033[31m";
constexpr std::string_view k_new = "\033[32m";
constexpr std::string_view k_ws_error = "\033[41m";

std::string quote_c_style(const std::string& name, bool quote_high) {
  // git's quote_c_style() without forced quoting of spaces (diffstat and headers).
  bool needs = false;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f || (c >= 0x80 && quote_high)) {
      needs = true;
      break;
    }
  }
  if (!needs) {
    return name;
  }
  // quote_path() with an empty prefix quotes spaces too; strip that rule by quoting a
  // name that has no spaces, piecewise, is not simpler: reuse it and accept that a name
  // needing quotes for another reason keeps its spaces inside the quotes (as git does).
  return quote_path(name, "", quote_high);
}

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

struct StatFile {
  std::string path; // new path, to join the halves of a type change
  std::string name;
  std::size_t added = 0;
  std::size_t deleted = 0;
  bool binary = false;
};

int scale_linear(int it, int width, int max_change) {
  if (it == 0) {
    return 0;
  }
  return 1 + (it * (width - 1) / max_change);
}

// git's show_stats() (diff.c), for the default options.
std::string format_stat(const std::vector<StatFile>& files, std::size_t total_width, bool color) {
  if (files.empty()) {
    return {};
  }
  const auto paint = [&](std::string_view c, const std::string& text) {
    return color ? std::string(c) + text + std::string(k_reset) : text;
  };
  std::size_t max_len = 0;
  std::size_t max_change = 0;
  std::size_t bin_width = 0;
  std::size_t number_width = 0;
  for (const auto& f : files) {
    max_len = std::max(max_len, f.name.size());
    if (f.binary) {
      bin_width = std::max(bin_width, 14 + decimal_width(f.added) + decimal_width(f.deleted));
      number_width = 3;
      continue;
    }
    max_change = std::max(max_change, f.added + f.deleted);
  }
  int width = static_cast<int>(total_width);
  number_width = std::max(decimal_width(max_change), number_width);
  const int nw = static_cast<int>(number_width);
  if (width < 16 + 6 + nw) {
    width = 16 + 6 + nw;
  }
  int graph_width = static_cast<int>(max_change) + 4 > static_cast<int>(bin_width)
                        ? static_cast<int>(max_change)
                        : static_cast<int>(bin_width) - 4;
  int name_width = static_cast<int>(max_len);
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
  std::string out;
  std::size_t adds = 0;
  std::size_t dels = 0;
  for (const auto& f : files) {
    std::string prefix;
    std::string name = f.name;
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
    out += " " + prefix + padded + " |";
    if (f.binary) {
      out += " " + std::string(number_width > 3 ? number_width - 3 : 0, ' ') + "Bin";
      if (f.added == 0 && f.deleted == 0) {
        out += "\n";
        continue;
      }
      out += " " + paint(k_old, std::to_string(f.deleted)) + " -> " +
             paint(k_new, std::to_string(f.added)) + " bytes\n";
      continue;
    }
    adds += f.added;
    dels += f.deleted;
    int add = static_cast<int>(f.added);
    int del = static_cast<int>(f.deleted);
    if (graph_width <= static_cast<int>(max_change)) {
      int total = scale_linear(add + del, graph_width, static_cast<int>(max_change));
      if (total < 2 && add != 0 && del != 0) {
        total = 2;
      }
      if (add < del) {
        add = scale_linear(add, graph_width, static_cast<int>(max_change));
        del = total - add;
      } else {
        del = scale_linear(del, graph_width, static_cast<int>(max_change));
        add = total - del;
      }
    }
    const std::string count = std::to_string(f.added + f.deleted);
    out += " " + std::string(number_width - std::min(number_width, count.size()), ' ') + count +
           (f.added + f.deleted != 0 ? " " : "");
    if (add > 0) {
      out += paint(k_new, std::string(static_cast<std::size_t>(add), '+'));
    }
    if (del > 0) {
      out += paint(k_old, std::string(static_cast<std::size_t>(del), '-'));
    }
    out += "\n";
  }
  const std::size_t n = files.size();
  out += " " + std::to_string(n) + (n == 1 ? " file changed" : " files changed");
  if (adds != 0 || dels == 0) {
    out += ", " + std::to_string(adds) + (adds == 1 ? " insertion(+)" : " insertions(+)");
  }
  if (dels != 0 || adds == 0) {
    out += ", " + std::to_string(dels) + (dels == 1 ? " deletion(-)" : " deletions(-)");
  }
  out += "\n";
  return out;
}

// ws.c's ws_check_emit() for git's default rules (blank-at-eol, space-before-tab): an
// added line's content in `set`, whitespace errors highlighted.
std::string emit_with_ws(std::string_view line) {
  std::string out;
  bool newline = false;
  if (!line.empty() && line.back() == '\n') {
    newline = true;
    line.remove_suffix(1);
  }
  const auto len = line.size();
  std::size_t trailing = len;
  while (trailing > 0 && std::isspace(static_cast<unsigned char>(line[trailing - 1])) != 0) {
    --trailing;
  }
  std::size_t written = 0;
  for (std::size_t i = 0; i < trailing; ++i) {
    if (line[i] == ' ') {
      continue;
    }
    if (line[i] != '\t') {
      break;
    }
    if (written < i) {
      out += std::string(k_ws_error) + std::string(line.substr(written, i - written)) +
             std::string(k_reset) + line[i];
    } else {
      out += line.substr(written, i - written + 1);
    }
    written = i + 1;
  }
  if (trailing > written) {
    out += std::string(k_new) + std::string(line.substr(written, trailing - written)) +
           std::string(k_reset);
  }
  if (trailing != len) {
    out += std::string(k_ws_error) + std::string(line.substr(trailing)) + std::string(k_reset);
  }
  if (newline) {
    out += '\n';
  }
  return out;
}

struct PrintState {
  std::string* out;
  bool color;
  Abbreviator* abbrev;
  git_repository* repo;
};

// libgit2 marks a work-tree submodule "-dirty" by the submodule's own ignore rule, which
// counts untracked files; git diff only counts modified content.
std::string_view submodule_line(git_repository* repo, const git_diff_delta* delta,
                                std::string_view content) {
  constexpr std::string_view dirty = "-dirty\n";
  if (delta->new_file.mode != GIT_FILEMODE_COMMIT || content.size() < dirty.size() ||
      content.substr(content.size() - dirty.size()) != dirty) {
    return content;
  }
  unsigned int status = 0;
  if (git_submodule_status(&status, repo, delta->new_file.path, GIT_SUBMODULE_IGNORE_UNTRACKED) !=
      0) {
    return content;
  }
  if ((status & (GIT_SUBMODULE_STATUS_WD_INDEX_MODIFIED | GIT_SUBMODULE_STATUS_WD_WD_MODIFIED)) !=
      0) {
    return content;
  }
  thread_local std::string clean;
  clean = std::string(content.substr(0, content.size() - dirty.size())) + "\n";
  return clean;
}

// The header block of one file, with git's abbreviations on the index line.
void print_header(PrintState& st, const git_diff_delta* delta, std::string_view content) {
  std::size_t pos = 0;
  while (pos < content.size()) {
    auto nl = content.find('\n', pos);
    if (nl == std::string_view::npos) {
      nl = content.size();
    }
    std::string line(content.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.starts_with("index ")) {
      if (git_oid_equal(&delta->old_file.id, &delta->new_file.id)) {
        continue; // git prints no index line when nothing but the mode changed (or dirt)
      }
      const auto dots = line.find("..");
      const auto space = line.find(' ', dots);
      line = "index " + (*st.abbrev)(delta->old_file.id) + ".." + (*st.abbrev)(delta->new_file.id) +
             (space == std::string::npos ? std::string() : line.substr(space));
    }
    // git ends the ---/+++ lines with a tab, after the colour reset, when the label (as
    // printed, maybe quoted) holds a space: patch tools then find where the name ends.
    std::string tab;
    if ((line.starts_with("--- ") || line.starts_with("+++ ")) &&
        line.find(' ', 4) != std::string::npos) {
      tab = "\t";
    }
    *st.out += st.color ? std::string(k_meta) + line + std::string(k_reset) + tab + "\n"
                        : line + tab + "\n";
  }
}

int print_line(const git_diff_delta* delta, const git_diff_hunk*, const git_diff_line* line,
               void* payload) {
  auto& st = *static_cast<PrintState*>(payload);
  std::string_view content(line->content, line->content_len);
  if (line->origin == GIT_DIFF_LINE_ADDITION) {
    content = submodule_line(st.repo, delta, content);
  }
  std::string& out = *st.out;
  const auto without_newline = [](std::string_view s) {
    return !s.empty() && s.back() == '\n' ? s.substr(0, s.size() - 1) : s;
  };
  const std::string nl = !content.empty() && content.back() == '\n' ? "\n" : "";
  switch (line->origin) {
  case GIT_DIFF_LINE_FILE_HDR:
    print_header(st, delta, content);
    break;
  case GIT_DIFF_LINE_HUNK_HDR:
    if (!st.color) {
      out += content;
    } else {
      const auto end = content.find("@@", 2);
      const auto frag = content.substr(0, end + 2);
      const auto rest = without_newline(content.substr(end + 2));
      out += std::string(k_frag) + std::string(frag) + std::string(k_reset);
      if (rest.size() > 1) {
        out += " " + std::string(k_reset) + std::string(rest.substr(1)) + std::string(k_reset);
      }
      out += nl;
    }
    break;
  case GIT_DIFF_LINE_CONTEXT:
    out += st.color ? " " + std::string(without_newline(content)) + std::string(k_reset) + nl
                    : " " + std::string(content);
    break;
  case GIT_DIFF_LINE_ADDITION:
    out += st.color ? std::string(k_new) + "+" + std::string(k_reset) + emit_with_ws(content)
                    : "+" + std::string(content);
    break;
  case GIT_DIFF_LINE_DELETION:
    out += st.color ? std::string(k_old) + "-" + std::string(without_newline(content)) +
                          std::string(k_reset) + nl
                    : "-" + std::string(content);
    break;
  case GIT_DIFF_LINE_CONTEXT_EOFNL:
  case GIT_DIFF_LINE_ADD_EOFNL:
  case GIT_DIFF_LINE_DEL_EOFNL:
    if (!st.color) {
      out += content;
    } else {
      // "\n\\ No newline at end of file\n": the first newline ends the previous line.
      std::string_view text = content;
      if (!text.empty() && text.front() == '\n') {
        out += '\n';
        text.remove_prefix(1);
      }
      out += std::string(without_newline(text)) + std::string(k_reset) + "\n";
    }
    break;
  default: // binary notice and anything else: as given
    out += content;
    break;
  }
  return 0;
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

std::string normalize_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto slash = path.find('/', pos);
    if (slash == std::string::npos) {
      slash = path.size();
    }
    const std::string part = path.substr(pos, slash - pos);
    if (part == "..") {
      if (!parts.empty()) {
        parts.pop_back();
      }
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    pos = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) {
    out += (out.empty() ? "" : "/") + p;
  }
  return out;
}

// Settings git honours that libgit2 1.5 cannot reproduce.
bool needs_git(git_repository* repo, bool color) {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) != 0) {
    return false;
  }
  ConfigPtr cfg(raw);
  git_config_iterator* it_raw = nullptr;
  if (git_config_iterator_new(&it_raw, cfg.get()) != 0) {
    return false;
  }
  const ConfigIteratorPtr it(it_raw);
  bool needed = false;
  git_config_entry* entry = nullptr;
  while (!needed && git_config_next(&entry, it.get()) == 0) {
    const std::string name = entry->name;
    const std::string value = entry->value != nullptr ? entry->value : "";
    if (name == "diff.algorithm") {
      needed = value != "myers" && value != "default" && value != "minimal" && value != "patience";
    } else if (name == "diff.external" || name == "diff.noprefix" ||
               name == "diff.mnemonicprefix" || name == "diff.relative" ||
               name == "diff.srcprefix" || name == "diff.dstprefix" ||
               name == "diff.suppressblankempty" || name == "diff.submodule" ||
               name == "core.whitespace" || name == "diff.wserrorhighlight") {
      needed = true;
    } else if (name.starts_with("diff.") &&
               (name.ends_with(".textconv") || name.ends_with(".command"))) {
      needed = true;
    } else if (color && name.starts_with("color.diff")) {
      needed = true;
    }
  }
  return needed;
}

// Rename detection as git's diff.renames asks: on unless "false", "no" or "0"; copies too
// for "copies" when `copies` is allowed. libgit2's result code.
int find_renames(git_diff* diff, const Config& config, bool copies) {
  const auto renames = config.string("diff.renames");
  if (renames && (*renames == "false" || *renames == "no" || *renames == "0")) {
    return 0;
  }
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  find.metric = git_similarity_metric();
  if (copies && renames && (*renames == "copies" || *renames == "copy")) {
    find.flags |= GIT_DIFF_FIND_COPIES;
  }
  return git_diff_find_similar(diff, &find);
}

} // namespace

Result<DiffArgs> parse_diff_args(const std::vector<std::string>& args) {
  DiffArgs out;
  out.raw = args;
  bool paths = false;
  for (const auto& arg : args) {
    if (paths) {
      out.paths.push_back(arg);
    } else if (arg == "--") {
      paths = true;
    } else if (arg == "--cached" || arg == "--staged") {
      out.cached = true;
    } else if (arg == "--stat") {
      out.stat = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return fail("diff does not support '" + arg +
                  "' (it understands --cached, --stat, a revision and -- paths; for anything "
                  "else use mr run git diff ...)");
    } else {
      out.words.push_back(arg);
    }
  }
  return out;
}

// A diff notify callback: leaves out the work-tree side of skip-worktree index entries.
static int skip_sparse_paths(const git_diff*, const git_diff_delta* delta, const char*,
                             void* payload) {
  auto* index = static_cast<git_index*>(payload);
  const git_index_entry* e =
      index != nullptr ? git_index_get_bypath(index, delta->old_file.path, 0) : nullptr;
  return e != nullptr && (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0 ? 1 : 0;
}

Result<DiffOutput> diff(const DiffRequest& request, const GitRunner& run_git,
                        const std::stop_token& stop) {
  MR_TRY_VAR(opened, open_repository(request.repo, {.read_only_config = true}));
  git_repository* repo = opened->get();
  const Config config(repo);
  const bool quote_high = config.boolean("core.quotepath").value_or(true);

  git_index* index_raw = nullptr;
  if (const int rc = git_repository_index(&index_raw, repo); rc != 0) {
    return fail("cannot read the index: " + last_error(rc));
  }
  IndexPtr index(index_raw);

  const auto through_git = [&]() -> Result<DiffOutput> {
    std::vector<std::string> argv = {
        "-c", std::string("color.ui=") + (request.color ? "always" : "never"), "diff"};
    argv.insert(argv.end(), request.args.raw.begin(), request.args.raw.end());
    MR_TRY_VAR(text, run_git(argv));
    DiffOutput out;
    out.text = std::move(*text);
    out.used_git = true;
    return out;
  };
  if (git_index_has_conflicts(index.get()) || needs_git(repo, request.color)) {
    return through_git();
  }

  // Words before "--": revisions while they resolve, then paths (as git decides).
  std::vector<ObjectPtr> revs;
  std::vector<std::string> paths;
  for (const auto& word : request.args.words) {
    git_object* obj = nullptr;
    if (paths.empty() && revs.size() < 2 && git_revparse_single(&obj, repo, word.c_str()) == 0) {
      revs.emplace_back(obj);
      continue;
    }
    struct stat st {};
    const auto on_disk = request.repo / request.prefix / word;
    if (::lstat(on_disk.c_str(), &st) != 0) {
      return fail("ambiguous argument '" + word +
                  "': unknown revision or path not in the working tree");
    }
    paths.push_back(word);
  }
  paths.insert(paths.end(), request.args.paths.begin(), request.args.paths.end());

  std::vector<std::string> pathspec_storage;
  for (const auto& p : paths) {
    pathspec_storage.push_back(normalize_path(request.prefix + p));
  }
  std::vector<char*> pathspec_ptrs;
  for (auto& p : pathspec_storage) {
    pathspec_ptrs.push_back(p.data());
  }

  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.context_lines = static_cast<uint32_t>(config.integer("diff.context").value_or(3));
  opts.interhunk_lines = static_cast<uint32_t>(config.integer("diff.interhunkcontext").value_or(0));
  if (config.boolean("diff.indentheuristic").value_or(true)) {
    opts.flags |= GIT_DIFF_INDENT_HEURISTIC;
  }
  const auto algorithm = config.string("diff.algorithm");
  if (algorithm == "patience") {
    opts.flags |= GIT_DIFF_PATIENCE;
  } else if (algorithm == "minimal") {
    opts.flags |= GIT_DIFF_MINIMAL;
  }
  // git diff does not show submodules whose only change is untracked content.
  opts.ignore_submodules = GIT_SUBMODULE_IGNORE_UNTRACKED;
  opts.pathspec.strings = pathspec_ptrs.data();
  opts.pathspec.count = pathspec_ptrs.size();
  // Git's default abbreviation is applied to the index lines afterwards.
  opts.id_abbrev = GIT_OID_HEXSZ;

  const auto tree_of = [&](git_object* obj) -> Result<TreePtr> {
    git_object* tree = nullptr;
    if (git_object_peel(&tree, obj, GIT_OBJECT_TREE) != 0) {
      return fail("not a tree-ish: " + last_error(-1));
    }
    return TreePtr(reinterpret_cast<git_tree*>(tree));
  };
  TreePtr base;
  TreePtr other;
  if (!revs.empty()) {
    MR_TRY_VAR(t, tree_of(revs[0].get()));
    base = std::move(*t);
  }
  if (revs.size() == 2) {
    MR_TRY_VAR(t, tree_of(revs[1].get()));
    other = std::move(*t);
  }
  if (request.args.cached && revs.empty()) {
    git_object* head = nullptr;
    if (git_revparse_single(&head, repo, "HEAD^{tree}") == 0) {
      base.reset(reinterpret_cast<git_tree*>(head)); // an unborn branch diffs against nothing
    }
  }

  // A sparse checkout's skip-worktree paths are absent from the work tree on purpose: git
  // does not compare them with it, and neither does mr.
  if (revs.empty() && !request.args.cached) {
    opts.notify_cb = skip_sparse_paths;
    opts.payload = index.get();
  }
  git_diff* raw = nullptr;
  int rc = 0;
  if (revs.size() == 2) {
    rc = git_diff_tree_to_tree(&raw, repo, base.get(), other.get(), &opts);
  } else if (request.args.cached) {
    rc = git_diff_tree_to_index(&raw, repo, base.get(), index.get(), &opts);
  } else if (revs.size() == 1) {
    rc = git_diff_tree_to_workdir_with_index(&raw, repo, base.get(), &opts);
  } else {
    rc = git_diff_index_to_workdir(&raw, repo, index.get(), &opts);
  }
  if (rc != 0) {
    return fail(last_error(rc));
  }
  DiffPtr diff(raw);
  if (const int frc = find_renames(diff.get(), config, /*copies=*/true); frc != 0) {
    return fail(last_error(frc));
  }
  if (stop.stop_requested()) {
    return cancelled();
  }

  DiffOutput out;
  const auto stat_files = collect_stat(diff.get(), quote_high, out);
  out.files = stat_files.size();

  if (request.args.stat) {
    out.text = format_stat(stat_files, request.stat_width, request.color);
    return out;
  }
  Abbreviator abbrev(repo);
  PrintState state{&out.text, request.color, &abbrev, repo};
  if (const int prc = git_diff_print(diff.get(), GIT_DIFF_FORMAT_PATCH, print_line, &state);
      prc != 0) {
    return fail(last_error(prc));
  }
  return out;
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
