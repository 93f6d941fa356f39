// `mr discover [--dry-run] [--nested] [--bare] [DIR]`: register every git repository at or
// below DIR (default: the current directory) that is not registered yet, each with the url
// register would record and its current branch, each in the root file register would pick,
// each root file written once (registry::register_new_repos). The walk is git::
// find_repositories; the repositories are read in parallel on the executor. Ctrl-C before
// the write leaves every file as it was.
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include <mr/cmd/exit.hpp>
#include <mr/git/discover.hpp>
#include <mr/git/worktree.hpp>
#include <mr/registry/edit.hpp>
#include <mr/task/executor.hpp>
#include <mr/task/task_group.hpp>
#include <mr/util/quote.hpp>
#include <mr/util/redact.hpp>
#include <mr/util/test_point.hpp>

#include "actions.hpp"

namespace mr::cmd {

namespace {

constexpr std::string_view k_discover_usage =
    "mr discover [--dry-run] [--nested] [--bare] [-g TAG]... [DIR]";

struct DiscoverArgs {
  bool dry_run = false;
  bool nested = false;
  bool bare = false;
  std::vector<std::string> tags; // -g TAG / --tag TAG after the action
  std::optional<std::string> dir;
};

// The tag of `-g TAG`, `-gTAG`, `--tag TAG` or `--tag=TAG` at args[i] (i moved past it);
// nullopt when args[i] is no tag option.
Result<std::optional<std::string>> tag_option(const std::vector<std::string>& args,
                                              std::size_t& i) {
  const auto& arg = args[i];
  std::optional<std::string> tag;
  if (arg == "-g" || arg == "--tag") {
    if (i + 1 == args.size()) {
      return fail(usage_text("discover: option " + arg + " needs a tag", k_discover_usage));
    }
    tag = args[++i];
  } else if (arg.starts_with("--tag=")) {
    tag = arg.substr(6);
  } else if (arg.starts_with("-g")) {
    tag = arg.substr(2);
  } else {
    return std::optional<std::string>();
  }
  if (tag->empty()) {
    return fail(usage_text("discover: option -g needs a tag", k_discover_usage));
  }
  return tag;
}

Result<DiscoverArgs> parse_args(const std::vector<std::string>& args) {
  DiscoverArgs out;
  bool options_end = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (!options_end) {
      MR_TRY_VAR(tag, tag_option(args, i));
      if (*tag) {
        out.tags.push_back(std::move(**tag));
        continue;
      }
    }
    if (!options_end && arg == "--") {
      options_end = true;
    } else if (!options_end && arg == "--dry-run") {
      out.dry_run = true;
    } else if (!options_end && arg == "--nested") {
      out.nested = true;
    } else if (!options_end && arg == "--bare") {
      out.bare = true;
    } else if (!options_end && arg.size() > 1 && arg[0] == '-') {
      return fail(usage_text("discover: unknown option " + arg, k_discover_usage));
    } else if (out.dir) {
      return fail(usage_text("discover takes at most one directory", k_discover_usage));
    } else {
      out.dir = arg;
    }
  }
  return out;
}

// A repository found, and what was read of it.
struct Found {
  util::Place place;
  bool bare = false;
  Result<git::RegisterInfo> info = git::RegisterInfo{};
};

// Below `dir` no symbolic link was followed, so both forms extend the same way.
std::vector<Found> places_of(const util::Place& dir, const std::vector<git::FoundRepo>& repos) {
  std::vector<Found> found;
  found.reserve(repos.size());
  for (const auto& repo : repos) {
    const auto below = [&](const std::filesystem::path& top) {
      return repo.relative.empty() ? top : (top / repo.relative).lexically_normal();
    };
    found.push_back({{below(dir.logical), below(dir.physical)}, repo.bare});
  }
  return found;
}

// Reads every repository found, on as many workers as -j (default: the CPUs), each taking
// the next one not taken yet. Ctrl-C stops them.
void read_all(const CommandContext& ctx, std::vector<Found>& found) {
  const unsigned cpus = std::max(1U, std::thread::hardware_concurrency());
  const unsigned jobs = ctx.options().jobs.value_or(0) > 0 ? *ctx.options().jobs : cpus;
  const std::size_t workers = std::min<std::size_t>(jobs, found.size());
  if (workers == 0) {
    return;
  }
  task::Executor executor(workers);
  task::GroupOptions options;
  options.executor = &executor;
  options.parent = ctx.invocation.interrupt;
  options.parent_reason = task::StopReason::interrupted;
  std::atomic<std::size_t> next{0};
  task::run_task_group(options, [&](task::TaskGroup& group) {
    for (std::size_t w = 0; w < workers; ++w) {
      group.spawn("discover", [&](task::TaskContext& tc) {
        for (std::size_t i = next++; i < found.size() && !tc.stop_requested(); i = next++) {
          found[i].info = git::inspect_found(found[i].place.physical, found[i].bare);
        }
        return task::TaskResult::ok();
      });
    }
  });
}

std::string url_or(const std::optional<std::string>& url, std::string_view none) {
  return url ? util::shown(util::redact_url(*url)) : std::string(none);
}

// One field of a --dry-run line: quoted and escaped (util::quote_string) when it holds a
// space, a double quote or a control character, so that the line splits into its three.
std::string field(const std::optional<std::string>& text) {
  if (!text) {
    return "-";
  }
  const bool plain = !text->empty() && text->find_first_of(" \"") == std::string::npos &&
                     !util::has_control_character(*text);
  return plain ? *text : util::quote_string(*text);
}

std::string bare_repositories(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " bare repository" : " bare repositories");
}

