// Where `mr import` writes and what it refuses to read: the output file's name (beside
// FILE, -o, -c), never over an existing file without --force (included files' conversions
// too), a generated registry of hundreds of repositories, jobs, and myrepos' trust rules
// for files other than ~/.mrconfig. Skipped when myrepos is not installed.
#include "myrepos_import_corpus.hpp"

namespace mr::test {

namespace {

class ImportOutput : public ImportTest {
protected:
  fs::path ini() const { return home() / ".mrconfig"; }

  void expect_wrote(const RunResult& r, const fs::path& out, int repositories) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("mr import: wrote " + out.string() + " (" + std::to_string(repositories) +
                         (repositories == 1 ? " repository)\n" : " repositories)\n")),
              std::string::npos)
        << r.out;
    EXPECT_TRUE(fs::exists(out));
  }

  void expect_exists_error(const RunResult& r, const fs::path& out) {
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "mr: error: " + out.string() +
                         " exists; pass --force to replace it, or --dry-run to see the "
                         "conversion\n");
  }
};

const char* const k_two = "[src/a]\ncheckout = git clone 'u' 'a'\n\n"
                          "[src/b]\ncheckout = git clone 'u' 'b'\n";

} // namespace

TEST_F(ImportOutput, DefaultOutputIsBesideTheFile) {
  write_file(ini(), k_two);
  expect_wrote(import({}), home() / ".mrconfig.toml", 2);

  write_file(home() / "work/.mrconfig", "[x]\ncheckout = git clone 'u' 'x'\n");
  expect_wrote(mr({"-t", "import", (home() / "work/.mrconfig").string()}, home()),
               home() / "work/.mrconfig.toml", 1);

  write_file(home() / "cfg/mr.cfg", k_two);
  expect_wrote(mr({"-t", "import", (home() / "cfg/mr.cfg").string()}, home()),
               home() / "cfg/mr.cfg.toml", 2);
}

TEST_F(ImportOutput, OutputOptionAndConfigOption) {
  write_file(ini(), k_two);
  // Outside ~/out, src/a is ~/src/a: a registry file lists that only when trusted (the
  // directory out/ does not exist yet: import makes it).
  const auto untrusted = import({"--dry-run", "-o", (home() / "out/a.toml").string()});
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_EQ(untrusted.err, "mr import: " + ini().string() +
                               ":1: " + (home() / "out/a.toml").string() +
                               " holds repositories outside its directory, which mr reads only "
                               "from a trusted file; list it in ~/.mrtrust\n");
  write_file(home() / ".mrtrust", "~/out/a.toml\n");
  expect_wrote(import({"-o", (home() / "out/a.toml").string()}), home() / "out/a.toml", 2);
  const auto r = mr({"-c", (home() / "c.toml").string(), "import"}, home());
  expect_wrote(r, home() / "c.toml", 2);
  EXPECT_FALSE(fs::exists(home() / ".mrconfig.toml"));
  // Written elsewhere, the relative sections still name the same directories.
  make_repo(home() / "src/a");
  make_repo(home() / "src/b");
  const auto theirs = myrepos({"list"}, home());
  EXPECT_EQ(mr({"-c", (home() / "out/a.toml").string(), "list"}, home()).out, theirs.out);
}

