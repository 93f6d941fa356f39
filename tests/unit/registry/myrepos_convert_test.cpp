// What `mr import` makes of each myrepos construct: the TOML text, byte for byte, and the
// reports for what it could not convert exactly.
#include <unistd.h>

#include <gtest/gtest.h>

#include <mr/registry/import.hpp>
#include <mr/registry/registry.hpp>

#include "cli_fixture.hpp"
#include "registry/myrepos_convert.hpp"
#include "registry/toml_support.hpp"

namespace mr::registry {

namespace {

class MyreposConvert : public ::testing::Test {
protected:
  MyreposConvert() { fs::create_directories(home()); }

  fs::path home() const { return m_tmp.path() / "home"; }
  fs::path ini() const { return home() / ".mrconfig"; }

  ImportOptions options(const fs::path& out) const {
    ImportOptions o;
    o.input = ini();
    o.output = out;
    o.home = home();
    return o;
  }

  // The plan for `text` as ~/.mrconfig.
  ImportPlan plan(const std::string& text, bool run_includes = false) {
    test::write_file(ini(), text);
    ImportOptions o;
    o.input = ini();
    o.output = home() / ".mrconfig.toml";
    o.home = home();
    o.run_includes = run_includes;
    o.shell = [&](const std::string& command, const fs::path& dir) -> Result<ShellOutput> {
      m_ran.push_back(command + " in " + dir.string());
      return ShellOutput{m_shell_output, 0};
    };
    auto r = plan_import(o);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : ImportPlan{};
  }

  // The main file's TOML for `text`, with no report expected.
  std::string exact(const std::string& text) {
    const auto p = plan(text);
    EXPECT_EQ(reports(p), "");
    return p.files.empty() ? "" : p.files.back().text;
  }

  static std::string reports(const ImportPlan& p) {
    std::string out;
    for (const auto& r : p.reports) {
      out += r.str() + "\n";
    }
    return out;
  }

