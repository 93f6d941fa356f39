// `mr list` (alias `ls`): the header line of each selected repository, as myrepos. It
// reads the registry and opens no repository, so it is instant; as with myrepos, a
// repository that is not checked out fails with its chdir line and no header (under
// --json it keeps its registry fields, as a skipped or deleted one does).
#include <mr/util/redact.hpp>

#include "actions.hpp"
#include "repo_guard.hpp"

namespace mr::cmd {

// As checkout: nothing to hand to git. The usual slip is a global option written after the
// action (`mr list --json`, `mr ls -q`), so the message says where those go.
Result<ArgsRoute> check_list_args(const std::vector<std::string>& args) {
  if (!args.empty()) {
    return fail("'" + args.front() +
                "': this action takes no arguments (mr's own options go before it: mr -q list)");
  }
  return ArgsRoute::native;
}

void list_fields(RepoTask& t) {
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
}

task::TaskResult repo_list(RepoTask& t) {
  if (auto cannot = enter_failure(t.repo.path)) {
    t.headerless = true;
    return task::TaskResult::failed(*cannot);
  }
  return task::TaskResult::ok();
}

} // namespace mr::cmd
