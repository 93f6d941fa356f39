// Differential tests: mr status and summary against the git binary, for every state of
// issue #4 (git_states.cpp).
#include "git_states.hpp"

namespace mr::test {

namespace {

class StatusAgainstGit : public GitStates, public ::testing::WithParamInterface<RepoState> {
protected:
  // Builds the state's repository and registers it; returns where to run.
  fs::path prepare() {
    const auto cwd = GetParam().build(*this, GetParam().name);
    register_only(cwd);
    return cwd;
  }
};

struct GitFacts {
  std::string branch = "null";
  std::string upstream = "null";
  std::string ahead = "null";
  std::string behind = "null";
  int staged = 0, modified = 0, untracked = 0, conflicted = 0;
};

// git status --porcelain=v2 --branch, in the terms of mr's --json fields.
GitFacts parse_porcelain_v2(const std::string& text) {
  GitFacts f;
  for (const auto& line : lines_of(text)) {
    if (line.rfind("# branch.head ", 0) == 0) {
      const auto head = line.substr(14);
      f.branch = head == "(detached)" ? "null" : "\"" + head + "\"";
    } else if (line.rfind("# branch.upstream ", 0) == 0) {
      f.upstream = "\"" + line.substr(18) + "\"";
    } else if (line.rfind("# branch.ab ", 0) == 0) {
      int a = 0, b = 0;
      std::sscanf(line.c_str(), "# branch.ab +%d -%d", &a, &b);
      f.ahead = std::to_string(a);
      f.behind = std::to_string(b);
    } else if (line.rfind("1 ", 0) == 0 || line.rfind("2 ", 0) == 0) {
      f.staged += line[2] != '.' ? 1 : 0;
      f.modified += line[3] != '.' ? 1 : 0;
    } else if (line.rfind("u ", 0) == 0) {
      ++f.conflicted;
    } else if (line.rfind("? ", 0) == 0) {
      ++f.untracked;
    }
  }
  return f;
}

} // namespace

TEST_P(StatusAgainstGit, StatusTextIsGits) {
  const auto cwd = prepare();
  const auto expected = git_status_text(cwd);
  EXPECT_EQ(one_block({"status"}, cwd), expected) << "state " << GetParam().name;
}

TEST_P(StatusAgainstGit, SummaryFieldsAgreeWithPorcelainV2) {
  const auto cwd = prepare();
  const auto git = parse_porcelain_v2(g(cwd, {"status", "--porcelain=v2", "--branch"}));
  const auto r = mr({"--json", "summary"}, cwd);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto line = lines_of(r.out).front();
  EXPECT_EQ(json_value(line, "branch"), git.branch) << line;
  const bool gone = json_value(line, "upstream_gone") == "true";
  if (!gone) {
    EXPECT_EQ(json_value(line, "upstream"), git.upstream) << line;
    EXPECT_EQ(json_value(line, "ahead"), git.ahead) << line;
    EXPECT_EQ(json_value(line, "behind"), git.behind) << line;
  }
  EXPECT_EQ(json_value(line, "staged"), std::to_string(git.staged)) << line;
  EXPECT_EQ(json_value(line, "modified"), std::to_string(git.modified)) << line;
  EXPECT_EQ(json_value(line, "untracked"), std::to_string(git.untracked)) << line;
  EXPECT_EQ(json_value(line, "conflicted"), std::to_string(git.conflicted)) << line;
  const auto stashes = lines_of(g(cwd, {"stash", "list"})).size();
  EXPECT_EQ(json_value(line, "stashes"), std::to_string(stashes)) << line;
}

INSTANTIATE_TEST_SUITE_P(States, StatusAgainstGit, ::testing::ValuesIn(repo_states()),
                         [](const auto& param_info) { return param_info.param.name; });

} // namespace mr::test
