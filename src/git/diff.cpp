// mr diff: git diff's bytes through libgit2 (see include/git/mr/git/diff.hpp).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sys/stat.h>

#include <mr/git/diff.hpp>

#include "color_spec.hpp"
#include "diffstat.hpp"
#include "handles.hpp"
#include "log.hpp"
#include "repository.hpp"

namespace mr::git {

namespace {

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

bool has_high_bytes(git_diff* diff) {
  const auto high = [](const char* path) {
    for (const char* p = path; p != nullptr && *p != '\0'; ++p) {
      if (static_cast<unsigned char>(*p) >= 0x80) {
        return true;
      }
    }
    return false;
  };
  for (std::size_t i = 0; i < git_diff_num_deltas(diff); ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff, i);
    if (high(d->old_file.path) || high(d->new_file.path)) {
      return true;
    }
  }
  return false;
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

namespace {

// A diff notify callback: leaves out the work-tree side of skip-worktree index entries.
int skip_sparse_paths(const git_diff*, const git_diff_delta* delta, const char*, void* payload) {
  auto* index = static_cast<git_index*>(payload);
  const git_index_entry* e =
      index != nullptr ? git_index_get_bypath(index, delta->old_file.path, 0) : nullptr;
  return e != nullptr && (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0 ? 1 : 0;
}

// The words of a diff request: revisions while they resolve, then paths (as git decides),
// the paths normalised against the request's prefix for libgit2's pathspec.
struct Words {
  std::vector<ObjectPtr> revs;
  std::vector<std::string> pathspec;
};

Result<Words> split_words(git_repository* repo, const DiffRequest& request) {
  Words out;
  std::vector<std::string> paths;
  for (const auto& word : request.args.words) {
    git_object* obj = nullptr;
    if (paths.empty() && out.revs.size() < 2 &&
        git_revparse_single(&obj, repo, word.c_str()) == 0) {
      out.revs.emplace_back(obj);
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
  for (const auto& p : paths) {
    out.pathspec.push_back(normalize_path(request.prefix + p));
  }
  return out;
}

// libgit2's diff options for git's diff.* settings; the pathspec is the caller's.
git_diff_options diff_options(const Config& config) {
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
  // Git's default abbreviation is applied to the index lines afterwards.
  opts.id_abbrev = GIT_OID_HEXSZ;
  return opts;
}

Result<TreePtr> tree_of(git_object* obj) {
  git_object* tree = nullptr;
  if (git_object_peel(&tree, obj, GIT_OBJECT_TREE) != 0) {
    return fail("not a tree-ish: " + last_error(-1));
  }
  return TreePtr(reinterpret_cast<git_tree*>(tree));
}

// The diff git diff would compute for these words: two trees, a tree (HEAD with --cached)
// against the index, a tree against the work tree, or the index against the work tree.
Result<DiffPtr> compute_diff(git_repository* repo, git_index* index, const DiffRequest& request,
                             const Words& words, git_diff_options& opts) {
  TreePtr base;
  TreePtr other;
  if (!words.revs.empty()) {
    MR_TRY_VAR(t, tree_of(words.revs[0].get()));
    base = std::move(*t);
  }
  if (words.revs.size() == 2) {
    MR_TRY_VAR(t, tree_of(words.revs[1].get()));
    other = std::move(*t);
  }
  if (request.args.cached && words.revs.empty()) {
    git_object* head = nullptr;
    if (git_revparse_single(&head, repo, "HEAD^{tree}") == 0) {
      base.reset(reinterpret_cast<git_tree*>(head)); // an unborn branch diffs against nothing
    }
  }
  // A sparse checkout's skip-worktree paths are absent from the work tree on purpose: git
  // does not compare them with it, and neither does mr.
  if (words.revs.empty() && !request.args.cached) {
    opts.notify_cb = skip_sparse_paths;
    opts.payload = index;
  }
  git_diff* raw = nullptr;
  int rc = 0;
  if (words.revs.size() == 2) {
    rc = git_diff_tree_to_tree(&raw, repo, base.get(), other.get(), &opts);
  } else if (request.args.cached) {
    rc = git_diff_tree_to_index(&raw, repo, base.get(), index, &opts);
  } else if (words.revs.size() == 1) {
    rc = git_diff_tree_to_workdir_with_index(&raw, repo, base.get(), &opts);
  } else {
    rc = git_diff_index_to_workdir(&raw, repo, index, &opts);
  }
  if (rc != 0) {
    return fail(last_error(rc));
  }
  return DiffPtr(raw);
}

// The whole diff through the git binary, for what libgit2 cannot reproduce.
Result<DiffOutput> diff_through_git(const DiffRequest& request, const GitRunner& run_git) {
  std::vector<std::string> argv = {
      "-c", std::string("color.ui=") + (request.color ? "always" : "never"), "diff"};
  argv.insert(argv.end(), request.args.raw.begin(), request.args.raw.end());
  MR_TRY_VAR(text, run_git(argv));
  DiffOutput out;
  out.text = std::move(*text);
  out.used_git = true;
  return out;
}

} // namespace

Result<DiffOutput> diff(const DiffRequest& request, const GitRunner& run_git,
                        const std::stop_token& stop) {
  MR_TRY_VAR(opened, open_repository(request.repo, {.read_only_config = true}));
  git_repository* repo = opened->get();
  const Config config(repo);
  const bool quote_high = config.boolean("core.quotepath").value_or(true);
  // git's own colour setting decides with mr's choice, as it would for git diff.
  DiffRequest req = request;
  req.color = git_colors(color_setting(config, "color.diff"), request.color);

  git_index* index_raw = nullptr;
  if (const int rc = read_index_retrying([&] { return git_repository_index(&index_raw, repo); });
      rc != 0) {
    return fail("cannot read the index: " + last_error(rc));
  }
  IndexPtr index(index_raw);
  if (git_index_has_conflicts(index.get()) || needs_git(repo, req.color)) {
    return diff_through_git(req, run_git);
  }

  MR_TRY_VAR(words, split_words(repo, req));
  std::vector<char*> pathspec_ptrs;
  for (auto& p : words->pathspec) {
    pathspec_ptrs.push_back(p.data());
  }
  git_diff_options opts = diff_options(config);
  opts.pathspec.strings = pathspec_ptrs.data();
  opts.pathspec.count = pathspec_ptrs.size();
  MR_TRY_VAR(diff, compute_diff(repo, index.get(), req, *words, opts));
  // libgit2 quotes every byte above 0x7f in its headers; with core.quotePath off git
  // prints them as they are (and sizes --stat by their display width).
  if (!quote_high && has_high_bytes(diff->get())) {
    return diff_through_git(req, run_git);
  }
  if (const int frc = find_renames(diff->get(), config, /*copies=*/true); frc != 0) {
    return fail(last_error(frc));
  }
  if (stop.stop_requested()) {
    return cancelled();
  }

  DiffOutput out;
  const auto stat_files = collect_stat(diff->get(), quote_high, out);
  out.files = stat_files.size();
  if (req.args.stat) {
    out.text = format_stat(stat_files, req.stat_width, req.color);
    return out;
  }
  Abbreviator abbrev(repo);
  PrintState state{&out.text, req.color, &abbrev, repo};
  if (const int prc = git_diff_print(diff->get(), GIT_DIFF_FORMAT_PATCH, print_line, &state);
      prc != 0) {
    return fail(last_error(prc));
  }
  return out;
}
} // namespace mr::git
