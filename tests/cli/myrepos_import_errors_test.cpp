// `mr import` on what it cannot convert: malformed INI (an error naming FILE:LINE, the line
// myrepos' parse error names; nothing written), values it reports and leaves out (perl:,
// includes and chains that need a shell: FILE:LINE on stderr, exit 1, the rest written),
// untrusted files (refused as myrepos refuses them), and where the TOML goes (never over an
// existing file without --force). Skipped when myrepos is not installed.
#include <regex>

#include "myrepos_import_corpus.hpp"

namespace mr::test {

namespace {

class ImportErrors : public ImportTest {
protected:
  // The line number in myrepos' `mr: ... at FILE line N` error for `mr list`.
  int myrepos_error_line(const fs::path& file) {
    const auto r = myrepos({"list"}, home());
    EXPECT_NE(r.exit_code, 0) << r.out;
    std::smatch m;
    const std::regex at(" at " + file.string() + " line ([0-9]+)");
    if (!std::regex_search(r.err, m, at)) {
      ADD_FAILURE() << "myrepos said: " << r.err;
      return -1;
    }
    return std::stoi(m[1].str());
  }

  // `mr import ARGS` fails with exit 2, `mr: error: FILE:LINE: ...` and writes nothing.
  void expect_refused(const std::vector<std::string>& args, const fs::path& file, int line) {
    const auto before = snapshot();
    const auto r = import(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("mr: error: " + file.string() + ":" + std::to_string(line) + ":", 0), 0U)
        << "wanted " << file.string() << ":" << line << ", got: " << r.err;
    EXPECT_EQ(snapshot(), before) << "a refused import wrote something";
  }

  // `mr import ARGS` exits 1 with a report naming FILE:LINE, and writes the rest.
  RunResult expect_reported(const std::vector<std::string>& args, const fs::path& file, int line) {
    auto r = import(args);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    check_report_lines(r);
    EXPECT_NE(r.err.find("mr import: " + file.string() + ":" + std::to_string(line) + ": "),
              std::string::npos)
        << "wanted a report for " << file.string() << ":" << line << ", got: " << r.err;
    EXPECT_FALSE(written_files(r.out).empty()) << "a partial import wrote nothing: " << r.out;
    return r;
  }

