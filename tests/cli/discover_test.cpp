// mr discover: which repositories below a directory it finds (work trees, .git files,
// nested repositories and submodules with --nested, bare ones with --bare; no symbolic link
// followed, an unreadable directory a warning), what it writes, and what it leaves alone.
#include <sys/stat.h>
#include <unistd.h>

#include "cli_fixture.hpp"

namespace mr::test {
namespace {

class Discover : public CliTest {
protected:
  fs::path src() const { return home() / "src"; }
  std::string url_of(const std::string& name) const {
    return (root() / "remotes" / (name + ".git")).string();
  }
  // The registry, or "" when there is none.
  std::string registry_text() const {
    return fs::exists(registry()) ? read_file(registry()) : std::string();
  }
};

} // namespace

TEST_F(Discover, RegistersEachWorkTreeWithItsUrlAndBranch) {
  make_repo(src() / "a");
  make_repo(src() / "deep/er/b", /*remote=*/false);
  const auto c = make_repo(src() / "c");
  git(c, {"checkout", "-q", "--detach"});
  const auto r = mr({"discover"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "mr discover: added " + (src() / "a").string() + " (" + url_of("a") + ")\n" +
                       "mr discover: added " + (src() / "c").string() + " (" + url_of("c") + ")\n" +
                       "mr discover: added " + (src() / "deep/er/b").string() +
                       " (no remote, so no url)\n" +
                       "mr discover: 3 added, 0 already registered\n");
  EXPECT_EQ(registry_text(), "[repos.\"src/a\"]\nurl = \"" + url_of("a") +
                                 "\"\nbranch = \"main\"\n\n"
                                 "[repos.\"src/c\"]\nurl = \"" +
                                 url_of("c") +
                                 "\"\n\n"
                                 "[repos.\"src/deep/er/b\"]\nbranch = \"main\"\n");
  const auto list = mr({"list"}, home());
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("finished (3 ok)"), std::string::npos) << list.out;
}

TEST_F(Discover, DryRunListsPathUrlBranchAndWritesNothing) {
  make_repo(src() / "a");
  make_repo(src() / "b", /*remote=*/false);
  const auto r = mr({"discover", "--dry-run", "src"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, (src() / "a").string() + " " + url_of("a") + " main\n" + (src() / "b").string() +
                       " - main\n" +
                       "mr discover: 2 to add, 0 already registered (dry run: nothing written)\n");
  EXPECT_FALSE(fs::exists(registry()));
}

TEST_F(Discover, AlreadyRegisteredOnesAreLeftAloneAndCounted) {
  make_repo(src() / "a");
  make_repo(src() / "b");
  const std::string mine = "# mine\n[repos.\"src/a\"]\nurl = \"https://example.org/other.git\"\n"
                           "tags = [\"old\"]\n";
  write_file(registry(), mine);
  const auto r = mr({"-g", "new", "discover"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mr discover: added " + (src() / "b").string() + " (" + url_of("b") + ")\n" +
                       "mr discover: 1 added, 1 already registered\n");
  EXPECT_EQ(registry_text(), mine + "\n[repos.\"src/b\"]\nurl = \"" + url_of("b") +
                                 "\"\nbranch = \"main\"\ntags = [\"new\"]\n");
  // Again: nothing to add, and the file is not rewritten.
  const auto before = fs::last_write_time(registry());
  const auto again = mr({"discover"}, home());
  EXPECT_EQ(again.out, "mr discover: 0 added, 2 already registered\n");
  EXPECT_EQ(fs::last_write_time(registry()), before);
}

TEST_F(Discover, NestedRepositoriesAndSubmodulesOnlyWithNested) {
  const auto outer = make_repo(src() / "outer");
  make_repo(outer / "vendor/inner", /*remote=*/false);
  const auto lib = make_repo(root() / "lib-upstream", /*remote=*/false);
  git(outer, {"-c", "protocol.file.allow=always", "submodule", "add", "-q", lib.string(), "sub"});
  ASSERT_TRUE(fs::is_regular_file(outer / "sub/.git"));
  const auto plain = mr({"discover", "--dry-run"}, src());
  EXPECT_EQ(plain.out,
            outer.string() + " " + url_of("outer") + " main\n" +
                "mr discover: 1 to add, 0 already registered (dry run: nothing written)\n");
  const auto nested = mr({"discover", "--nested"}, src());
  EXPECT_EQ(nested.exit_code, 0) << nested.err;
  EXPECT_EQ(nested.out, "mr discover: added " + outer.string() + " (" + url_of("outer") + ")\n" +
                            "mr discover: added " + (outer / "sub").string() + " (" + lib.string() +
                            ")\n" + "mr discover: added " + (outer / "vendor/inner").string() +
                            " (no remote, so no url)\n" +
                            "mr discover: 3 added, 0 already registered\n");
  EXPECT_NE(registry_text().find("[repos.\"src/outer/sub\"]\nurl = \"" + lib.string() + "\"\n"),
            std::string::npos)
      << registry_text();
}

TEST_F(Discover, LinkedWorktreesAreFoundWithTheirOwnBranch) {
  const auto main_repo = make_repo(src() / "main");
  git(main_repo, {"worktree", "add", "-q", "-b", "topic", (src() / "topic").string()});
  const auto r = mr({"discover", "--dry-run"}, src());
  EXPECT_EQ(r.out, main_repo.string() + " " + url_of("main") + " main\n" +
                       (src() / "topic").string() + " " + url_of("main") + " topic\n" +
                       "mr discover: 2 to add, 0 already registered (dry run: nothing written)\n");
}

TEST_F(Discover, BareRepositoriesOnlyWithBareAndActionsRefuseThem) {
  make_repo(src() / "a");
  git(src(), {"init", "-q", "--bare", "-b", "main", (src() / "b.git").string()});
  const auto plain = mr({"discover"}, home());
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("mr discover: 1 bare repository left out (--bare registers them)\n"),
            std::string::npos)
      << plain.out;
  EXPECT_EQ(registry_text().find("b.git"), std::string::npos);
  const auto dry = mr({"discover", "--dry-run", "--bare"}, home());
  EXPECT_EQ(dry.err, "mr discover: warning: 1 bare repository would be registered: with no work "
                     "tree, every action but list refuses them\n");
  const auto bare = mr({"discover", "--bare"}, home());
  EXPECT_EQ(bare.exit_code, 0) << bare.err;
  EXPECT_EQ(bare.out, "mr discover: added " + (src() / "b.git").string() +
                          " (no remote, so no url)\nmr discover: 1 added, 1 already registered\n");
  EXPECT_EQ(bare.err, "mr discover: warning: 1 bare repository registered: with no work tree, "
                      "every action but list refuses them\n");
  // Empty: its branch has no commit, so none is recorded.
  EXPECT_NE(registry_text().find("[repos.\"src/b.git\"]\n"), std::string::npos);
  EXPECT_EQ(registry_text().find("branch"), registry_text().rfind("branch")); // src/a's only
  const auto status = mr({"status"}, src() / "b.git");
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_NE(status.err.find("a bare repository"), std::string::npos) << status.err;
}

TEST_F(Discover, SymbolicLinksAreNotFollowedSoALoopEndsTheWalk) {
  make_repo(src() / "a");
  const auto elsewhere = make_repo(root() / "elsewhere/x");
  fs::create_symlink("..", src() / "loop");
  fs::create_symlink(elsewhere, src() / "link-to-x");
  fs::create_symlink(src() / "a", src() / "link-to-a");
  const auto r = mr({"discover", "--dry-run"}, src());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, (src() / "a").string() + " " + url_of("a") + " main\n" +
                       "mr discover: 1 to add, 0 already registered (dry run: nothing written)\n");
  // DIR itself may be a link: it is followed, and the paths keep the name it was given by.
  fs::create_symlink(src(), home() / "via");
  const auto via = mr({"discover"}, home() / "via");
  EXPECT_EQ(via.exit_code, 0) << via.err;
  EXPECT_EQ(registry_text(),
            "[repos.\"via/a\"]\nurl = \"" + url_of("a") + "\"\nbranch = \"main\"\n");
  EXPECT_EQ(mr({"discover"}, src()).out, "mr discover: 0 added, 1 already registered\n");
}

TEST_F(Discover, AnUnreadableDirectoryIsAWarningAndTheRestGoesOn) {
  make_repo(src() / "a");
  make_repo(src() / "secret/b");
  make_repo(src() / "z");
  ::chmod((src() / "secret").c_str(), 0);
  if (::geteuid() == 0) { // root reads everything: run mr as nobody, in a tree of its own
    ASSERT_EQ(std::system(("chown -R 65534:65534 '" + root().string() + "'").c_str()), 0);
  }
  const auto r = mr({"discover"}, home(), {}, /*as_nobody=*/true);
  ::chmod((src() / "secret").c_str(), 0755);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "mr discover: warning: " + (src() / "secret").string() +
                       ": cannot read: Permission denied\n");
  EXPECT_EQ(r.out, "mr discover: added " + (src() / "a").string() + " (" + url_of("a") + ")\n" +
                       "mr discover: added " + (src() / "z").string() + " (" + url_of("z") + ")\n" +
                       "mr discover: 2 added, 0 already registered\n");
}

