// Shared by the update safety tests: an upstream repository with a seed clone to change
// it from, working copies cloned from it, and snapshots of a repository's HEAD, index and
// work tree to compare mr's result with git's.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "cli_fixture.hpp"

namespace mr::test {

struct Snapshot {
  std::string head;
  std::string index;  // git ls-files --stage
  std::string status; // git status --porcelain
  std::string tags;   // git ls-files -v: assume-unchanged, skip-worktree
  std::string tree;   // git write-tree: a stale cache tree in the index would show here
  std::map<std::string, std::string> files; // path -> "file 644 CONTENT", "link TARGET", "dir"
  bool operator==(const Snapshot&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Snapshot& s);

class UpdateTest : public CliTest {
protected:
  // root()/srv/up.git, holding main: README, a.txt, b.txt, d/x, f and script.sh.
  UpdateTest();

  fs::path seed() const { return root() / "seed"; }
  // Commits everything in the seed and pushes it upstream; returns the new commit.
  std::string push_seed(const std::string& message = "upstream change");
  // A clone of upstream at root()/ws/NAME, registered.
  fs::path clone_of_upstream(const std::string& name);

  Snapshot snapshot(const fs::path& repo);
  std::string rev(const fs::path& repo, const std::string& what);
  // No lock file, no update note, objects intact.
  void expect_no_leftovers(const fs::path& repo);

  RunOptions in(const fs::path& dir) const;
};

} // namespace mr::test