  test::TempDir m_tmp;
  std::vector<std::string> m_ran;
  std::string m_shell_output;
};

TEST_F(MyreposConvert, RegisterOutputBecomesUrl) {
  EXPECT_EQ(exact("\n[src/a]\ncheckout = git clone 'https://x/a.git' 'a'\n"),
            "\n[repos.\"src/a\"]\nurl = \"https://x/a.git\"\n");
}

TEST_F(MyreposConvert, CloneBranchAndDefaultDirectory) {
  EXPECT_EQ(exact("[b]\ncheckout = git clone --branch=dev https://x/b.git\n"
                  "[c]\ncheckout = git clone -b \"main\" git@h:c c\n"),
            "\n[repos.\"b\"]\nurl = \"https://x/b.git\"\nbranch = \"dev\"\n"
            "\n[repos.\"c\"]\nurl = \"git@h:c\"\nbranch = \"main\"\n");
}

TEST_F(MyreposConvert, RecursiveCloneFetchesSubmodulesAfterCheckout) {
  EXPECT_EQ(exact("[r]\ncheckout = git clone --recursive https://x/r\n"),
            "\n[repos.\"r\"]\nurl = \"https://x/r\"\n[repos.\"r\".commands]\n"
            "post_checkout = '''\ncd \"$MR_REPO\"\ngit submodule update --init --recursive\n'''\n");
}

TEST_F(MyreposConvert, CompoundAndForeignCheckoutsStayCommands) {
  const auto text = exact("[a]\ncheckout = git clone https://x/a other && cd other\n"
                          "[b]\ncheckout = git clone https://x/b b && cd b && git checkout v1\n");
  EXPECT_NE(text.find("[repos.\"a\".commands]\ncheckout = \"git clone https://x/a other && cd "
                      "other\"\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("checkout = \"git clone https://x/b b && cd b && git checkout v1\"\n"),
            std::string::npos);
}

TEST_F(MyreposConvert, NonGitRepositoriesGetMyreposCommandsForTheirType) {
  const auto p = plan("[s]\ncheckout = svn co https://x/s s\n");
  ASSERT_EQ(p.files.size(), 1u);
  const auto& text = p.files[0].text;
  EXPECT_NE(text.find("status = \"svn status \\\"$@\\\"\""), std::string::npos) << text;
  EXPECT_NE(text.find("update = \"svn update \\\"$@\\\"\""), std::string::npos);
  EXPECT_NE(text.find("checkout = \"svn co https://x/s s\""), std::string::npos);
  // myrepos has no svn fetch or record: skipped, as myrepos skips them.
  EXPECT_NE(text.find("skip = '''\ncase \"$1\" in fetch|record) exit 0;; esac\nexit 1'''"),
            std::string::npos)
      << text;
  EXPECT_EQ(reports(p), ini().string() +
                            ":1: note: myrepos has no svn command for fetch, record and skips "
                            "the repository for them; mr skips it through skip\n");
  EXPECT_FALSE(p.partial());
}

// A type test of the user's own is code myrepos runs; mr cannot: reported (exit 1).
TEST_F(MyreposConvert, AUserTypeTestIsReportedAsNotEvaluated) {
  fs::create_directories(home() / "a/.git");
  const auto p = plan("[DEFAULT]\nfoo_test = test -e .foo\n[a]\n");
  const auto r = reports(p);
  EXPECT_NE(r.find(ini().string() + ":2: 'foo_test = test -e .foo' decides a repository type with "
                                    "code mr cannot run"),
            std::string::npos)
      << r;
  EXPECT_TRUE(p.partial());
}

TEST_F(MyreposConvert, DefaultCopiesForwardAndSharedCommandsGoToCommands) {
  // pre_status reaches both sections and stays in [DEFAULT]: [commands]. hello is set
  // after [a]: only b has it, so it is b's alone.
  const auto text =
      exact("[DEFAULT]\npre_status = echo pre\n[a]\n[DEFAULT]\nhello = echo hi\n[b]\n");
  EXPECT_EQ(text, "\n[commands]\npre_status = \"echo pre\"\n\n[repos.\"a\"]\n\n[repos.\"b\"]\n"
                  "[repos.\"b\".commands]\nhello = \"echo hi\"\n");
}

TEST_F(MyreposConvert, GitActionOverridesAppendPrependAndDefault) {
  // hello_default is what a section without a hello of its own runs.
  const auto text = exact("[DEFAULT]\ngit_update = git pull --rebase\nhello_default = echo d\n"
                          "[a]\nstatus_append = echo x\nlog_prepend = echo first\n"
                          "[b]\nhello = echo b\n");
  // Every repository has a hello: [DEFAULT]'s goes to [commands], b keeps its own.
  EXPECT_EQ(text, "\n[commands]\nhello = \"echo d\"\nupdate = \"git pull --rebase\"\n"
                  "\n[repos.\"a\"]\n[repos.\"a\".commands]\n"
                  "log = '''\necho first\n'''\nstatus = '''\n\necho x\n'''\n"
                  "\n[repos.\"b\"]\n[repos.\"b\".commands]\nhello = \"echo b\"\n");
}

TEST_F(MyreposConvert, LibAccumulatesAndJobsAndAliases) {
  const auto text = exact("jobs = 4\n[DEFAULT]\nlib = a() { :; }\n[ALIAS]\nup = update\n[x]\n"
                          "lib = b() { :; }\n");
  EXPECT_EQ(text, "\n[settings]\njobs = 4\n\n[alias]\nup = \"update\"\n\n[repos.\"x\"]\n"
                  "lib = '''\n\na() { :; }\n\nb() { :; }\n'''\n");
}

TEST_F(MyreposConvert, SkipDeletedOrderChain) {
  const auto text = exact("[a]\nskip = true\norder = 3\nchain = true\n[b]\n"
                          "skip = lazy\ndeleted = test -e /x\norder = 2.5\n");
  EXPECT_EQ(text, "\n[repos.\"a\"]\nskip = true\norder = 3\nchain = true\n"
                  "\n[repos.\"b\"]\nskip = \"lazy\"\ndeleted = \"test -e /x\"\norder = 2.5\n");
}

// myrepos 1.20180726 skips a repository with skip = false, and takes deleted = false as
// deleted: its shortcut for `false` returns 1, which its test reads as success.
TEST_F(MyreposConvert, FalseSkipsInMyreposAndIsReported) {
  const auto p = plan("[a]\nskip = false\ndeleted = false\n");
  EXPECT_EQ(p.files.back().text, "\n[repos.\"a\"]\nskip = true\ndeleted = true\n");
  EXPECT_EQ(reports(p),
            ini().string() +
                ":2: note: skip = false skips the repository in myrepos (its `false` "
                "shortcut counts as success); written as skip = true; write false if "
                "that was not meant\n" +
                ini().string() +
                ":3: note: deleted = false marks as deleted the repository in myrepos (its "
                "`false` shortcut counts as success); written as deleted = true; write "
                "false if that was not meant\n");
  EXPECT_FALSE(p.partial()) << "it behaves as in myrepos: a note, the import is whole";
}

TEST_F(MyreposConvert, FixupsRunAfterCheckoutAndUpdate) {
  const auto text = exact("[a]\npost_update = echo post\nfixups = echo fix\n");
  EXPECT_EQ(text, "\n[repos.\"a\"]\n[repos.\"a\".commands]\n"
                  "post_checkout = '''\ncd \"$MR_REPO\"\necho fix'''\n"
                  "post_update = '''\n(\necho post\n)\necho fix'''\n");
}

TEST_F(MyreposConvert, CommentsStayWhereTheyStood) {
  const auto text = exact("# head\n[DEFAULT]\n# shared\nfoo = echo foo\n# above a\n[a]\n"
                          "# the url\ncheckout = git clone https://x/a a\n# tail\n");
  EXPECT_EQ(text, "# head\n\n[commands]\n# shared\nfoo = \"echo foo\"\n\n# above a\n"
                  "[repos.\"a\"]\n# the url\nurl = \"https://x/a\"\n# tail\n");
}

TEST_F(MyreposConvert, MultiLineValuesKeepTheirExactBytes) {
  for (const std::string value :
       {"a\n\tb\n", "it's '''\n\"x\" \\", "a\nb'", "\x01\n\r\nz", "\n\n"}) {
    const auto toml = myrepos::toml_string(value);
    ASSERT_TRUE(toml);
    auto r = toml_support::parse("k = " + *toml, "t.toml");
    ASSERT_TRUE(r) << *toml;
    EXPECT_EQ((*r)["k"].value<std::string>(), value) << *toml;
  }
  EXPECT_FALSE(myrepos::toml_string("\xff"));
}

// myrepos takes "~" literally (a directory named ~ here) and expands $HOME. Its order (by
// section as written) is mr's for these keys: no order is added.
TEST_F(MyreposConvert, PathsOfEveryShape) {
  const auto text = exact("[~/x]\n[$HOME/y]\n[/abs/z]\n[a/../b]\n[.]\n");
  EXPECT_EQ(text, "\n[repos.\"./~/x\"]\n\n[repos.\"$HOME/y\"]\n"
                  "\n[repos.\"/abs/z\"]\n\n[repos.\"b\"]\n"
                  "\n[repos.\".\"]\n");
}

TEST_F(MyreposConvert, PerlAndShellIncludesAreReported) {
  const auto p = plan("[a]\nfoo = perl: 1\ninclude = ls *.mr\n");
  EXPECT_EQ(reports(p),
            ini().string() +
                ":2: 'foo' is perl code (foo = perl: 1); rewrite it as a shell "
                "command; not converted\n" +
                ini().string() +
                ":3: include = ls *.mr needs a shell to evaluate; run mr import --run-includes to "
                "convert its output, or write include = cat FILE\n");
}

TEST_F(MyreposConvert, RunIncludesConvertsTheOutputInline) {
  m_shell_output = "[inc]\ncheckout = git clone https://x/inc inc\n";
  const auto p = plan("include = ls *.mr\n", true);
  EXPECT_EQ(reports(p), "");
  ASSERT_EQ(p.files.size(), 1u);
  EXPECT_EQ(p.files[0].text, "\n[repos.\"inc\"]\nurl = \"https://x/inc\"\n");
  EXPECT_EQ(m_ran, std::vector<std::string>{"ls *.mr in " + home().string()});
}

TEST_F(MyreposConvert, CatIncludesBecomeTomlIncludes) {
  fs::create_directories(home() / "mr.d");
  test::write_file(home() / "mr.d" / "one", "[src/one]\ncheckout = git clone https://x/one one\n");
  test::write_file(home() / "mr.d" / "two", "[src/two]\n");
  const auto p = plan("include = cat ~/mr.d/two\n[a]\n");
  EXPECT_EQ(reports(p), "");
  ASSERT_EQ(p.files.size(), 2u);
  EXPECT_EQ(p.files[0].path, home() / "mr.d" / "two.toml");
  // Its paths were relative to ~ (where it is included): rewritten from its own directory.
  EXPECT_EQ(p.files[0].text, "\n[repos.\"~/src/two\"]\n");
  EXPECT_EQ(p.files[1].text, "include = [\"mr.d/two.toml\"]\n\n[repos.\"a\"]\n");
}

// myrepos would splice in whatever mr.d/* matches, a converted mr.d/one.toml too: the
// conversions go to mr.d.toml/, for every pattern of the import that would match them.
TEST_F(MyreposConvert, CatIncludesNeverMatchTheirOwnConversion) {
  fs::create_directories(home() / "mr.d");
  test::write_file(home() / "mr.d" / "one", "[src/one]\ncheckout = git clone https://x/one one\n");
  const auto p = plan("include = cat ~/mr.d/*\n[a]\n");
  EXPECT_EQ(reports(p), "");
  ASSERT_EQ(p.files.size(), 2u);
  EXPECT_EQ(p.files[0].path, home() / "mr.d.toml" / "one.toml");
  EXPECT_EQ(p.files[0].text, "\n[repos.\"~/src/one\"]\nurl = \"https://x/one\"\n");
  EXPECT_EQ(p.files[1].text, "include = [\"mr.d.toml/*.toml\"]\n\n[repos.\"a\"]\n");
  // A file named on its own, which an earlier pattern of the import matches.
  const auto q = plan("include = cat ~/mr.d/o*\ninclude = cat ~/mr.d/one\n");
  ASSERT_EQ(q.files.size(), 2u) << reports(q);
  EXPECT_EQ(q.files[0].path, home() / "mr.d.toml" / "one.toml");
  EXPECT_EQ(q.files[1].text, "include = [\"mr.d.toml/o*.toml\", \"mr.d.toml/one.toml\"]\n");
  // One that a later pattern matches is refused: nothing is planned.
  test::write_file(ini(), "include = cat ~/mr.d/one\ninclude = cat ~/mr.d/*.toml\n");
  const auto r = plan_import(options(home() / ".mrconfig.toml"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            ini().string() + ":2: include = cat " + (home() / "mr.d" / "*.toml").string() +
                " matches the output " + (home() / "mr.d" / "one.toml").string() +
                ", which myrepos would then read as its own; write that include so it does not "
                "match; nothing was written");
}

// ~, $NAME, ${NAME}, ${NAME:-DEFAULT} and quotes are all a cat include needs of the shell.
TEST_F(MyreposConvert, CatIncludesWithQuotesAndVariables) {
  fs::create_directories(home() / "d");
  test::write_file(home() / "d" / "x", "[x]\n");
  ::setenv("MR_TEST_D", (home() / "d").c_str(), 1);
  ::unsetenv("MR_TEST_UNSET");
  for (const auto& line : std::vector<std::string>{
           "cat \"${MR_TEST_D}/x\"", "cat $MR_TEST_D/x", "cat '" + (home() / "d").string() + "'/x",
           "cat ${MR_TEST_UNSET:-$MR_TEST_D}/x", "cat ~/\"d\"/x"}) {
    const auto p = plan("include = " + line + "\n");
    EXPECT_EQ(reports(p), "") << line;
    ASSERT_EQ(p.files.size(), 2u) << line;
    EXPECT_EQ(p.files[0].path, home() / "d" / "x.toml") << line;
  }
  for (const std::string line : {"cat $MR_TEST_UNSET/x", "cat \"$(pwd)/x\"", "cat -n d/x",
                                 "cat d/x | head", "cat '~/d/*'", "cat ${MR_TEST_D%/d}/d/x"}) {
    const auto p = plan("include = " + line + "\n");
    EXPECT_NE(reports(p).find("needs a shell to evaluate"), std::string::npos) << line;
  }
  ::unsetenv("MR_TEST_D");
}

// An included file in a directory that is not the user's (another owner, or not writable)
// is converted into the including file, under a comment naming it: nothing is planted there.
TEST_F(MyreposConvert, IncludeFromADirectoryNotYoursIsConvertedInline) {
  const auto dir = home() / "shared";
  fs::create_directories(dir);
  test::write_file(dir / "x", "# x's own\n[src/x]\n");
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(dir.c_str(), 65534, 65534), 0); // nobody's, as /usr/share/mr is root's
  } else {
    fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  }
  const auto p = plan("include = cat ~/shared/x\n[a]\n");
  fs::permissions(dir, fs::perms::owner_all);
  ASSERT_EQ(p.files.size(), 1u);
  EXPECT_EQ(p.files[0].text, "\n# included from " + (dir / "x").string() +
                                 "\n# x's own\n[repos.\"src/x\"]\n\n[repos.\"a\"]\n");
  EXPECT_EQ(reports(p), ini().string() + ":1: note: included file " + (dir / "x").string() +
                            " is converted into " + (home() / ".mrconfig.toml").string() +
                            ", not beside it; its directory is not yours to write\n");
  EXPECT_FALSE(p.partial());
}

// A command [DEFAULT] gives every repository, those of an untrusted chained file too, goes
// to [commands] (mr applies it to every repository); a trusted one's own stays its own.
TEST_F(MyreposConvert, DefaultCommandsReachUntrustedChainedRepositories) {
  fs::create_directories(home() / "c");
  fs::create_directories(home() / "t");
  test::write_file(home() / "c" / ".mrconfig", "[sub]\nchain = true\n");
  test::write_file(home() / "t" / ".mrconfig", "[DEFAULT]\nhello = echo own\n[tsub]\n");
  test::write_file(home() / ".mrtrust", "~/t/.mrconfig\n~/t/.mrconfig.toml\n");
  const auto p = plan("[DEFAULT]\nhello = echo hi\n[c]\nchain = true\n[t]\nchain = true\n");
  EXPECT_EQ(reports(p), "");
  ASSERT_EQ(p.files.size(), 3u);
  EXPECT_EQ(p.files[0].text, "\n[repos.\"sub\"]\nchain = true\n");
  EXPECT_EQ(p.files[1].text,
            "\n[repos.\"tsub\"]\n[repos.\"tsub\".commands]\nhello = \"echo own\"\n");
  EXPECT_EQ(p.files[2].text, "\n[commands]\nhello = \"echo hi\"\n\n[repos.\"c\"]\nchain = "
                             "true\n\n[repos.\"t\"]\nchain = true\n");
}

TEST_F(MyreposConvert, ChainedFilesAreConvertedBesideThemselves) {
  fs::create_directories(home() / "c");
  test::write_file(home() / "c" / ".mrconfig", "[sub]\ncheckout = git clone https://x/sub sub\n");
  const auto p = plan("[c]\nchain = true\n[d]\nchain = test -d /\n");
  ASSERT_EQ(p.files.size(), 2u);
  EXPECT_EQ(p.files[0].path, home() / "c" / ".mrconfig.toml");
  // myrepos lists the chained file's repositories after the file's own (its directory
  // sorts after theirs), and so does mr: no order is added.
  EXPECT_EQ(p.files[0].text, "\n[repos.\"sub\"]\nurl = \"https://x/sub\"\n");
  EXPECT_EQ(p.files[1].text, "\n[repos.\"c\"]\nchain = true\n\n[repos.\"d\"]\n");
  EXPECT_EQ(reports(p), ini().string() +
                            ":4: chain = test -d / is decided by a shell command; run mr import "
                            "--run-includes to evaluate it, or write chain = true\n");
  // An untrusted chained file follows myrepos' rules.
  test::write_file(home() / "c" / ".mrconfig", "[sub]\nupdate = rm -rf ~\n");
  test::write_file(ini(), "[c]\nchain = true\n");
  auto r = plan_import(options(home() / ".mrconfig.toml"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("illegal setting \"update=rm -rf ~\" in untrusted " +
                                        (home() / "c" / ".mrconfig").string() + " line 2",
                                    0),
            0u)
      << r.error().message;
}

TEST_F(MyreposConvert, SectionsNeedingAShellAreReported) {
  const auto p = plan("[$(hostname)/x]\nfoo = echo\n[a]\n");
  EXPECT_EQ(p.files.back().text, "\n[repos.\"a\"]\n");
  EXPECT_EQ(reports(p), ini().string() +
                            ":1: section [$(hostname)/x] needs a shell to name its directory; "
                            "write the directory out, or use only $NAME and ${NAME}; not "
                            "converted\n");
}

TEST_F(MyreposConvert, ParameterOutsideASectionIsAnError) {
  test::write_file(ini(), "# x\nstatus = echo\n");
  auto r = plan_import(options(home() / "out.toml"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, ini().string() + ":2: parameter (status) not in section");
}

} // namespace

} // namespace mr::registry
