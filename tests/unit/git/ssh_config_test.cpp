// Reading `ssh -G`: the real ssh's answers for a config file, parsed as mr uses them.
#include <fstream>

#include <gtest/gtest.h>

#include "git/ssh_config.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace mr::git {
namespace {

namespace fs = std::filesystem;

class SshG : public ::testing::Test {
protected:
  void SetUp() override {
    fs::create_directories(home() / ".ssh");
    write(home() / ".ssh/id_work", "key\n");
  }
  fs::path home() const { return m_dir.path() / "home"; }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  // What `ssh -G HOST` prints for `config`, with $HOME at home().
  std::string ssh_g(const std::string& config, const std::string& host) {
    write(home() / ".ssh/config", config);
    mr::test::RunOptions options;
    options.env["HOME"] = home().string();
    options.env["PATH"] = "/usr/bin:/bin";
    options.cwd = home();
    const auto r =
        mr::test::run({"ssh", "-F", (home() / ".ssh/config").string(), "-G", host}, options);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  mr::test::TempDir m_dir;
};

TEST_F(SshG, AHostAliasWithItsSettings) {
  const auto t = parse_ssh_g(ssh_g("Host work\n  HostName git.example.org\n  Port 2222\n"
                                   "  User alice\n  IdentityFile ~/.ssh/id_work\n"
                                   "  IdentityFile ~/.ssh/id_missing\n",
                                   "work"),
                             home());
  EXPECT_EQ(t.hostname, "git.example.org");
  EXPECT_EQ(t.port, "2222");
  EXPECT_EQ(t.user, "alice");
  ASSERT_EQ(t.identity_files.size(), 1U) << "only key files that exist";
  EXPECT_EQ(t.identity_files.front(), home() / ".ssh/id_work");
  EXPECT_FALSE(t.needs_openssh);
  EXPECT_EQ(t.known_hosts_name(), "[git.example.org]:2222");
}

TEST_F(SshG, AProxyJumpNeedsOpenssh) {
  const auto t = parse_ssh_g(ssh_g("Host inner\n  ProxyJump bastion\n", "inner"), home());
  EXPECT_EQ(t.hostname, "inner");
  EXPECT_TRUE(t.needs_openssh);
  EXPECT_EQ(t.why_openssh, "ProxyJump bastion");
  EXPECT_EQ(t.known_hosts_name(), "inner");
}

TEST_F(SshG, KnownHostsFilesAndAnAlias) {
  const auto t = parse_ssh_g(ssh_g("Host h\n  UserKnownHostsFile ~/.ssh/kh1 ~/.ssh/kh2\n"
                                   "  HostKeyAlias shared\n",
                                   "h"),
                             home());
  ASSERT_GE(t.known_hosts.size(), 2U);
  EXPECT_EQ(t.known_hosts[0], home() / ".ssh/kh1");
  EXPECT_EQ(t.known_hosts[1], home() / ".ssh/kh2");
  EXPECT_EQ(t.host_key_alias, "shared");
}

} // namespace
} // namespace mr::git