// What the run says, and its counts.
class Report {
public:
  // `file_errors`: said once, as errors, by finish(); not again for each repository.
  Report(render::Renderer& out, bool dry_run, const std::vector<Error>& file_errors)
      : m_out(out), m_dry_run(dry_run), m_file_errors(file_errors) {
    for (const auto& error : file_errors) {
      m_said.insert(error.message);
    }
  }

  void repository(const Found& found, const Result<registry::EditOutcome>& outcome) {
    const auto& info = *found.info;
    if (!outcome) {
      ++m_refused;
      if (!m_said.insert(outcome.error().message).second) {
        // said already: a root file's error, once for all its repositories
      } else if (m_warned < k_max_refusals_said) {
        ++m_warned;
        m_out.warning(util::redact_urls(outcome.error().message));
      } else {
        ++m_unsaid;
      }
    } else if (outcome->kind == registry::EditKind::added) {
      ++m_added;
      m_bare_added += found.bare ? 1 : 0;
      if (m_dry_run) {
        m_out.message(field(outcome->repo.string()) + " " +
                      field(info.url ? std::optional(util::redact_url(*info.url)) : std::nullopt) +
                      " " + field(info.branch));
      } else {
        m_out.message("mr discover: added " + util::shown(outcome->repo.string()) + " (" +
                      url_or(info.url, "no remote, so no url") + ")");
      }
    } else {
      ++m_known;
    }
    if (m_out.options().json) {
      json(found, outcome);
    }
  }

  // The last lines; the exit status: 0, unless a repository could not be registered and
  // nothing was (1), or a root file could not be written (2 when nothing was written at all).
  // `refused_before`: repositories refused before the write (a url with a control character).
  int finish(std::size_t bare_skipped, std::size_t refused_before, bool err_color) {
    m_refused += refused_before;
    if (m_unsaid != 0) {
      m_out.warning(std::to_string(m_unsaid) + " more repositories not registered, for reasons " +
                    "like those above (--json lists each)");
    }
    if (bare_skipped != 0) {
      m_out.message("mr discover: " + bare_repositories(bare_skipped) +
                    " left out (--bare registers them)");
    }
    if (m_bare_added != 0) {
      m_out.warning(bare_repositories(m_bare_added) + (m_dry_run ? " would be" : "") +
                    " registered: with no work tree, every action but list refuses them");
    }
    m_out.message("mr discover: " + std::to_string(m_added) +
                  (m_dry_run ? " to add, " : " added, ") + std::to_string(m_known) +
                  " already registered" + (m_dry_run ? " (dry run: nothing written)" : ""));
    int status = m_refused != 0 && m_added == 0 ? k_exit_failed : k_exit_ok;
    for (const auto& error : m_file_errors) {
      render::print_error(util::redact_urls(error.message), err_color);
      status = m_added == 0 ? k_exit_usage : k_exit_failed;
    }
    if (m_out.options().json) {
      m_out.footer(status);
    }
    return status;
  }

private:
  void json(const Found& found, const Result<registry::EditOutcome>& outcome) {
    const auto& info = *found.info;
    render::Block block;
    block.path = found.place.logical.string();
    if (info.url) {
      block.fields.add("url", util::redact_url(*info.url));
    } else {
      block.fields.add_null("url");
    }
    if (info.branch) {
      block.fields.add("branch", *info.branch);
    } else {
      block.fields.add_null("branch");
    }
    block.fields.add("bare", found.bare);
    if (!outcome) {
      block.status = task::Status::failed;
      block.reason = util::redact_urls(outcome.error().message);
    } else {
      const bool added = outcome->kind == registry::EditKind::added;
      block.fields.add("tags", outcome->tags)
          .add("registry", outcome->file.string())
          .add("change", added ? (m_dry_run ? "to add" : "added") : "unchanged");
    }
    m_out.block(block);
  }

