// `mr register [DIR]`: add the repository containing DIR (default: the current directory)
// to the registry, with the url of its current branch's remote (else origin). Registering
// again updates the url; it never adds a second entry.
#include <mr/cmd/exit.hpp>
#include <mr/git/worktree.hpp>
#include <mr/registry/edit.hpp>
#include <mr/util/redact.hpp>
#include <mr/util/strings.hpp>

#include "actions.hpp"

namespace mr::cmd {

namespace {

// The repository's top directory as the user reached it: strip from the logical form of
// DIR as many components as DIR lies below the (physical) top, if that names the same place.
util::Place top_place(const util::Place& dir, const std::filesystem::path& top) {
  const auto top_physical = util::physical(top);
  util::Place place{top_physical, top_physical};
  if (const auto depth = util::depth_below(dir.physical, top_physical)) {
    auto candidate = dir.logical;
    for (std::size_t i = 0; i < *depth && candidate.has_relative_path(); ++i) {
      candidate = candidate.parent_path();
    }
    if (util::physical(candidate) == top_physical) {
      place.logical = candidate;
    }
  }
  return place;
}

// What register says on stdout about `outcome` (one line, or two with tags), and the
// warning for a repository without a remote, if any.
struct Said {
  std::string lines;
  std::optional<std::string> warning;
};

Said describe(const registry::EditOutcome& outcome, const std::optional<std::string>& url) {
  const auto file = outcome.file.string();
  const auto path = outcome.repo.string();
  Said said;
  switch (outcome.kind) {
  case registry::EditKind::added:
    if (url) {
      said.lines = "Registering git url: " + util::redact_url(*url) + " in " + file + "\n";
    } else {
      said.lines = "Registering " + path + " in " + file + "\n";
      said.warning = path + " has no remote, so it was registered without a url; add `url = "
                            "...` to its table so that `mr checkout` can clone it";
    }
    return said;
  case registry::EditKind::updated:
    said.lines = "Updating git url: " + util::redact_url(*url) + " in " + file + "\n";
    break;
  case registry::EditKind::unchanged:
  case registry::EditKind::removed:
    if (outcome.tags_added.empty()) {
      said.lines = path + " is already registered in " + file + "\n";
    }
    if (!url) {
      said.warning = path + " has no remote; its registered url (if any) is unchanged";
    }
    break;
  }
  if (!outcome.tags_added.empty()) {
    said.lines +=
        "Tagging " + path + " with " + util::join(outcome.tags_added, ", ") + " in " + file + "\n";
  }
  return said;
}

// --json: the registered repository as one object, then the summary.
void print_json(render::Renderer& out, const registry::EditOutcome& outcome,
                const std::optional<std::string>& url, const Said& said) {
  render::Block block;
  block.path = outcome.repo.string();
  block.output += said.lines;
  if (url) {
    block.fields.add("url", util::redact_url(*url));
  } else {
    block.fields.add_null("url");
  }
  const char* change = outcome.kind == registry::EditKind::added     ? "added"
                       : outcome.kind == registry::EditKind::updated ? "updated"
                       : !outcome.tags_added.empty()                 ? "tagged"
                                                                     : "unchanged";
  block.fields.add("tags", outcome.tags)
      .add("registry", outcome.file.string())
      .add("change", change);
  out.block(block);
  out.footer(k_exit_ok);
}

} // namespace

int run_register(CommandContext& ctx) {
  render::Renderer out(ctx.action, ctx.render);
  auto arg = ctx.optional_argument("mr register [DIR]");
  if (!arg) {
    return ctx.fatal(arg.error().message);
  }
  auto dir = *arg ? util::place_of(util::expand_user(**arg, ctx.home), ctx.cwd) : ctx.cwd;
  if (!dir) {
    return ctx.fatal(dir.error().message);
  }
  auto info = git::inspect_for_register(dir->physical);
  if (!info) {
    return ctx.fatal(util::redact_urls(info.error().message));
  }
  const auto top = top_place(*dir, info->top);
  registry::RegisterRequest request{ctx.load_options(registry::root_for(ctx.roots, top)), top,
                                    info->url, ctx.options().tags};
  auto outcome = registry::register_repo(request);
  if (!outcome) {
    return ctx.fatal(util::redact_urls(outcome.error().message));
  }
  const auto said = describe(*outcome, info->url);
  if (ctx.render.json) {
    print_json(out, *outcome, info->url, said);
  } else {
    out.message(said.lines);
  }
  if (said.warning) {
    out.warning(*said.warning);
  }
  return k_exit_ok;
}

} // namespace mr::cmd
