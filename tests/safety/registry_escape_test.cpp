// A registry file mr does not trust (one that came with a cloned repository, found as the
// nearest file or chained) can only place repositories inside its own directory: a
// committed symlink cannot make `mr update` clone into ~/.ssh, neither at load nor by a
// symlink planted after the registry was loaded.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "pause_point.hpp"

namespace mr::test {
namespace {

class RegistryEscape : public CliTest {
protected:
  RegistryEscape() {
    ::chmod(home().c_str(), 0700);
    // What the attacker wants cloned: any repository will do.
    const auto payload = make_repo(root() / "author/payload");
    git(payload, {"push", "-q", "origin", "main"});
    m_payload_url = (root() / "remotes/payload.git").string();
    git(m_payload_url, {"symbolic-ref", "HEAD", "refs/heads/main"});
  }

  // A repository whose commit holds `registry` as .mrconfig.toml and the symlinks in
  // `links` (name -> target), cloned to `dest` as a user would.
  fs::path clone_with(const fs::path& dest, const std::string& registry,
                      const std::vector<std::pair<std::string, std::string>>& links) {
    const auto author = make_repo(root() / "author" / dest.filename());
    write_file(author / ".mrconfig.toml", registry);
    git(author, {"add", ".mrconfig.toml"});
    for (const auto& [name, target] : links) {
      fs::create_symlink(target, author / name);
      git(author, {"add", name});
    }
    git(author, {"commit", "-q", "-m", "registry"});
    git(author, {"push", "-q", "origin", "main"});
    fs::create_directories(dest.parent_path());
    git(dest.parent_path(),
        {"clone", "-q", "-b", "main",
         (root() / "remotes" / (dest.filename().string() + ".git")).string(), dest.string()});
    return dest;
  }

  std::string repo_entry(const std::string& key) const {
    return "[repos.\"" + key + "\"]\nurl = \"" + m_payload_url + "\"\n";
  }

  // The names directly in `dir` (nothing new may appear in $HOME).
  static std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // `mr checkout` of "sub/dir/x" in a cloned project, stopped at `point`, where "sub" (a
  // directory at load) is replaced by a symlink to $HOME before it goes on.
  RunResult checkout_with_symlink_planted_at(const std::string& point) {
    const auto proj = clone_with(home() / "src/proj", repo_entry("sub/dir/x"), {});
    fs::create_directories(proj / "sub");
    RunOptions options;
    options.cwd = proj;
    options.env = env_for(proj);
    PausedRun run({mr_binary().string(), "-j1", "checkout"}, options, point, root() / "scratch");
    if (!run.wait_paused()) {
      ADD_FAILURE() << "mr never reached " << point;
    }
    fs::remove(proj / "sub");
    fs::create_symlink(home(), proj / "sub");
    return run.resume();
  }

  std::string m_payload_url;
};

TEST_F(RegistryEscape, ACommittedSymlinkCannotLeadACheckoutOutOfTheRepository) {
  const auto evil = clone_with(home() / "src/evil", repo_entry("link/.ssh/x"), {{"link", "../.."}});
  const auto before = names_in(home());
  const auto r = mr({"update"}, evil);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
  const auto file = (evil / ".mrconfig.toml").string();
  EXPECT_EQ(r.err.rfind("mr: error: " + file + ":1:8: repo path 'link/.ssh/x' resolves to " +
                            (home() / ".ssh/x").string() + ", outside " + evil.string(),
                        0),
            0u)
      << r.err;
  EXPECT_FALSE(fs::exists(home() / ".ssh"));
  EXPECT_EQ(names_in(home()), before);
  EXPECT_EQ(mr({"list"}, evil).exit_code, 2); // refused at load, whatever the action
}

TEST_F(RegistryEscape, ADanglingSymlinkIsFollowedToWhereItWouldCreate) {
  const auto evil = clone_with(home() / "src/evil", repo_entry("link/x"), {{"link", "../../.ssh"}});
  const auto r = mr({"checkout"}, evil);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("resolves to " + (home() / ".ssh/x").string()), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(home() / ".ssh"));
}

TEST_F(RegistryEscape, TheSameThroughAChainedFile) {
  const auto evil = clone_with(home() / "src/evil", repo_entry("link/.ssh/x"), {{"link", "../.."}});
  write_file(registry(), "[repos.\"src/evil\"]\nchain = true\n");
  const auto r = mr({"update"}, home());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("mr: error: " + (evil / ".mrconfig.toml").string() +
                            ":1:8: repo path "
                            "'link/.ssh/x' "
                            "resolves to ",
                        0),
            0u)
      << r.err;
  EXPECT_FALSE(fs::exists(home() / ".ssh"));
}