TEST_F(Discover, EachRepositoryGoesToTheRootFileRegisterWouldPick) {
  make_repo(home() / "proj/p");
  make_repo(home() / "other/o");
  write_file(home() / "proj/.mrconfig.toml", "");
  write_file(registry(), "");
  const auto r = mr({"discover", home().string()}, home() / "proj");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(home() / "proj/.mrconfig.toml"),
            "[repos.\"p\"]\nurl = \"" + url_of("p") + "\"\nbranch = \"main\"\n");
  EXPECT_EQ(registry_text(),
            "[repos.\"other/o\"]\nurl = \"" + url_of("o") + "\"\nbranch = \"main\"\n");
}

TEST_F(Discover, JsonSaysWhatChanged) {
  make_repo(src() / "a");
  make_repo(src() / "b", /*remote=*/false);
  write_file(registry(), "[repos.\"src/a\"]\n");
  const auto r = mr({"--json", "-g", "t", "discover"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_NE(lines[0].find("\"path\":\"" + (src() / "a").string() + "\""), std::string::npos);
  EXPECT_NE(lines[0].find("\"change\":\"unchanged\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("\"url\":null,\"branch\":\"main\",\"bare\":false,\"tags\":[\"t\"]"),
            std::string::npos)
      << lines[1];
  EXPECT_NE(lines[1].find("\"change\":\"added\""), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("\"type\":\"summary\""), std::string::npos) << lines[2];
}

TEST_F(Discover, NothingFoundIsNotAnError) {
  fs::create_directories(src() / "empty");
  const auto r = mr({"discover", "src"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mr discover: 0 added, 0 already registered\n");
  EXPECT_FALSE(fs::exists(registry()));
}

TEST_F(Discover, UsageErrors) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"discover", "--bogus"}, {"discover", "a", "b"}}) {
    const auto r = mr(args, home());
    EXPECT_EQ(r.exit_code, 2) << args[1];
    EXPECT_NE(r.err.find("usage: mr discover [--dry-run] [--nested] [--bare] [-g TAG]... [DIR]"),
              std::string::npos)
        << r.err;
  }
  const auto missing = mr({"discover", "nowhere"}, home());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(lines_of(missing.err).size(), 1u) << missing.err;
}

