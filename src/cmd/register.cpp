// `mr register [DIR]`: add the repository containing DIR (default: the current directory)
// to the registry, with the url of its current branch's remote (else origin). Registering
// again updates the url; it never adds a second entry.
#include <mr/cmd/exit.hpp>
#include <mr/git/worktree.hpp>
#include <mr/registry/edit.hpp>
#include <mr/util/redact.hpp>

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
                                    info->url};
  auto outcome = registry::register_repo(request);
  if (!outcome) {
    return ctx.fatal(util::redact_urls(outcome.error().message));
  }
  const auto file = outcome->file.string();
  const auto path = outcome->repo.string();
  switch (outcome->kind) {
  case registry::EditKind::added:
    if (info->url) {
      out.message("Registering git url: " + util::redact_url(*info->url) + " in " + file);
    } else {
      out.message("Registering " + path + " in " + file);
      out.warning(path + " has no remote, so it was registered without a url; add `url = ...` "
                         "to its table so that `mr checkout` can clone it");
    }
    break;
  case registry::EditKind::updated:
    out.message("Updating git url: " + util::redact_url(*info->url) + " in " + file);
    break;
  case registry::EditKind::unchanged:
  case registry::EditKind::removed:
    out.message(path + " is already registered in " + file);
    if (!info->url) {
      out.warning(path + " has no remote; its registered url (if any) is unchanged");
    }
    break;
  }
  return k_exit_ok;
}

} // namespace mr::cmd
