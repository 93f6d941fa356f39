// `mr import` as a command: where it writes, --force, --dry-run, -o, -c, exit statuses, the
// trust rules and -t, and what a converted registry then does.
#include <gtest/gtest.h>

#include "cli_fixture.hpp"

namespace mr::test {
namespace {

class ImportCli : public CliTest {
protected:
  fs::path ini() const { return home() / ".mrconfig"; }

  void write_ini(const std::string& text) { write_file(ini(), text); }
};

TEST_F(ImportCli, WritesTheTomlBesideTheIniAndSaysSo) {
  write_ini("[src/a]\ncheckout = git clone 'https://x/a.git' 'a'\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "mr import: wrote " + registry().string() + " (1 repository)\n");
  EXPECT_EQ(read_file(registry()), "\n[repos.\"src/a\"]\nurl = \"https://x/a.git\"\n");
}

TEST_F(ImportCli, NeverOverwritesWithoutForce) {
  write_ini("[a]\n");
  write_file(registry(), "# mine\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "mr: error: " + registry().string() +
                       " exists; pass --force to replace it, or --dry-run to see the conversion\n");
  EXPECT_EQ(read_file(registry()), "# mine\n");
  const auto forced = mr({"import", "--force"}, home());
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(read_file(registry()), "\n[repos.\"a\"]\n");
}

TEST_F(ImportCli, DryRunPrintsEveryFileAndWritesNothing) {
  fs::create_directories(home() / "mr.d");
  write_file(home() / "mr.d" / "x", "[x]\n");
  write_ini("include = cat ~/mr.d/*\n[a]\n");
  const auto r = mr({"import", "--dry-run"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "# ==> " + (home() / "mr.d.toml" / "x.toml").string() +
                       " <==\n\n[repos.\"~/x\"]\n" + "# ==> " + registry().string() +
                       " <==\ninclude = [\"mr.d.toml/*.toml\"]\n\n" + "[repos.\"a\"]\n");
  EXPECT_FALSE(fs::exists(registry()));
  EXPECT_FALSE(fs::exists(home() / "mr.d.toml"));
}

TEST_F(ImportCli, OutputFromDashOAndDashC) {
  write_file(root() / "other.conf", "[a]\n");
  const auto out = root() / "o" / "x.toml";
  fs::create_directories(out.parent_path());
  // other.conf is not trusted: a repository outside the output's directory is refused.
  auto r = mr({"import", (root() / "other.conf").string(), "-o", out.string()}, root());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(read_file(out), "");
  r = mr({"-t", "import", "--force", (root() / "other.conf").string(), "-o", out.string()}, root());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The section was relative to other.conf's directory: from o/ it is that directory.
  EXPECT_EQ(read_file(out), "\n[repos.\"" + (root() / "a").string() + "\"]\n");
  r = mr({"-c", (root() / "c.toml").string(), "import", (root() / "other.conf").string()}, root());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(root() / "c.toml"), "\n[repos.\"a\"]\n");
  r = mr({"import", (root() / "other.conf").string()}, root());
  EXPECT_EQ(read_file(root() / "other.conf.toml"), "\n[repos.\"a\"]\n");
}

TEST_F(ImportCli, PartialImportWritesTheRestAndExitsOne) {
  write_ini("[a]\nfoo = perl: 1\nbar = echo bar\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mr import: " + ini().string() +
                       ":2: 'foo' is perl code (foo = perl: 1); rewrite it as a shell command; "
                       "not converted\n");
  EXPECT_EQ(read_file(registry()), "\n[repos.\"a\"]\n[repos.\"a\".commands]\nbar = \"echo bar\"\n");
}

TEST_F(ImportCli, MalformedIniIsAnErrorWithFileAndLine) {
  write_ini("[a]\n  oops\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("mr: error: " + ini().string() + ":2: parse error", 0), 0u) << r.err;
  EXPECT_FALSE(fs::exists(registry()));
}

TEST_F(ImportCli, UntrustedFilesFollowMyreposRulesUnlessDashT) {
  const auto file = root() / "proj" / ".mrconfig";
  write_file(file, "[a]\nstatus = echo custom\n");
  auto r = mr({"import", file.string()}, root());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "mr: error: illegal setting \"status=echo custom\" in untrusted " + file.string() +
                " line 2 (to trust this file, list it in ~/.mrtrust, or run mr -t import)\n");
  EXPECT_FALSE(fs::exists(file.string() + ".toml"));
  r = mr({"-t", "import", file.string()}, root());
  EXPECT_EQ(r.exit_code, 1) << r.err; // the output is not trusted: reported
  EXPECT_NE(r.err.find("list it in ~/.mrtrust"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(file.string() + ".toml"),
            "\n[repos.\"a\"]\n[repos.\"a\".commands]\nstatus = \"echo custom\"\n");
}

TEST_F(ImportCli, ImportRunsWhenTheTomlRegistryIsBroken) {
  write_ini("[a]\n");
  write_file(registry(), "[broken\n");
  EXPECT_EQ(mr({"list"}, home()).exit_code, 2);
  const auto r = mr({"import", "--force"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(registry()), "\n[repos.\"a\"]\n");
}

TEST_F(ImportCli, UsageErrors) {
  EXPECT_EQ(mr({"import", "--bogus"}, home()).exit_code, 2);
  EXPECT_EQ(mr({"import", "a", "b"}, home()).exit_code, 2);
  EXPECT_EQ(mr({"import", "-o"}, home()).exit_code, 2);
  const auto r = mr({"import"}, home()); // no ~/.mrconfig
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(ini().string() + " does not exist"), std::string::npos) << r.err;
}

TEST_F(ImportCli, AConvertedRegistryRunsTheSameCommands) {
  make_repo(home() / "src" / "a");
  make_repo(home() / "src" / "b");
  write_ini("[DEFAULT]\nlib = greet() { echo \"hi from $(basename $MR_REPO)\"; }\nhello = greet\n"
            "[src/b]\norder = 1\n[src/a]\nskip = true\n");
  ASSERT_EQ(mr({"import"}, home()).exit_code, 0);
  const auto r = mr({"-j1", "hello"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mr hello: " + (home() / "src" / "b").string() +
                       "\nhi from b\n\nmr hello: finished (1 ok; 1 skipped)\n");
}

} // namespace
} // namespace mr::test
