// mr list: selection, blocks and footer (docs/myrepos-compat.md), --json, -q/-m/-s, -g, -n.
#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class List : public CliTest {
protected:
  // Three repos registered with `mr register` from inside each.
  void register_three() {
    for (const char* name : {"a", "b", "c"}) {
      const auto repo = make_repo(home() / "src" / name);
      const auto r = mr({"register"}, repo);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  // Directories for the repositories at src/NAME (list fails on one that is not there).
  void make_dirs(std::initializer_list<const char*> names) {
    for (const char* name : names) {
      std::filesystem::create_directories(home() / "src" / name);
    }
  }
  std::string header(const char* name, const char* action = "list") {
    return std::string("mr ") + action + ": " + (home() / "src" / name).string() + "\n\n";
  }
};

} // namespace

TEST_F(List, RegisterThreeThenListFromTheParent) {
  register_three();
  const auto r = mr({"list"}, home() / "src");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, header("a") + header("b") + header("c") + "mr list: finished (3 ok)\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(List, LsAndPrefixesAreTheSameAction) {
  register_three();
  const auto full = mr({"list"}, home());
  EXPECT_EQ(mr({"ls"}, home()).out, full.out);
  EXPECT_EQ(mr({"li"}, home()).out, full.out);
  EXPECT_EQ(mr({"lis"}, home()).out, full.out);
}

TEST_F(List, InsideARepoOnlyThatRepoWithItsSubdir) {
  register_three();
  std::filesystem::create_directories(home() / "src/b/deep/er");
  const auto r = mr({"list"}, home() / "src/b/deep/er");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "mr list: " + (home() / "src/b").string() +
                       " (in subdir deep/er)\n\nmr list: finished (1 ok)\n");
}

TEST_F(List, NoRepositoriesFoundIsExitTwo) {
  register_three();
  std::filesystem::create_directories(root() / "elsewhere");
  const auto r = mr({"list"}, root() / "elsewhere");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "mr list: no repositories found to work on\n");
}

TEST_F(List, DirectoryOptionSelectsFromThere) {
  register_three();
  const auto r = mr({"-d", "src/c", "list"}, home());
  EXPECT_EQ(r.out, header("c") + "mr list: finished (1 ok)\n");
  const auto bad = mr({"-d", "nope", "list"}, home());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err,
            "mr: error: -d " + (home() / "nope").string() + ": No such file or directory\n");
}

TEST_F(List, DepthLimit) {
  register_three();
  EXPECT_EQ(mr({"-n", "list"}, home()).exit_code, 2);
  EXPECT_EQ(mr({"-n", "1", "list"}, home()).exit_code, 2);
  EXPECT_EQ(mr({"-n", "2", "list"}, home()).out,
            header("a") + header("b") + header("c") + "mr list: finished (3 ok)\n");
  EXPECT_EQ(mr({"-n", "list"}, home() / "src/a").out, header("a") + "mr list: finished (1 ok)\n");
}

TEST_F(List, OrderThenPath) {
  write_file(registry(),
             "[repos.\"src/b\"]\n[repos.\"src/a\"]\norder = 20\n[repos.\"src/c\"]\norder = 5\n");
  make_dirs({"a", "b", "c"});
  EXPECT_EQ(mr({"list"}, home()).out,
            header("c") + header("b") + header("a") + "mr list: finished (3 ok)\n");
}

TEST_F(List, TagsSelectAnyOf) {
  write_file(registry(), "[repos.\"src/a\"]\ntags = [\"work\"]\n[repos.\"src/b\"]\ntags = "
                         "[\"oss\", \"x\"]\n[repos.\"src/c\"]\n");
  make_dirs({"a", "b", "c"});
  EXPECT_EQ(mr({"-g", "work", "list"}, home()).out, header("a") + "mr list: finished (1 ok)\n");
  EXPECT_EQ(mr({"-g", "work", "--tag", "x", "list"}, home()).out,
            header("a") + header("b") + "mr list: finished (2 ok)\n");
  EXPECT_EQ(mr({"-g", "none", "list"}, home()).exit_code, 2);
}