TEST_F(Discover, AnUntrustedFileRefusesWhatLiesOutsideItTenLinesSayWhy) {
  for (int i = 0; i < 12; ++i) {
    make_repo(src() / ("r" + std::to_string(i)));
  }
  const auto untrusted = root() / "elsewhere/reg.toml";
  write_file(untrusted, "");
  const auto r = mr({"-c", untrusted.string(), "discover", "src"}, home());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 11u) << r.err;
  EXPECT_NE(lines[0].find("an untrusted registry file may only list repositories inside"),
            std::string::npos)
      << lines[0];
  EXPECT_EQ(lines[10], "mr discover: warning: 2 more repositories not registered, for reasons "
                       "like those above (--json lists each)");
  EXPECT_EQ(r.out, "mr discover: 0 added, 0 already registered\n");
  EXPECT_EQ(read_file(untrusted), "");
}

// A branch with no commit yet (a new repository, an empty bare one) is not recorded: a
// checkout elsewhere would find no such branch.
TEST_F(Discover, AnUnbornBranchIsNotRecorded) {
  git(home(), {"init", "-q", "-b", "main", (src() / "new").string()});
  git(home(), {"init", "-q", "--bare", "-b", "main", (src() / "empty.git").string()});
  const auto r = mr({"discover", "--bare"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(registry_text(), "[repos.\"src/empty.git\"]\n\n[repos.\"src/new\"]\n");
}

// Text from a repository reaches the terminal escaped; a url with a control character is
// not registered (a registry may not hold one), and counts as refused.
TEST_F(Discover, AUrlWithAControlCharacterIsRefusedAndPrintedEscaped) {
  const auto a = make_repo(src() / "a");
  git(a, {"config", "remote.origin.url", "https://x/a\n\x1b[2J.git"});
  for (const bool dry : {true, false}) {
    const auto r = mr(dry ? std::vector<std::string>{"discover", "--dry-run"}
                          : std::vector<std::string>{"discover"},
                      home());
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "mr discover: warning: " + a.string() +
                         ": not registered: its url \"https://x/a\\n\\u001b[2J.git\" holds a "
                         "control character (such as a newline), which a registry may not\n");
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
    EXPECT_FALSE(fs::exists(registry()));
  }
}

// --dry-run prints PATH URL BRANCH; a field holding a space, a double quote or a control
// character is quoted and escaped, so the line still splits into three.
TEST_F(Discover, DryRunQuotesAFieldWithASpace) {
  const auto a = make_repo(src() / "my repo");
  git(a, {"config", "remote.origin.url", "/x/my \"remote\""});
  const auto r = mr({"discover", "--dry-run"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"" + a.string() + "\" \"/x/my \\\"remote\\\"\" main\n" +
                       "mr discover: 1 to add, 0 already registered (dry run: nothing written)\n");
}

// -g TAG after the action, as after mr, tags what it registers (both together add up).
TEST_F(Discover, TagOptionsAfterTheActionTagWhatItRegisters) {
  make_repo(src() / "a", /*remote=*/false);
  const auto r =
      mr({"-g", "g", "discover", "-g", "one", "--tag=two", "--tag", "three", "src"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(registry_text(),
            "[repos.\"src/a\"]\nbranch = \"main\"\ntags = [\"g\", \"one\", \"two\", \"three\"]\n");
  const auto bad = mr({"discover", "-g"}, home());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("option -g needs a tag"), std::string::npos) << bad.err;
}

} // namespace mr::test
