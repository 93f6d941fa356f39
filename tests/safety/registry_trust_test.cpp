// Trust as ssh's StrictModes: a registry file writable by its group or by others, or owned
// by neither the user nor root, is never trusted (not by ~/.mrtrust, not by -t), and the
// message says why. Outside $HOME the nearest-file search only picks up the user's own file.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "cli_fixture.hpp"

namespace mr::test {
namespace {

class RegistryTrust : public CliTest {
protected:
  RegistryTrust() { make_repo(home() / "mine", false); }

  static void chown_to_nobody(const fs::path& p) {
    ASSERT_EQ(::lchown(p.c_str(), 65534, 65534), 0) << p;
  }
};

TEST_F(RegistryTrust, AHomeRegistryWritableByItsGroupMayNotRunCommands) {
  write_file(registry(), "[repos.mine]\n[commands]\nhello = \"echo hi\"\n");
  // A group with members besides the user (a user private group would be fine, as in ssh).
  ASSERT_EQ(::chown(registry().c_str(), ::geteuid(), 65534), 0);
  ::chmod(registry().c_str(), 0664);
  for (const auto& args : std::vector<std::vector<std::string>>{{"list"}, {"-t", "list"}}) {
    const auto r = mr(args, home());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mr: error: " + registry().string() +
                         ":2:2: [commands] is not allowed in an untrusted registry file (" +
                         registry().string() + " is writable by its group, so it is never " +
                         "trusted; chmod g-w " + registry().string() + ")\n");
  }
  ::chmod(registry().c_str(), 0644);
  EXPECT_EQ(mr({"hello"}, home()).exit_code, 0);
}

TEST_F(RegistryTrust, MrtrustCannotTrustAWorldWritableOrForeignFile) {
  const auto file = home() / "proj/.mrconfig.toml";
  write_file(file, "[repos.x]\n[repos.x.commands]\nhello = \"echo hi\"\n");
  fs::create_directories(home() / "proj/x");
  write_file(home() / ".mrtrust", file.string() + "\n");
  EXPECT_EQ(mr({"list"}, home() / "proj").exit_code, 0);
  ::chmod(file.c_str(), 0646);
  auto r = mr({"list"}, home() / "proj");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(
      r.err.find("is writable by others, so it is never trusted; chmod go-w " + file.string()),
      std::string::npos)
      << r.err;
  ::chmod(file.c_str(), 0644);
  chown_to_nobody(file);
  r = mr({"-t", "list"}, home() / "proj");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file.string() + " belongs to uid 65534, neither you nor root, so it is "
                                       "never trusted"),
            std::string::npos)
      << r.err;
}

TEST_F(RegistryTrust, AWorldWritableMrtrustIsAnError) {
  write_file(registry(), "[repos.mine]\n");
  write_file(home() / ".mrtrust", "");
  ::chmod((home() / ".mrtrust").c_str(), 0646);
  const auto r = mr({"list"}, home());
  EXPECT_EQ(r.exit_code, 2);
  const auto trust = (home() / ".mrtrust").string();
  EXPECT_EQ(r.err, "mr: error: " + trust +
                       " is writable by others, so it is never trusted; chmod go-w " + trust +
                       "\n");
}

TEST_F(RegistryTrust, OutsideHomeAnotherUsersNearestFileIsNotPickedUp) {
  write_file(registry(), "[repos.mine]\n");
  const auto shared = root() / "shared";
  make_repo(shared / "theirs", false);
  write_file(shared / ".mrconfig.toml", "[repos.theirs]\n");
  const std::string theirs = "mr list: " + (shared / "theirs").string() + "\n";
  // Owned by the user: used (as any nearest file).
  auto r = mr({"list"}, shared / "theirs");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(theirs, 0), 0u) << r.out;
  // Owned by someone else: as if it were not there, so ~/.mrconfig.toml is the registry.
  chown_to_nobody(shared / ".mrconfig.toml");
  r = mr({"list"}, shared / "theirs");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(r.err, "mr list: no repositories found to work on\n");
  EXPECT_EQ(mr({"-d", home().string(), "list"}, shared / "theirs").exit_code, 0);
  // Root's own file is not the user's either.
  ASSERT_EQ(::lchown((shared / ".mrconfig.toml").c_str(), 0, 0), 0);
  r = mr({"list"}, shared / "theirs", {}, /*as_nobody=*/true);
  EXPECT_EQ(r.err, "mr list: no repositories found to work on\n");
}

TEST_F(RegistryTrust, ANewRegistryIsCreatedWithoutGroupOrOtherWrite) {
  const mode_t old = ::umask(0);
  const auto r = mr({"register"}, home() / "mine");
  ::umask(old);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(registry().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

} // namespace
} // namespace mr::test
