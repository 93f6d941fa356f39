// Trust goes with where a registry file is found, because its relative paths (repositories,
// includes, chains) are taken from there: a cloned project that commits
// `.mrconfig.toml -> ../../.mrconfig.toml` gets no trust from the user's file, so neither
// the project's own includes nor the user's commands run on the project's directories
// (found as the nearest file, such a link is the user's file, already loaded: it adds
// nothing).
#include <gtest/gtest.h>

#include "cli_fixture.hpp"

namespace mr::test {
namespace {

class RegistryTrustLink : public CliTest {
protected:
  // A file that exists only if a command the user did not mean to run ran.
  fs::path marker() const { return root() / "PWNED"; }
  std::string touch_marker() const { return "touch '" + marker().string() + "'"; }

  // The project's link to ~/.mrconfig.toml was not loaded as a file of the project: no
  // repository of the project is registered, and no command ran.
  void expect_nothing_through_link(const RunResult& r, const std::string& action) const {
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "mr " + action + ": no repositories found to work on\n");
    EXPECT_FALSE(fs::exists(marker()));
  }

  static void expect_refused_as_link(const RunResult& r, const fs::path& link) {
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("is not allowed in an untrusted registry file (" + link.string() +
                         " is a symbolic link to "),
              std::string::npos)
        << r.err;
  }
};

TEST_F(RegistryTrustLink, ALinkToTheHomeRegistryDoesNotTrustTheProjectsIncludes) {
  fs::create_directories(home() / ".mr.d");
  write_file(registry(), "include = [\".mr.d/*.toml\"]\n");
  const auto proj = make_repo(home() / "src/proj", false);
  fs::create_symlink("../../.mrconfig.toml", proj / ".mrconfig.toml");
  write_file(proj / ".mr.d/x.toml",
             "[commands]\nstatus = \"" + touch_marker() + "\"\n[repos.\".\"]\n");
  // Found from the project, the link is ~/.mrconfig.toml, which is loaded first anyway:
  // each file is loaded once, where it really is, so the link adds nothing.
  auto r = mr({"status"}, proj);
  expect_nothing_through_link(r, "status");
  // Named on its own, it is the project's file, and not trusted.
  r = mr({"-c", (proj / ".mrconfig.toml").string(), "status"}, proj);
  expect_refused_as_link(r, proj / ".mrconfig.toml");
  EXPECT_FALSE(fs::exists(marker()));
}

TEST_F(RegistryTrustLink, TheUsersCommandsDoNotRunOnTheProjectsDirectories) {
  // ~/src/x is the user's; through the link, "src/x" would be the project's src/x.
  write_file(registry(), "[commands]\nhello = \"" + touch_marker() + "\"\n[repos.\"src/x\"]\n");
  const auto proj = make_repo(home() / "src/proj", false);
  make_repo(proj / "src/x", false);
  fs::create_symlink("../../.mrconfig.toml", proj / ".mrconfig.toml");
  auto r = mr({"hello"}, proj);
  expect_nothing_through_link(r, "hello");
  r = mr({"hello"}, proj, {{"MR_CONFIG", (proj / ".mrconfig.toml").string()}});
  expect_refused_as_link(r, proj / ".mrconfig.toml");
  EXPECT_FALSE(fs::exists(marker()));
}

TEST_F(RegistryTrustLink, AChainedLinkToATrustedFileIsNotTrusted) {
  const auto trusted = home() / "work/w.toml";
  write_file(trusted, "[commands]\nhello = \"" + touch_marker() + "\"\n[repos.x]\n");
  write_file(home() / ".mrtrust", trusted.string() + "\n");
  const auto proj = make_repo(home() / "src/proj", false);
  make_repo(proj / "x", false);
  fs::create_symlink(trusted, proj / ".mrconfig.toml");
  write_file(registry(), "[repos.\"src/proj\"]\nchain = true\n");
  const auto r = mr({"hello"}, home());
  expect_refused_as_link(r, proj / ".mrconfig.toml");
  EXPECT_FALSE(fs::exists(marker()));
}

TEST_F(RegistryTrustLink, ThroughALinkToItsDirectoryATrustedFilesDotDotIsThePhysicalParent) {
  // The user's trusted conf/.mrconfig.toml includes ../inc.toml. A project links c -> conf;
  // from proj/c, "../inc.toml" read as text would be the project's own proj/inc.toml.
  const auto conf = root() / "conf";
  write_file(conf / ".mrconfig.toml", "include = \"../inc.toml\"\n[repos.r]\n");
  write_file(root() / "inc.toml", "[commands]\nhello = \"echo mine\"\n");
  write_file(home() / ".mrtrust", (conf / ".mrconfig.toml").string() + "\n");
  make_repo(conf / "r", false);
  const auto proj = make_repo(home() / "src/proj", false);
  write_file(proj / "inc.toml", "[commands]\nhello = \"" + touch_marker() + "\"\n");
  fs::create_directory_symlink(conf, proj / "c");
  const auto r = mr({"hello"}, proj / "c");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "mr hello: " + (proj / "c/r").string() + "\nmine\n\nmr hello: finished (1 ok)\n");
  EXPECT_FALSE(fs::exists(marker()));
}

TEST_F(RegistryTrustLink, LinksThatKeepTheirDirectoryStayTrusted) {
  // A dotfile manager's ~/.mrconfig.toml -> ~/dotfiles/mrconfig.toml: paths from ~.
  write_file(home() / "dotfiles/mrconfig.toml",
             "[commands]\nhello = \"echo hi\"\n[repos.\"src/a\"]\n");
  fs::create_symlink(home() / "dotfiles/mrconfig.toml", registry());
  const auto a = make_repo(home() / "src/a", false);
  auto r = mr({"hello"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mr hello: " + a.string() + "\nhi\n\nmr hello: finished (1 ok)\n");
  // A link beside a listed file, to it: the same directory, so the same paths.
  const auto proj = home() / "proj";
  write_file(proj / "mr.toml", "[commands]\nhello = \"echo there\"\n[repos.b]\n");
  fs::create_symlink("mr.toml", proj / ".mrconfig.toml");
  write_file(home() / ".mrtrust", (proj / "mr.toml").string() + "\n");
  const auto b = make_repo(proj / "b", false);
  r = mr({"hello"}, proj);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mr hello: " + b.string() + "\nthere\n\nmr hello: finished (1 ok)\n");
}

} // namespace
} // namespace mr::test
