// Root files as myrepos reads them: ~/.mrconfig.toml AND the nearest .mrconfig.toml above
// the current directory, both (myrepos: ~/.mrconfig and the nearest .mrconfig), side by
// side with Debian's myrepos on the same workspace; where mr departs on purpose, the
// documented difference is pinned. Also: a myrepos file where mr expects TOML.
#include "myrepos_fixture.hpp"

namespace mr::test {

namespace {

class MyreposRoots : public MyreposTest {
protected:
  void SetUp() override {
    MyreposTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    for (const char* name : {"src/a", "src/b", "src/p", "src/p/w", "src/p/x", "src/p/y"}) {
      make_repo(home() / name);
    }
    // ~/src/p is a project with its own registry file; the home file lists a repository
    // inside it too (src/p/w).
    write_registries("[src/a]\ncheckout = git clone 'https://x/a.git' 'a'\n\n"
                     "[src/b]\ncheckout = git clone 'https://x/b.git' 'b'\n\n"
                     "[src/p/w]\ncheckout = git clone 'https://x/w.git' 'w'\n",
                     "[repos.\"src/a\"]\n[repos.\"src/b\"]\n[repos.\"src/p/w\"]\n");
    write_project("[x]\ncheckout = git clone 'https://x/x.git' 'x'\n\n"
                  "[y]\ncheckout = git clone 'https://x/y.git' 'y'\n",
                  "[repos.x]\n[repos.y]\n");
  }

  fs::path project() const { return home() / "src/p"; }

  void write_project(std::string_view ini, std::string_view toml) {
    write_file(project() / ".mrconfig", ini);
    write_file(project() / ".mrconfig.toml", toml);
  }

  static std::vector<std::string> headers(const std::string& out) {
    std::vector<std::string> found;
    for (const auto& line : lines_of(out)) {
      if (line.rfind("mr list: /", 0) == 0) {
        found.push_back(line);
      }
    }
    return found;
  }
};

} // namespace

TEST_F(MyreposRoots, TheHomeFileAndTheNearestFileAreBothRead) {
  // From the project: w (listed in the home file) and x, y (listed in the project's).
  expect_same({"list"}, project(), true);
  expect_same({"list"}, project() / "x", true);
  expect_same({"-d", "..", "list"}, project() / "x", true);
  // From ~/src no nearest file is found: the home file's repositories.
  expect_same({"list"}, home() / "src", true);
  const auto r = mr({"list"}, project());
  EXPECT_EQ(headers(r.out).size(), 3u) << r.out;
}

TEST_F(MyreposRoots, RegisterWritesToTheFileWhoseDirectoryHoldsTheRepository) {
  const auto z = make_repo(project() / "z");
  const auto theirs = myrepos({"register"}, z);
  const auto ours = mr({"register"}, z);
  EXPECT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  // The same line, but for the name of the file (.mrconfig.toml for mr).
  std::string expected = theirs.out;
  const auto at = expected.rfind("/.mrconfig");
  ASSERT_NE(at, std::string::npos) << expected;
  expected.insert(at + std::string("/.mrconfig").size(), ".toml");
  EXPECT_EQ(ours.out, expected);
  EXPECT_NE(ours.out.find(" in " + (project() / ".mrconfig.toml").string()), std::string::npos);
  EXPECT_NE(read_file(project() / ".mrconfig.toml").find("[repos.\"z\"]"), std::string::npos);
  EXPECT_EQ(read_file(registry()).find("z"), std::string::npos);

  // A repository outside the project goes to the home file (myrepos would write it into
  // the project's file, which mr does not trust with a path outside its directory).
  const auto c = make_repo(home() / "src/c");
  const auto r = mr({"register", c.string()}, project());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" in " + registry().string()), std::string::npos) << r.out;
  EXPECT_NE(read_file(registry()).find("[repos.\"src/c\"]"), std::string::npos);
}

TEST_F(MyreposRoots, UnregisterFindsTheRepositoryInEitherFile) {
  auto r = mr({"unregister", "w"}, project());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Unregistered " + (project() / "w").string() + " from " + registry().string() + "\n");
  r = mr({"unregister", "x"}, project());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Unregistered " + (project() / "x").string() + " from " +
                       (project() / ".mrconfig.toml").string() + "\n");
  r = mr({"unregister", "x"}, project());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: " + (project() / "x").string() + " is not registered in " +
                       registry().string() + " or " + (project() / ".mrconfig.toml").string() +
                       "\n");
}

