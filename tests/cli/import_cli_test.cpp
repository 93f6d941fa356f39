// `mr import` as a command: where it writes, --force, --dry-run, -o, -c, exit statuses, the
// trust rules and -t, and what a converted registry then does.
#include <sys/stat.h>

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

// TOML holds only UTF-8: such a value is reported and its key left out, never written empty
// (an empty update would do nothing, and say "ok").
TEST_F(ImportCli, AValueThatIsNotUtf8IsReportedAndLeftOut) {
  write_ini("[a]\nupdate = git pull --rebase # caf\xe9\nhi = echo caf\xe9\nbye = echo bye\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 1);
  const auto what = " has a value that is not UTF-8, which TOML cannot hold; write it in UTF-8; "
                    "not converted\n";
  EXPECT_EQ(r.err, "mr import: " + ini().string() + ":2: update" + what +
                       "mr import: " + ini().string() + ":3: hi" + what);
  EXPECT_EQ(read_file(registry()), "\n[repos.\"a\"]\n[repos.\"a\".commands]\nbye = \"echo bye\"\n");
}

// TOML comments may not hold a control character but a tab: such a comment is left out with
// a note (found by fuzzing: the whole conversion failed to load, and nothing was written).
TEST_F(ImportCli, ACommentWithAControlCharacterIsLeftOutWithANote) {
  write_ini("# tab\tok\n# bell\x07here\n# del\x7f\n[a]\nchain = false\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto what = ": note: a comment with a control character; left out: a TOML comment "
                    "cannot hold one\n";
  EXPECT_EQ(r.err, "mr import: " + ini().string() + ":2" + what + "mr import: " + ini().string() +
                       ":3" + what);
  EXPECT_EQ(read_file(registry()), "# tab\tok\n\n[repos.\"a\"]\n");
  EXPECT_EQ(mr({"list"}, home()).exit_code, 1); // it loads (a is not checked out)
}

// A checkout command with a ')' where a word could start made the guess of its version
// control system loop forever (found by fuzzing). The ctest TIMEOUT ends a hang.
TEST_F(ImportCli, ACheckoutWithAClosingParenthesisDoesNotHang) {
  write_ini("[a]\ncheckout = echo )\n[b]\ncheckout = ( git clone https://example.org/b.git b )\n");
  const auto r = mr({"import", "--dry-run"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[repos.\"b\"]\n"), std::string::npos) << r.out;
}

// --force replaces a file, never a FIFO, a device or what a dangling symlink names.
TEST_F(ImportCli, AnOutputThatIsNotARegularFileIsRefusedEvenWithForce) {
  write_ini("[a]\n");
  const auto fifo = root() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto r = mr({"import", "-o", fifo.string(), "--force"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: " + fifo.string() +
                       " is a FIFO, not a file mr import replaces; remove it, or write elsewhere "
                       "with -o\n");
  EXPECT_TRUE(fs::is_fifo(fifo));
  const auto link = root() / "link";
  fs::create_symlink(root() / "missing", link);
  r = mr({"import", "-o", link.string(), "--force"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(link.string() + " is a symbolic link to " + (root() / "missing").string() +
                       ", which does not exist"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_FALSE(fs::exists(root() / "missing"));
}

TEST_F(ImportCli, AnIncludeOfWhatIsNotARegularFileSaysWhatItIs) {
  fs::create_directories(home() / "d");
  write_ini("include = cat ~/d\n[a]\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mr import: " + ini().string() + ":1: included file " + (home() / "d").string() +
                       " is a directory, not a regular file; include a regular file; not "
                       "converted\n");
}

TEST_F(ImportCli, AnUntrustedOutputHoldingOnlySettingsSaysSo) {
  const auto file = root() / "proj" / ".mrconfig";
  write_file(file, "[DEFAULT]\nlib = x=1\n[a]\n");
  const auto r = mr({"-t", "import", file.string()}, root());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(" holds [settings], which mr reads only from a trusted file"),
            std::string::npos)
      << r.err;
}

// A chained file is untrusted: a section that leads out of its directory through a
// symlink is reported and left out, and what is written loads.
TEST_F(ImportCli, AnUntrustedSectionThatEscapesThroughASymlinkIsLeftOut) {
  make_repo(home() / "proj");
  fs::create_directory_symlink("../..", home() / "proj" / "lnk");
  write_ini("[proj]\ncheckout = git clone http://x/p proj\nchain = true\n");
  write_file(home() / "proj" / ".mrconfig",
             "[lnk/.ssh]\ncheckout = git clone 'http://x/s' '.ssh'\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(
      r.err.find((home() / "proj" / ".mrconfig").string() + ":1: section [lnk/.ssh] resolves to "),
      std::string::npos)
      << r.err;
  const auto list = mr({"list"}, home());
  EXPECT_EQ(list.exit_code, 0) << list.err;
}

// myrepos sorts absolute sections by their text, before relative ones: kept as written, mr
// lists them in the same order.
TEST_F(ImportCli, AbsoluteSectionsStayAbsolute) {
  for (const auto* r : {"b", "c", "d", "e"}) {
    make_repo(home() / "src" / r);
  }
  write_ini("[src/e]\ncheckout = git clone /x/e e\n[" + (home() / "src" / "d").string() +
            "]\ncheckout = git clone /x/d d\n[src/c]\ncheckout = git clone /x/c c\n[" +
            (home() / "src" / "b").string() + "]\ncheckout = git clone /x/b b\n");
  ASSERT_EQ(mr({"import"}, home()).exit_code, 0);
  EXPECT_NE(read_file(registry()).find("[repos.\"" + (home() / "src" / "d").string() + "\"]"),
            std::string::npos);
  const auto r = mr({"list"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto at = [&](const char* name) { return r.out.find((home() / "src" / name).string()); };
  EXPECT_LT(at("b"), at("d"));
  EXPECT_LT(at("d"), at("c"));
  EXPECT_LT(at("c"), at("e"));
}

// sh expands a leading ~ in the default of ${VAR:-~/...}: the files there are converted.
TEST_F(ImportCli, ATildeInAVariablesDefaultIsHome) {
  make_repo(home() / "src" / "a");
  fs::create_directories(home() / ".config" / "mr" / "config.d");
  write_file(home() / ".config" / "mr" / "config.d" / "a", "[src/a]\ncheckout = git clone x a\n");
  write_ini("[DEFAULT]\ninclude = cat ${XDG_CONFIG_HOME:-~/.config}/mr/config.d/*\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto list = mr({"list"}, home());
  EXPECT_NE(list.out.find((home() / "src" / "a").string()), std::string::npos) << list.out;
}

// A pattern that matches nothing includes nothing in myrepos: said, not silently dropped.
TEST_F(ImportCli, AnIncludePatternMatchingNothingIsNoted) {
  write_ini("include = cat ~/none/*\n[a]\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(ini().string() + ":1: note: include pattern " +
                       (home() / "none" / "*").string() + " matches no file"),
            std::string::npos)
      << r.err;
}

// Any output an INI include pattern matches is refused, nothing written: myrepos would
// splice the TOML in.
TEST_F(ImportCli, AnOutputMatchedByAnIncludePatternIsRefused) {
  write_file(home() / ".mrconfig.local", "[src/l]\ncheckout = git clone x l\n");
  write_ini("[src/x]\ncheckout = git clone x x\n[DEFAULT]\ninclude = cat ~/.mrconfig.*\n");
  auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(ini().string() + ":4: include = cat " + (home() / ".mrconfig.*").string() +
                       " matches the output "),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(registry()));
  fs::remove(home() / ".mrconfig.local");
  fs::create_directories(home() / ".mr" / "p");
  write_file(home() / ".mr" / "p" / "a", "[src/pa]\ncheckout = git clone x pa\n");
  write_ini("[DEFAULT]\ninclude = cat ~/.mr/*/*\n");
  r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("matches the output " + (home() / ".mr" / "p.toml" / "a.toml").string()),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(home() / ".mr" / "p.toml"));
  EXPECT_FALSE(fs::exists(registry()));
}

// A chained file's includes become an include in its untrusted conversion: said.
TEST_F(ImportCli, AChainedOutputWithAnIncludeMustBeTrusted) {
  make_repo(home() / "src" / "p");
  write_file(home() / "src" / "p" / "inc", "[x]\ncheckout = git clone y x\n");
  write_ini("[src/p]\ncheckout = git clone y p\nchain = true\n");
  write_file(home() / "src" / "p" / ".mrconfig", "[DEFAULT]\ninclude = cat inc\n");
  write_file(home() / ".mrtrust", (home() / "src" / "p" / ".mrconfig").string() + "\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find((home() / "src" / "p" / ".mrconfig.toml").string() +
                       " holds include, which mr reads only from a trusted file; list it in "
                       "~/.mrtrust"),
            std::string::npos)
      << r.err;
}

// cat opens ~/lnk/../x/b as the kernel walks it: ".." after following lnk.
TEST_F(ImportCli, DotDotAfterASymlinkIsResolvedAsTheKernelDoes) {
  fs::create_directories(root() / "far" / "in");
  fs::create_directories(root() / "far" / "x");
  write_file(root() / "far" / "x" / "b", "[far]\ncheckout = git clone y far\n");
  fs::create_directories(home() / "x");
  write_file(home() / "x" / "b", "[near]\ncheckout = git clone y near\n");
  fs::create_directory_symlink(root() / "far" / "in", home() / "lnk");
  write_ini("include = cat ~/lnk/../x/b\n");
  const auto r = mr({"import", "--dry-run"}, home());
  EXPECT_NE(r.out.find("far"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("near"), std::string::npos) << r.out;
}

// sh passes ~/cfg[1]/a literally when the glob matches nothing: the TOML include names
// that file, its "[" escaped.
TEST_F(ImportCli, ALiteralPathWithABracketIsIncludedLiterally) {
  make_repo(home() / "src" / "b");
  fs::create_directories(home() / "cfg[1]");
  write_file(home() / "cfg[1]" / "a", "[src/b]\ncheckout = git clone y b\n");
  write_ini("include = cat ~/cfg[1]/a\n");
  const auto r = mr({"import"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(registry()), "include = [\"cfg\\\\[1]/a.toml\"]\n");
  const auto list = mr({"list"}, home());
  EXPECT_NE(list.out.find((home() / "src" / "b").string()), std::string::npos)
      << list.out << list.err;
}

} // namespace
} // namespace mr::test
