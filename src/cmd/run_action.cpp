// `mr run CMD [ARGS...]`: run a command in every repository. The words are executed as
// they are, without a shell (as myrepos, `mr run echo $MR_REPO` prints the text you typed;
// use `mr run sh -c '...'` for shell syntax).
#include "actions.hpp"

namespace mr::cmd {

task::TaskResult repo_run(RepoTask& t) {
  return result_of(run_argv(t, t.command.action, t.command.invocation.args));
}

} // namespace mr::cmd
