// `mr list` (alias `ls`): the header line of each selected repository, as myrepos. It
// reads only the registry, never the repositories, so it is instant and works for repos
// that are not checked out yet.
#include "actions.hpp"
#include "select_repos.hpp"

namespace mr::cmd {

int run_list(CommandContext& ctx) {
  render::Renderer out(ctx.action, ctx.render);
  const auto selected = selected_repos(ctx);
  if (selected.empty()) {
    out.no_repositories();
    return 2;
  }
  for (const auto& sel : selected) {
    auto block = block_for(sel);
    const auto& repo = *sel.repo;
    if (repo.skip && !ctx.options().force) {
      block.status = task::Status::skipped;
    }
    if (repo.url) {
      block.fields.add("url", *repo.url);
    } else {
      block.fields.add_null("url");
    }
    if (repo.branch) {
      block.fields.add("branch", *repo.branch);
    } else {
      block.fields.add_null("branch");
    }
    block.fields.add("tags", repo.tags)
        .add("order", repo.order)
        .add("registry", repo.location.file.string());
    out.block(block);
  }
  out.footer();
  return out.exit_status();
}

} // namespace mr::cmd