TEST_F(RegistryEscape, ALegitimatePathInsideStillWorks) {
  const auto evil = clone_with(
      home() / "src/proj", repo_entry("deps/lib") + repo_entry("inner/dep"), {{"inner", "deps"}});
  const auto r = mr({"update"}, evil);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(evil / "deps/lib/README"));
  EXPECT_TRUE(fs::exists(evil / "deps/dep/README"));
}

TEST_F(RegistryEscape, ASymlinkPlantedAfterLoadingIsRefusedBeforeCreating) {
  const auto r = checkout_with_symlink_planted_at("checkout.before_create");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("resolves to " + (home() / "dir/x").string() + ", outside " +
                       (home() / "src/proj").string()),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(home() / "dir"));
}

TEST_F(RegistryEscape, ASymlinkSwappedInWhileCreatingIsNotFollowed) {
  const auto r = checkout_with_symlink_planted_at("checkout.after_check");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find((home() / "src/proj/sub").string() + " is a symbolic link"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(home() / "dir"));
}

} // namespace
// A repository path through a .git directory would let a registry clone a git directory
// of its choosing (with its config: core.fsmonitor runs commands) where git looks for
// one. Refused in any spelling, with the file and line, before anything is created.
TEST_F(RegistryEscape, ARepositoryPathThroughAGitDirectoryIsRefused) {
  for (const std::string key : {"x/.git", ".git", "x/.GIT/", "x/./.git/.", "a/.Git/b"}) {
    const auto evil =
        clone_with(home() / "src" / ("p" + std::to_string(key.size()) + std::to_string(key.back())),
                   "[repos.\"x\"]\n" + repo_entry(key), {});
    const auto r = mr({"update"}, evil);
    EXPECT_EQ(r.exit_code, 2) << key << r.out << r.err;
    EXPECT_NE(r.err.find(".mrconfig.toml:2:"), std::string::npos) << key << r.err;
    EXPECT_NE(r.err.find("goes through a .git directory"), std::string::npos) << key << r.err;
    EXPECT_FALSE(fs::exists(evil / "x/.git")) << key;
  }
}

// Invisible characters that reorder or take over the terminal where mr prints the path.
TEST_F(RegistryEscape, APathWithATerminalControlOrBidiCharacterIsRefused) {
  for (const std::string key : {"x\u009b2J", "x\u202ey", "x\u2066y"}) {
    const auto evil = clone_with(
        home() / "src" /
            ("q" + std::to_string(key.size()) + std::to_string(static_cast<unsigned char>(key[2]))),
        repo_entry(key), {});
    const auto r = mr({"list"}, evil);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("control character in repo path"), std::string::npos) << r.err;
  }
}

// A remote helper url (NAME::ADDRESS) makes git run git-remote-NAME (ext:: runs any
// command; fd:: waits forever): git allows it only for urls the user typed.
TEST_F(RegistryEscape, ARemoteHelperUrlIsRefusedFromAnUntrustedFile) {
  const auto evil =
      clone_with(home() / "src/helper", "[repos.\"a\"]\nurl = \"ext::sh -c touch% /tmp/x\"\n", {});
  const auto r = mr({"checkout"}, evil);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(".mrconfig.toml:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("runs a remote helper program, which an untrusted registry file may not"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(evil / "a"));
}

} // namespace mr::test