TEST_F(ImportOutput, NeverOverwritesWithoutForce) {
  write_file(ini(), k_two);
  write_file(home() / ".mrconfig.toml", "# mine\n");
  expect_exists_error(import({}), home() / ".mrconfig.toml");
  EXPECT_EQ(read_file(home() / ".mrconfig.toml"), "# mine\n");
  // --dry-run shows the conversion and leaves the file alone.
  const auto dry = import({"--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("src/a"), std::string::npos) << dry.out;
  EXPECT_EQ(read_file(home() / ".mrconfig.toml"), "# mine\n");
  expect_wrote(import({"--force"}), home() / ".mrconfig.toml", 2);
  EXPECT_NE(read_file(home() / ".mrconfig.toml"), "# mine\n");
}

TEST_F(ImportOutput, AnIncludedFilesConversionIsCheckedToo) {
  write_file(home() / ".config/mr/config.d/one", "[src/one]\ncheckout = git clone 'u' 'one'\n");
  write_file(home() / ".config/mr/config.d/two", "[src/two]\ncheckout = git clone 'u' 'two'\n");
  write_file(ini(), std::string("include = cat ~/.config/mr/config.d/*\n") + k_two);
  // config.d/* would match config.d/two.toml: the conversions go to config.d.toml/.
  write_file(home() / ".config/mr/config.d.toml/two.toml", "# mine\n");
  const auto before = snapshot();
  expect_exists_error(import({}), home() / ".config/mr/config.d.toml/two.toml");
  EXPECT_EQ(snapshot(), before) << "nothing is written when one output exists";

  const auto r = import({"--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(written_files(r.out).size(), 3U) << r.out;
  for (const auto& name : {"src/one", "src/two", "src/a", "src/b"}) {
    make_repo(home() / name);
  }
  expect_same({"list"}, home());
}

TEST_F(ImportOutput, GeneratedRegistryOfHundredsOfRepositories) {
  // What years of `mr register` leave behind: one section per repository, appended.
  const int count = 250;
  make_repo(home() / "template", false);
  std::string text;
  for (int i = 0; i < count; ++i) {
    const auto name = "r" + std::to_string((i * 7919) % 1000);
    const auto group = std::string(1, static_cast<char>('a' + i % 5));
    const auto path = "src/" + group + "/" + name;
    text += "\n[" + path + "]\ncheckout = git clone '" + (root() / "remotes").string() + "/" +
            name + ".git' '" + name + "'\n";
    if (i % 11 == 0) {
      text += "order = " + std::to_string(i % 4 * 5) + "\n";
    }
    if (i % 13 == 0) {
      text += "skip = true\n";
    }
    if (i % 17 != 0) { // every 17th is not checked out
      fs::create_directories(home() / path);
      fs::copy(home() / "template/.git", home() / path / ".git", fs::copy_options::recursive);
    }
  }
  write_file(ini(), text);
  const auto r = import({});
  expect_wrote(r, home() / ".mrconfig.toml", count);
  for (const auto& dir : {fs::path("."), fs::path("src/c")}) {
    expect_same({"list"}, home() / dir);
    expect_same({"-s", "list"}, home() / dir);
  }
}

TEST_F(ImportOutput, JobsFromTheFile) {
  make_repo(home() / "src/a");
  make_repo(home() / "src/b");
  write_file(ini(), std::string("jobs = 2\n") + k_two);
  EXPECT_EQ(import({}).exit_code, 0);
  EXPECT_NE(read_file(home() / ".mrconfig.toml").find("[settings]\njobs = 2\n"), std::string::npos);
  // With jobs above 1 myrepos prints no headers for list, only the blank lines; mr prints
  // them (a documented difference). What the repositories print is the same.
  const auto theirs = myrepos({"list"}, home());
  EXPECT_EQ(theirs.out, "\n\nmr list: finished (2 ok)\n");
  const auto ours = mr({"list"}, home());
  EXPECT_EQ(ours.out, "mr list: " + (home() / "src/a").string() + "\n\nmr list: " +
                          (home() / "src/b").string() + "\n\nmr list: finished (2 ok)\n");
  // Each repository's block is the same (myrepos prints them as they finish).
  const auto theirs_run = myrepos({"run", "echo", "hi"}, home());
  const auto ours_run = mr({"run", "echo", "hi"}, home());
  for (const char* name : {"src/a", "src/b"}) {
    const auto block = "mr run: " + (home() / name).string() + "\nhi\n\n";
    EXPECT_NE(theirs_run.out.find(block), std::string::npos) << theirs_run.out;
    EXPECT_NE(ours_run.out.find(block), std::string::npos) << ours_run.out;
  }
}

// A documented difference: myrepos prints a section as written after its directory
// ("/home/me/./src/x", "/home/me/src/y/"); mr prints the path normalised. The same
// repositories, in the same order.
TEST_F(ImportOutput, HeadersAreNormalisedWhereMyreposPrintsTheSectionAsWritten) {
  make_repo(home() / "src/x");
  make_repo(home() / "src/y");
  write_file(ini(), "[./src/x]\ncheckout = git clone 'u' 'x'\n\n"
                    "[src/y/]\ncheckout = git clone 'u' 'y'\n");
  EXPECT_EQ(import({}).exit_code, 0);
  const auto h = home().string();
  EXPECT_EQ(myrepos({"list"}, home()).out, "mr list: " + h + "/./src/x\n\nmr list: " + h +
                                               "/src/y/\n\nmr list: finished (2 ok)\n");
  EXPECT_EQ(mr({"list"}, home()).out,
            "mr list: " + h + "/src/x\n\nmr list: " + h + "/src/y\n\nmr list: finished (2 ok)\n");
}

TEST_F(ImportOutput, UntrustedFilesAreRefusedAsMyreposRefusesThem) {
  const auto cfg = home() / "other/mr.cfg";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[x]\ncheckout = git clone 'u' 'x'\nhello = echo hi\n",
       "illegal setting \"hello=echo hi\" in untrusted " + cfg.string() + " line 3"},
      {"[DEFAULT]\norder = 3\n",
       "illegal section \"[DEFAULT]\" in untrusted " + cfg.string() + " line 1"},
      {"[/abs/x]\ncheckout = git clone 'u' 'x'\n",
       "illegal section \"[/abs/x]\" in untrusted " + cfg.string() + " line 1"},
      {"[x]\ncheckout = git clone 'u' 'x' && rm -rf ~\n",
       "illegal checkout command \"git clone 'u' 'x' && rm -rf ~\" in untrusted " + cfg.string() +
           " line 2"},
  };
  for (const auto& [text, message] : cases) {
    SCOPED_TRACE(text);
    write_file(cfg, text);
    const auto theirs = myrepos({"-c", cfg.string(), "list"}, home());
    EXPECT_NE(theirs.err.find(message), std::string::npos) << theirs.err;
    const auto before = snapshot();
    const auto r = import({cfg.string()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(snapshot(), before);
    // -t trusts it.
    EXPECT_NE(mr({"-t", "import", "--dry-run", cfg.string()}, home()).exit_code, 2);
  }
  // So does ~/.mrtrust.
  write_file(home() / ".mrtrust", "~/other/mr.cfg\n");
  const auto r = import({cfg.string()});
  EXPECT_NE(r.exit_code, 2) << r.err;
  EXPECT_TRUE(fs::exists(home() / "other/mr.cfg.toml"));
}

TEST_F(ImportOutput, UntrustedChainedFileIsRefusedAsMyreposRefusesIt) {
  make_repo(home() / "proj");
  write_file(ini(), "[proj]\ncheckout = git clone 'u' 'proj'\nchain = true\n");
  const auto chained = home() / "proj/.mrconfig";
  write_file(chained, "[sub]\ncheckout = git clone 'u' 'sub'\nstatus = rm -rf ~\n");
  const std::string message =
      "illegal setting \"status=rm -rf ~\" in untrusted " + chained.string() + " line 3";
  const auto theirs = myrepos({"list"}, home());
  EXPECT_NE(theirs.err.find(message), std::string::npos) << theirs.err;
  const auto before = snapshot();
  const auto r = import({});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(mr({"-t", "import"}, home()).exit_code, 0);
}

} // namespace mr::test
