// `mr list` (alias `ls`): the header line of each selected repository, as myrepos. It
// reads only the registry, never the repositories, so it is instant and works for repos
// that are not checked out yet.
#include <mr/util/redact.hpp>

#include "actions.hpp"

namespace mr::cmd {

task::TaskResult repo_list(RepoTask& t) {
  const auto& repo = t.repo;
  if (repo.url) {
    t.fields.add("url", util::redact_url(*repo.url)); // a password never leaves
  } else {
    t.fields.add_null("url");
  }
  if (repo.branch) {
    t.fields.add("branch", *repo.branch);
  } else {
    t.fields.add_null("branch");
  }
  t.fields.add("tags", repo.tags)
      .add("order", repo.order)
      .add("registry", repo.location.file.string());
  return task::TaskResult::ok();
}

} // namespace mr::cmd
