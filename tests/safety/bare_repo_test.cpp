// A bare repository committed inside a cloned project comes with a config git obeys (here a
// remote-helper URL that runs a shell command on `git push`). A registry file mr does not
// trust can list it, but no action runs there: a repository of an untrusted file must be a
// work tree with its own .git, and every git mr starts for such a repository is told
// safe.bareRepository=explicit, so it cannot pick up a bare repository below it either.
#include <gtest/gtest.h>

#include "cli_fixture.hpp"

namespace mr::test {
namespace {

class BareRepo : public CliTest {
protected:
  BareRepo() {
    m_proj = make_repo(home() / "src/proj", false);
    // The bare repository, with one commit so that `git push` has something to push.
    const auto inner = m_proj / "inner";
    git(m_proj, {"init", "-q", "--bare", "-b", "master", inner.string()});
    const auto seed = make_repo(root() / "seed", false);
    git(seed, {"push", "-q", inner.string(), "main:master"});
    git(inner, {"config", "remote.origin.url", "ext::sh -c touch% " + marker().string()});
    git(inner, {"config", "protocol.ext.allow", "always"});
    git(inner, {"config", "push.default", "current"});
    git(inner, {"config", "remote.pushDefault", "origin"});
    write_file(m_proj / ".mrconfig.toml", "[repos.\".\"]\n[repos.inner]\n");
    git(m_proj, {"add", "-A"});
    git(m_proj, {"commit", "-q", "-m", "a bare repository and a registry"});
  }

  fs::path marker() const { return root() / "pwn_ext"; }

  fs::path m_proj;
};

TEST_F(BareRepo, NoActionRunsInABareRepositoryOfAnUntrustedFile) {
  const std::string bare = "mr %s: a bare repository (mr manages repositories with a work tree)";
  for (const std::vector<std::string>& args : {std::vector<std::string>{"push"},
                                               {"log"},
                                               {"grep", "x"},
                                               {"record", "-m", "x"},
                                               {"commit", "-m", "x"},
                                               {"clean"},
                                               {"run", "git", "push"},
                                               {"status"},
                                               {"fetch"}}) {
    const auto r = mr(args, m_proj / "inner");
    EXPECT_EQ(r.exit_code, 1) << args[0] << r.out << r.err;
    EXPECT_NE(r.err.find("mr " + args[0] + ": a bare repository"), std::string::npos)
        << args[0] << r.err;
    EXPECT_NE(r.out.find("finished (1 failed)"), std::string::npos) << args[0] << r.out;
    EXPECT_FALSE(fs::exists(marker())) << args[0];
  }
}

TEST_F(BareRepo, GitStartedForAnUntrustedRepositoryIgnoresBareRepositoriesBelowIt) {
  const auto r = mr({"-n", "run", "sh", "-c", "cd inner && git push"}, m_proj);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot use bare repository"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(marker()));
  // Without that setting git would have run the command (the repository is as claimed).
  const auto plain = git_result(m_proj / "inner", {"push"});
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_TRUE(fs::exists(marker()));
}

} // namespace
} // namespace mr::test