// Documented difference: a repository listed by both files is listed once (the home
// file's entry), where myrepos runs it twice; and repositories of the same order come by
// path, where myrepos takes the home file's first.
TEST_F(MyreposRoots, ARepositoryListedByBothFilesRunsOnce) {
  write_registries("[src/p/x]\ncheckout = git clone 'https://x/x.git' 'x'\n\n"
                   "[src/p/zz]\ncheckout = git clone 'https://x/zz.git' 'zz'\n",
                   "[repos.\"src/p/x\"]\nurl = \"https://x/x.git\"\n[repos.\"src/p/zz\"]\n");
  make_repo(project() / "zz");
  const auto theirs = myrepos({"list"}, project());
  const auto p = project().string();
  EXPECT_EQ(headers(theirs.out),
            (std::vector<std::string>{"mr list: " + p + "/x", "mr list: " + p + "/zz",
                                      "mr list: " + p + "/x", "mr list: " + p + "/y"}));
  const auto ours = mr({"list"}, project());
  // Each file's repositories together, the home file's first, as myrepos; the one both
  // list comes once, from the home file.
  EXPECT_EQ(headers(ours.out),
            (std::vector<std::string>{"mr list: " + p + "/x", "mr list: " + p + "/zz",
                                      "mr list: " + p + "/y"}));
  const auto json = mr({"--json", "-d", "x", "list"}, project());
  EXPECT_NE(json.out.find("\"url\":\"https://x/x.git\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"registry\":\"" + registry().string() + "\""), std::string::npos);
}

// Within one `order`, myrepos takes repositories file by file (by the directory of the file:
// a chained file's come after its parent's), and within a file by the section as written,
// so an absolute section comes before the relative ones. mr sorts the same way.
TEST_F(MyreposRoots, RepositoriesComeFileByFileThenBySectionAsMyreposOrdersThem) {
  for (const char* name : {"src/c", "src/c/inner", "src/z", "src/p/q", "src/p/a0"}) {
    make_repo(home() / name);
  }
  const auto q = (home() / "src/p/q").string();
  write_registries("[src/z]\ncheckout = git clone 'https://x/z.git' 'z'\n\n"
                   "[src/c]\nchain = true\n\n"
                   "[" +
                       q +
                       "]\ncheckout = git clone 'https://x/q.git' 'q'\n\n"
                       "[src/a]\ncheckout = git clone 'https://x/a.git' 'a'\n\n"
                       "[src/p/w]\ncheckout = git clone 'https://x/w.git' 'w'\n",
                   "[repos.\"src/z\"]\n[repos.\"src/c\"]\nchain = true\n"
                   "[repos.\"" +
                       q + "\"]\n[repos.\"src/a\"]\n[repos.\"src/p/w\"]\n");
  write_file(home() / "src/c/.mrconfig",
             "[inner]\ncheckout = git clone 'https://x/i.git' 'inner'\n");
  write_file(home() / "src/c/.mrconfig.toml", "[repos.inner]\nurl = \"https://x/i.git\"\n");
  write_project("[x]\ncheckout = git clone 'https://x/x.git' 'x'\n\n"
                "[a0]\ncheckout = git clone 'https://x/a0.git' 'a0'\n",
                "[repos.x]\n[repos.a0]\n");
  expect_same({"list"}, home(), true);
  expect_same({"list"}, project(), true);
  const auto r = mr({"list"}, project());
  EXPECT_EQ(headers(r.out),
            (std::vector<std::string>{"mr list: " + q, "mr list: " + project().string() + "/w",
                                      "mr list: " + project().string() + "/a0",
                                      "mr list: " + project().string() + "/x"}));
}

// Documented difference: -c FILE (and $MR_CONFIG) is that file alone; myrepos reads
// ~/.mrconfig first even then.
TEST_F(MyreposRoots, DashCIsThatFileAlone) {
  const auto theirs = myrepos({"-c", (project() / ".mrconfig").string(), "list"}, home());
  const auto ours = mr({"-c", (project() / ".mrconfig.toml").string(), "list"}, home());
  const auto h = home().string();
  EXPECT_EQ(headers(theirs.out),
            (std::vector<std::string>{"mr list: " + h + "/src/a", "mr list: " + h + "/src/b",
                                      "mr list: " + h + "/src/p/w", "mr list: " + h + "/src/p/x",
                                      "mr list: " + h + "/src/p/y"}));
  EXPECT_EQ(headers(ours.out),
            (std::vector<std::string>{"mr list: " + h + "/src/p/x", "mr list: " + h + "/src/p/y"}));
}

// Documented difference: mr reads TOML only. A myrepos file is named as one, with how to
// convert it, rather than failing as broken TOML.
TEST_F(MyreposRoots, AMyreposFileGivenToMrSaysHowToConvertIt) {
  const auto ini = home() / ".mrconfig";
  EXPECT_EQ(myrepos({"-c", ini.string(), "list"}, home() / "src").exit_code, 0);
  const auto convert = ini.string() +
                       " is a myrepos registry (INI), which mr does not read: mr reads TOML; "
                       "convert it with mr import " +
                       ini.string() + " (see CONVERTING FROM MYREPOS in mrconfig.toml(5))\n";
  auto r = mr({"-c", ini.string(), "list"}, home() / "src");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "mr: error: " + convert);
  r = mr({"list"}, home() / "src", {{"MR_CONFIG", ini.string()}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;

  // Only ~/.mrconfig exists: the error says so, for every action but register.
  fs::remove(registry());
  fs::remove(project() / ".mrconfig.toml");
  for (const char* action : {"list", "status", "run"}) {
    r = mr({action, "true"}, home() / "src");
    EXPECT_EQ(r.exit_code, 2) << action;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err,
              "mr: error: no registry: " + registry().string() + " does not exist, and " + convert)
        << action;
  }
  r = mr({"register"}, home() / "src/a");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(registry()));
}

} // namespace mr::test
