// A tracked file under a directory mr may not read is not a deleted file: status reports
// it as git does (a warning, not " D"), and update never deletes or replaces it.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "update_support.hpp"

namespace mr::test {
namespace {

class UnreadableDir : public CliTest {
protected:
  // A repository owned by nobody with a tracked file in `sec/`, which nobody may not
  // read, and a change of its own outside it.
  fs::path repo() {
    const auto r = make_repo(root() / "ws" / "r", /*remote=*/false);
    write_file(r / "sec/secret.txt", "secret\n");
    write_file(r / "open.txt", "open\n");
    git(r, {"add", "."});
    git(r, {"commit", "-q", "-m", "files"});
    write_file(r / "open.txt", "changed\n");
    write_file(registry(), "[repos.\"" + r.string() + "\"]\n");
    EXPECT_EQ(std::system(("chown -R 65534:65534 '" + root().string() + "/ws'").c_str()), 0);
    ::chmod((r / "sec").c_str(), 0);
    return r;
  }

  RunResult as_nobody(const fs::path& cwd, const std::vector<std::string>& argv) {
    RunOptions options;
    options.cwd = cwd;
    options.env = env_for(cwd);
    options.as_nobody = true;
    return run(argv, options);
  }
};

} // namespace

TEST_F(UnreadableDir, StatusWarnsAsGitDoesAndDoesNotCallTheFileDeleted) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to run mr and git as another user";
  }
  const auto r = repo();
  const auto git_status = as_nobody(r, {"git", "status", "-s"});
  ASSERT_EQ(git_status.exit_code, 0) << git_status.err;
  ASSERT_NE(git_status.err.find("sec/secret.txt: Permission denied"), std::string::npos)
      << git_status.err;
  const auto st = mr({"status"}, r, {}, /*as_nobody=*/true);
  EXPECT_EQ(st.exit_code, 0) << st.err;
  EXPECT_EQ(st.out.find(" D sec/secret.txt"), std::string::npos) << st.out;
  EXPECT_NE(st.out.find(" M open.txt\n"), std::string::npos) << st.out;
  // git's stderr lines, as git prints them, in the block.
  for (const auto& line : lines_of(git_status.err)) {
    if (line.find("sec") != std::string::npos) {
      EXPECT_NE(st.out.find(line + "\n"), std::string::npos) << line << " in\n" << st.out;
    }
  }
  const auto summary = mr({"--json", "summary"}, r, {}, /*as_nobody=*/true);
  EXPECT_NE(summary.out.find("\"modified\":1,"), std::string::npos) << summary.out;
  ::chmod((r / "sec").c_str(), 0755);
  EXPECT_EQ(read_file(r / "sec/secret.txt"), "secret\n");
}

class UnreadableDirUpdate : public UpdateTest {};

TEST_F(UnreadableDirUpdate, UpdateNeverTreatsItAsDeleted) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to run mr and git as another user";
  }
  // The test's own git runs as root in repositories nobody owns.
  write_file(home() / ".gitconfig", "[safe]\n\tdirectory = *\n");
  write_file(seed() / "sec/secret.txt", "secret\n");
  push_seed("a secret");
  const auto w = clone_of_upstream("w");
  const auto nobody = [&](const std::string& dir) {
    ASSERT_EQ(std::system(("chown -R 65534:65534 '" + dir + "'").c_str()), 0);
  };
  const auto update = [&]() { return mr({"update"}, w, {}, /*as_nobody=*/true); };
  // Upstream changes another file: the update goes through, the unreadable one stays.
  write_file(seed() / "a.txt", "a, changed upstream\n");
  const auto first = push_seed();
  nobody((root() / "srv").string());
  nobody((root() / "ws").string());
  ::chmod((w / "sec").c_str(), 0);
  const auto r = update();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rev(w, "HEAD"), first);
  EXPECT_EQ(git(w, {"ls-files", "sec"}), "sec/secret.txt\n");
  // Upstream changes the file mr may not look at: refused, as git refuses it.
  write_file(seed() / "sec/secret.txt", "secret, changed upstream\n");
  push_seed();
  nobody((root() / "srv").string());
  const auto refused = update();
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.err.find("local changes would be overwritten by the update: sec/secret.txt"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(rev(w, "HEAD"), first);
  ::chmod((w / "sec").c_str(), 0755);
  EXPECT_EQ(read_file(w / "sec/secret.txt"), "secret\n");
  EXPECT_FALSE(fs::exists(w / ".git/mr-update"));
  EXPECT_FALSE(fs::exists(w / ".git/index.lock"));
}

} // namespace mr::test