  render::Renderer& m_out;
  bool m_dry_run;
  const std::vector<Error>& m_file_errors;
  std::size_t m_added = 0;
  std::size_t m_known = 0;
  std::size_t m_refused = 0;
  std::size_t m_bare_added = 0;
  std::size_t m_warned = 0; // refusals said, up to k_max_refusals_said
  std::size_t m_unsaid = 0; // and those past it, counted
  // An untrusted file refuses every repository outside its directory: ten lines say why.
  static constexpr std::size_t k_max_refusals_said = 10;
  std::set<std::string> m_said; // a root file's error is said once, not once per repository
};

} // namespace

int run_discover(CommandContext& ctx) {
  render::Renderer out(ctx.action, ctx.render);
  auto args = parse_args(ctx.invocation.args);
  if (!args) {
    return ctx.fatal(args.error().message);
  }
  auto dir = args->dir ? util::place_of(util::expand_user(*args->dir, ctx.home), ctx.cwd) : ctx.cwd;
  if (!dir) {
    return ctx.fatal(dir.error().message);
  }
  const auto search = git::find_repositories(
      dir->logical, {.nested = args->nested, .bare = args->bare, .stop = ctx.invocation.interrupt});
  if (!search) {
    return exit_error(search.error(), ctx.render.color_err, ctx.invocation.interrupt);
  }
  for (const auto& warning : search->warnings) {
    out.warning(warning);
  }
  auto found = places_of(*dir, search->repos);
  read_all(ctx, found);
  util::test_point("discover.read");
  auto tags = ctx.options().tags;
  tags.insert(tags.end(), args->tags.begin(), args->tags.end());
  std::vector<registry::RegisterRequest> requests;
  std::vector<const Found*> requested;
  std::size_t refused_before = 0;
  for (const auto& f : found) {
    if (!f.info) {
      out.warning(util::shown(f.place.logical.string()) +
                  ": not registered: " + util::shown(util::redact_urls(f.info.error().message)));
      continue;
    }
    if (f.info->url && util::has_control_character(*f.info->url)) {
      // The loader refuses it: said here, with the url escaped, rather than as its error.
      ++refused_before;
      out.warning(util::shown(f.place.logical.string()) + ": not registered: its url " +
                  util::quote_string(util::redact_url(*f.info->url)) +
                  " holds a control character (such as a newline), which a registry may not");
      continue;
    }
    requests.push_back({ctx.load_options(registry::root_for(ctx.roots, f.place)), f.place,
                        f.info->url, tags, f.info->branch});
    requested.push_back(&f);
  }
  if (ctx.invocation.interrupt.stop_requested()) {
    return ctx.fatal("interrupted before writing: nothing registered");
  }
  const auto result = registry::register_new_repos(requests, args->dry_run);
  for (const auto& error : result.file_errors) {
    if (error.cancelled()) { // Ctrl-C before the write (of the first root file, usually)
      return exit_error(error, ctx.render.color_err, ctx.invocation.interrupt);
    }
  }
  Report report(out, args->dry_run, result.file_errors);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    report.repository(*requested[i], result.outcomes[i]);
  }
  return report.finish(search->bare_skipped, refused_before, ctx.render.color_err);
}

} // namespace mr::cmd
