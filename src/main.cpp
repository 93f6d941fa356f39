// mr: manage many git repositories at once. See README.md and mr(1).
#include <mr/cli/cli.hpp>
#include <mr/cli/standard_fds.hpp>
#include <mr/git/library.hpp>

int main(int argc, char** argv) {
  // Before anything opens a file that could land on 0, 1 or 2.
  mr::cli::claim_standard_fds();
  // libgit2 is initialised on demand (before any thread exists) and shut down after all
  // threads have ended.
  const mr::git::Library git;
  return mr::cli::run(argc, argv);
}
