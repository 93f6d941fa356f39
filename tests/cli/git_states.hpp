// Repositories in every state issue #4 lists, built with the git binary, for the
// differential tests of status, summary and diff against git itself.
#pragma once

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "cli_fixture.hpp"

namespace mr::test {

class GitStates : public CliTest {
public:
  using CliTest::root;

  // A repository at root()/ws/NAME cloned from a bare remote root()/remotes/NAME.git that
  // holds two commits on main (README, src/lib.c, data.bin, notes.txt, a-b, script.sh).
  fs::path cloned(const std::string& name);
  // Runs git in `dir` and fails the test if git fails.
  std::string g(const fs::path& dir, const std::vector<std::string>& args) {
    return git(dir, args);
  }
  RunResult g_result(const fs::path& dir, const std::vector<std::string>& args) {
    return git_result(dir, args);
  }
  // Writes `content` to dir/rel (creating directories).
  void put(const fs::path& dir, const std::string& rel, const std::string& content);
  // A commit on `dir`'s current branch touching `file`.
  void commit_change(const fs::path& dir, const std::string& file, const std::string& content,
                     const std::string& message);

  // What myrepos' status prints for git, run by git itself in `cwd`.
  std::string git_status_text(const fs::path& cwd);

  // Registers the repository that contains `cwd` as the registry's only one.
  void register_only(const fs::path& cwd);

  // The body of the one block `mr ARGS` prints in `cwd` (no header, blank line or
  // footer), expecting success; a failure is recorded when the output has another shape.
  std::string one_block(const std::vector<std::string>& args, const fs::path& cwd,
                        const std::map<std::string, std::string>& env = {});
};

struct RepoState {
  std::string name;
  // Builds the repository; returns the directory the tools run in (the repo, or a
  // directory inside it).
  std::function<fs::path(GitStates& t, const std::string& name)> build;
};

std::vector<RepoState> repo_states();
// The states where libgit2 alone departs from git (git_states_exact.cpp), in repo_states().
std::vector<RepoState> exact_states();

// One JSON member's raw value in an NDJSON line ("42", "\"main\"", "null", "true").
inline std::string json_value(const std::string& line, const std::string& key) {
  const std::regex re("\"" + key + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]*)");
  std::smatch m;
  return std::regex_search(line, m, re) ? m[1].str() : "<missing>";
}

inline void PrintTo(const RepoState& state, std::ostream* os) {
  *os << state.name;
}

} // namespace mr::test