TEST_F(List, SkippedReposAreCountedAndForceIgnoresSkip) {
  write_file(registry(), "[repos.\"src/a\"]\n[repos.\"src/b\"]\nskip = true\n");
  make_dirs({"a", "b"});
  auto r = mr({"-s", "list"}, home());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, header("a") + "mr list: finished (1 ok; 1 skipped)\nmr list: (skipped: " +
                       (home() / "src/b").string() + "/)\n");
  r = mr({"-f", "list"}, home());
  EXPECT_EQ(r.out, header("a") + header("b") + "mr list: finished (2 ok)\n");
}

TEST_F(List, QuietAndMinimalPrintNothingForListedRepos) {
  register_three();
  for (const char* flag : {"-q", "-m", "-qm"}) {
    const auto r = mr({flag, "list"}, home());
    EXPECT_EQ(r.exit_code, 0) << flag;
    EXPECT_EQ(r.out, "") << flag;
    EXPECT_EQ(r.err, "") << flag;
  }
}

TEST_F(List, JsonGivesOneObjectPerRepoThenASummary) {
  write_file(registry(), "[repos.\"src/a\"]\nurl = \"https://x/a.git\"\ntags = "
                         "[\"w\"]\n[repos.\"src/b\"]\nbranch = \"dev\"\norder = 3\n");
  make_dirs({"a", "b"});
  const auto r = mr({"--json", "list"}, home());
  EXPECT_EQ(r.exit_code, 0);
  const auto a = (home() / "src/a").string();
  const auto b = (home() / "src/b").string();
  const auto reg = registry().string();
  EXPECT_EQ(
      r.out,
      R"({"type":"repo","path":")" + b +
          R"(","action":"list","status":"ok","exit_code":0,"output":"","url":null,"branch":"dev","tags":[],"order":3,"registry":")" +
          reg + "\"}\n" + R"({"type":"repo","path":")" + a +
          R"(","action":"list","status":"ok","exit_code":0,"output":"","url":"https://x/a.git","branch":null,"tags":["w"],"order":10,"registry":")" +
          reg + "\"}\n" +
          R"({"type":"summary","action":"list","ok":2,"failed":0,"skipped":0,"exit_code":0})"
          "\n");
}

TEST_F(List, AMissingRepositoryFailsWithoutAHeaderAsInMyrepos) {
  // Registered but not checked out: myrepos' list (`true`, run in the repository) fails to
  // enter it, prints no header, and counts it as failed.
  write_file(registry(), "[repos.\"src/missing\"]\nurl = \"u\"\n[repos.\"src/a\"]\n");
  make_dirs({"a"});
  auto r = mr({"list"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, header("a") + "\nmr list: finished (1 ok; 1 failed)\n");
  EXPECT_EQ(r.err, "mr list: failed to chdir to " + (home() / "src/missing").string() +
                       "/: No such file or directory\n");
  // --json keeps what the registry says about it.
  r = mr({"--json", "-d", "src/missing", "list"}, home());
  EXPECT_NE(r.out.find(R"("status":"failed")"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(R"("url":"u")"), std::string::npos) << r.out;
}

TEST_F(List, JsonKeepsTheRegistryFieldsOfADeletedOrSkippedRepository) {
  // A deleted repository that is still there fails before list runs; its object used to
  // lack the fields mr(1) promises for every list object.
  write_file(registry(), "[repos.\"src/gone\"]\nurl = \"u\"\ndeleted = true\ntags = [\"t\"]\n"
                         "[repos.\"src/off\"]\nbranch = \"b\"\nskip = true\n");
  make_dirs({"gone", "off"});
  const auto r = mr({"--json", "list"}, home());
  const auto reg = registry().string();
  EXPECT_NE(r.out.find(R"("status":"failed")"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(R"("url":"u","branch":null,"tags":["t"],"order":10,"registry":")" + reg),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(R"("status":"skipped")"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(R"("url":null,"branch":"b","tags":[],"order":10,"registry":")" + reg),
            std::string::npos)
      << r.out;
}

} // namespace mr::test