  fs::path ini() const { return home() / ".mrconfig"; }
};

} // namespace

TEST_F(ImportErrors, MalformedIniNamesTheLineMyreposNames) {
  const std::vector<std::string> texts = {
      "[src/a]\ncheckout = x\nthis is not a setting\n",
      "hello = echo hi\n[src/a]\ncheckout = x\n",
      "# comment\n[src/a\ncheckout = x\n",
      "[src/a]\n\tindented text with no key = before it\n",
      "[src/a]\nkey-with-dash = x\n",
      "[src/a]\ncheckout = x\n\n  indented = after a blank line\n",
      "[src/a] trailing words\ncheckout = x\n",
      "[src/a]\ncheckout = x\n=value without a key\n",
      "[src/a]\ncheckout = x\n  continued\n\n[src/b]\n\x01\n",
  };
  for (const auto& text : texts) {
    SCOPED_TRACE(text);
    write_file(ini(), text);
    const int line = myrepos_error_line(ini());
    expect_refused({}, ini(), line);
    expect_refused({"--dry-run"}, ini(), line);
  }
}

TEST_F(ImportErrors, MalformedIncludedOrChainedFileNamesThatFile) {
  make_repo(home() / "proj");
  write_file(home() / "inc/extra", "[src/x]\ncheckout = true\nnot a setting\n");
  write_file(ini(), "[src/a]\ncheckout = true\ninclude = cat ~/inc/extra\n");
  // myrepos counts lines of the including file here ("line 3, included line: ..."); the
  // import names the included file's own line.
  expect_refused({}, home() / "inc/extra", 3);

  write_file(ini(), "[proj]\ncheckout = git clone 'u' 'proj'\nchain = true\n");
  write_file(home() / "proj/.mrconfig", "[sub]\ncheckout = git clone 'u' 'sub'\n[bad\n");
  const int line = myrepos_error_line(home() / "proj/.mrconfig");
  EXPECT_EQ(line, 3);
  expect_refused({}, home() / "proj/.mrconfig", line);
}

TEST_F(ImportErrors, PerlValueIsReportedAndTheRestWritten) {
  make_repo(home() / "src/a");
  make_repo(home() / "src/b");
  write_file(ini(), "[DEFAULT]\nfoo_test = perl: -d \"$ENV{MR_REPO}/.foo\"\n"
                    "foo_status = echo foo\n\n"
                    "[src/a]\ncheckout = git clone 'u' 'a'\n\n"
                    "[src/b]\ncheckout = git clone 'u' 'b'\nhello = perl: print 1\n");
  expect_reported({}, ini(), 2);
  const auto r = import({"--force"});
  EXPECT_NE(r.err.find("mr import: " + ini().string() + ":10: "), std::string::npos) << r.err;
  expect_same({"list"}, home());
}

TEST_F(ImportErrors, IncludeOrChainNeedingAShellIsReportedOrRunWithRunIncludes) {
  make_repo(home() / "src/a");
  make_repo(home() / "src/b");
  make_repo(home() / "src/c");
  make_repo(home() / "proj");
  write_file(home() / "extra", "[src/c]\ncheckout = git clone 'u' 'c'\n");
  write_file(home() / "proj/.mrconfig", "[sub]\ncheckout = git clone 'u' 'sub'\n");
  make_repo(home() / "proj/sub");
  write_file(ini(), "[src/a]\ncheckout = git clone 'u' 'a'\n\n"
                    "include = printf '[src/b]\\ncheckout = git clone u b\\n'\n"
                    "include = cat ~/extra | grep -v nothing\n\n"
                    "[proj]\ncheckout = git clone 'u' 'proj'\nchain = test -d \"$HOME\"\n");
  const auto theirs = myrepos({"list"}, home());
  ASSERT_NE(theirs.out.find("/src/b\n"), std::string::npos) << theirs.out;
  ASSERT_NE(theirs.out.find("/proj/sub\n"), std::string::npos) << theirs.out;

  const auto r = expect_reported({}, ini(), 4);
  EXPECT_NE(r.err.find("mr import: " + ini().string() + ":5: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mr import: " + ini().string() + ":9: "), std::string::npos) << r.err;
  const auto partial = mr({"list"}, home());
  EXPECT_EQ(partial.exit_code, 0) << partial.err;
  EXPECT_NE(partial.out.find(home().string() + "/src/a\n"), std::string::npos) << partial.out;
  EXPECT_EQ(partial.out.find("/src/b\n"), std::string::npos) << partial.out;

  const auto all = import({"--run-includes", "--force"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  expect_same({"list"}, home());
  expect_same({"list"}, home() / "proj");
}

TEST_F(ImportErrors, XdgIncludeIsConvertedOrReported) {
  // vcsh's template: ${VAR:-default} is more than $NAME expansion. Either the import
  // understands it, or it says so with FILE:LINE; --run-includes always converts it.
  make_repo(home() / "src/a");
  write_file(home() / ".config/mr/config.d/a.vcsh", "[src/a]\ncheckout = git clone 'u' 'a'\n");
  write_file(ini(), "[DEFAULT]\ninclude = cat ${XDG_CONFIG_HOME:-$HOME/.config}/mr/config.d/*\n");
  const auto r = import({});
  if (r.exit_code == 0) {
    expect_same({"list"}, home());
  } else {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("mr import: " + ini().string() + ":2: "), std::string::npos) << r.err;
  }
}

TEST_F(ImportErrors, SkipFalseSkipsInMyreposSoTheImportKeepsThatOrSaysSo) {
  // myrepos 1.20180726 short-circuits `false` to a return value of 1, which its skip test
  // reads as "exit status 0": skip = false (and deleted = false) skip the repository.
  make_repo(home() / "src/a");
  make_repo(home() / "src/b");
  write_file(ini(), "[src/a]\ncheckout = git clone 'u' 'a'\nskip = false\n\n"
                    "[src/b]\ncheckout = git clone 'u' 'b'\n");
  const auto theirs = myrepos({"-s", "list"}, home());
  ASSERT_NE(theirs.out.find("(skipped: " + home().string() + "/src/a/)"), std::string::npos)
      << theirs.out;
  const auto r = import({});
  if (r.exit_code == 0) {
    expect_same({"-s", "list"}, home());
  } else {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("mr import: " + ini().string() + ":3: "), std::string::npos) << r.err;
  }
}

TEST_F(ImportErrors, AbsoluteAndChainedSectionsComeInMyreposOrder) {
  // myrepos sorts by (order, directory of the defining file, section text): an absolute
  // section sorts by its text among the relative ones, and a chained file's repositories
  // come after all of ~/.mrconfig's. mr sorts by (order, path); the import must keep
  // myrepos' order (with `order` values, say) or report where it cannot.
  for (const char* name : {"src/a", "src/z", "abs/m", "proj", "proj/b"}) {
    make_repo(home() / name);
  }
  write_file(ini(), "[src/z]\ncheckout = git clone 'u' 'z'\n\n"
                    "[" +
                        (home() / "abs/m").string() +
                        "]\ncheckout = git clone 'u' 'm'\n\n"
                        "[src/a]\ncheckout = git clone 'u' 'a'\n\n"
                        "[proj]\ncheckout = git clone 'u' 'proj'\nchain = true\n");
  write_file(home() / "proj/.mrconfig", "[b]\ncheckout = git clone 'u' 'b'\n");
  const auto r = import({});
  if (r.exit_code == 0) {
    expect_same({"list"}, home());
  } else {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    check_report_lines(r);
  }
}

} // namespace mr::test
