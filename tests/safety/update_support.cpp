#include "update_support.hpp"

#include <gtest/gtest.h>

namespace mr::test {

std::ostream& operator<<(std::ostream& os, const Snapshot& s) {
  os << "HEAD " << s.head << "\nindex:\n"
     << s.index << "status:\n"
     << s.status << "tags:\n"
     << s.tags << "tree " << s.tree << "files:\n";
  for (const auto& [path, what] : s.files) {
    os << "  " << path << ": " << what << "\n";
  }
  return os;
}

UpdateTest::UpdateTest() {
  const auto bare = root() / "srv" / "up.git";
  fs::create_directories(bare);
  git(bare, {"init", "-q", "--bare", "-b", "main"});
  git(root(), {"clone", "-q", bare.string(), seed().string()});
  write_file(seed() / "README", "hello\n");
  write_file(seed() / "a.txt", "a\n");
  write_file(seed() / "b.txt", "b\n");
  write_file(seed() / "d/x", "x\n");
  write_file(seed() / "f", "f\n");
  write_file(seed() / "script.sh", "#!/bin/sh\necho hi\n");
  fs::permissions(seed() / "script.sh", fs::perms::owner_exec, fs::perm_options::add);
  push_seed("initial");
}

std::string UpdateTest::push_seed(const std::string& message) {
  git(seed(), {"add", "-A"});
  git(seed(), {"commit", "-q", "-m", message});
  git(seed(), {"push", "-q", "origin", "main"});
  return rev(seed(), "HEAD");
}

fs::path UpdateTest::clone_of_upstream(const std::string& name) {
  const auto dir = root() / "ws" / name;
  fs::create_directories(dir.parent_path());
  git(root(), {"clone", "-q", (root() / "srv" / "up.git").string(), dir.string()});
  std::string text = fs::exists(registry()) ? read_file(registry()) : std::string();
  text += "[repos.\"" + dir.string() + "\"]\n";
  write_file(registry(), text);
  return dir;
}

std::string UpdateTest::rev(const fs::path& repo, const std::string& what) {
  auto out = git(repo, {"rev-parse", what});
  out.pop_back();
  return out;
}

Snapshot UpdateTest::snapshot(const fs::path& repo) {
  Snapshot s;
  s.head = rev(repo, "HEAD");
  s.index = git(repo, {"ls-files", "--stage"});
  s.status = git(repo, {"status", "--porcelain"});
  s.tags = git(repo, {"ls-files", "-v"});
  s.tree = git(repo, {"write-tree"});
  for (auto it = fs::recursive_directory_iterator(repo); it != fs::recursive_directory_iterator();
       ++it) {
    const auto rel = fs::relative(it->path(), repo).generic_string();
    if (rel == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink()) {
      s.files[rel] = "link " + fs::read_symlink(it->path()).string();
    } else if (it->is_directory()) {
      s.files[rel] = "dir";
    } else {
      const bool exec = (it->status().permissions() & fs::perms::owner_exec) != fs::perms::none;
      s.files[rel] = std::string("file ") + (exec ? "755 " : "644 ") + read_file(it->path());
    }
  }
  return s;
}

void UpdateTest::expect_no_leftovers(const fs::path& repo) {
  EXPECT_FALSE(fs::exists(repo / ".git/index.lock"));
  EXPECT_FALSE(fs::exists(repo / ".git/mr-update"));
  EXPECT_FALSE(fs::exists(repo / ".git/mr-index.lock.new"));
  const auto fsck = git_result(repo, {"fsck", "--no-progress"});
  EXPECT_EQ(fsck.exit_code, 0) << fsck.err;
}

RunOptions UpdateTest::in(const fs::path& dir) const {
  RunOptions o;
  o.cwd = dir;
  o.env = env_for(dir);
  return o;
}

} // namespace mr::test
