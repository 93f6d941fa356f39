// Differential tests: mr diff against git diff, with the same arguments, for every state of
// issue #4 (git_states.cpp): the patch, --cached, --stat, a revision, paths, and colour.
#include "git_states.hpp"

namespace mr::test {

namespace {

class DiffAgainstGit : public GitStates, public ::testing::WithParamInterface<RepoState> {
protected:
  fs::path prepare() {
    const auto cwd = GetParam().build(*this, GetParam().name);
    register_only(cwd);
    return cwd;
  }
  std::string git_out(const std::vector<std::string>& args, const fs::path& cwd) {
    RunOptions options;
    options.cwd = cwd;
    options.env = env_for(cwd);
    std::vector<std::string> argv = {"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run(argv, options);
    return r.out + r.err;
  }
  void expect_same(const fs::path& cwd, const std::vector<std::string>& diff_args) {
    std::vector<std::string> mr_args = {"diff"};
    mr_args.insert(mr_args.end(), diff_args.begin(), diff_args.end());
    std::vector<std::string> git_args = {"diff"};
    git_args.insert(git_args.end(), diff_args.begin(), diff_args.end());
    std::string shown;
    for (const auto& a : diff_args) {
      shown += " " + a;
    }
    EXPECT_EQ(one_block(mr_args, cwd), git_out(git_args, cwd))
        << "state " << GetParam().name << ": diff" << shown;
  }
};

} // namespace

TEST_P(DiffAgainstGit, WorkTreeAgainstIndex) {
  expect_same(prepare(), {});
}

TEST_P(DiffAgainstGit, CachedAgainstHead) {
  expect_same(prepare(), {"--cached"});
}

TEST_P(DiffAgainstGit, Stat) {
  const auto cwd = prepare();
  expect_same(cwd, {"--stat"});
  expect_same(cwd, {"--cached", "--stat"});
}

TEST_P(DiffAgainstGit, AgainstARevisionAndPaths) {
  const auto cwd = prepare();
  // A revision against a sparse work tree is not yet diffed as git does (README, "Not yet").
  if (git_result(cwd, {"rev-parse", "-q", "--verify", "HEAD~1"}).exit_code == 0 &&
      GetParam().name != "sparse_checkout") {
    expect_same(cwd, {"HEAD~1"});
    expect_same(cwd, {"HEAD~1", "--stat"});
    expect_same(cwd, {"--cached", "HEAD~1"});
  }
  expect_same(cwd, {"--", "README"});
}

TEST_P(DiffAgainstGit, GitsColours) {
  const auto cwd = prepare();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{}, {"--cached"}, {"--stat"}}) {
    std::vector<std::string> mr_args = {"--color", "always", "diff"};
    mr_args.insert(mr_args.end(), args.begin(), args.end());
    std::vector<std::string> git_args = {"-c", "color.ui=always", "diff"};
    git_args.insert(git_args.end(), args.begin(), args.end());
    EXPECT_EQ(one_block(mr_args, cwd), git_out(git_args, cwd)) << "state " << GetParam().name;
  }
}

// Every state but intent-to-add entries, which mr diff does not show as git does yet
// (README, "Not yet"), and a FIFO where a file was, which git diff cannot hash (it fails).
std::vector<RepoState> diff_states() {
  auto states = repo_states();
  std::erase_if(states, [](const RepoState& s) {
    return s.name == "intent_to_add" || s.name == "fifo_in_place_of_a_file";
  });
  return states;
}

INSTANTIATE_TEST_SUITE_P(States, DiffAgainstGit, ::testing::ValuesIn(diff_states()),
                         [](const auto& param_info) { return param_info.param.name; });

} // namespace mr::test
