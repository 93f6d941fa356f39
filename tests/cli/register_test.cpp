// mr register / unregister: what is written, where, and the error cases.
#include "cli_fixture.hpp"

namespace mr::test {

using Register = CliTest;

TEST_F(Register, WritesATableWithTheRemoteUrl) {
  const auto repo = make_repo(home() / "src/clean");
  const auto r = mr({"register"}, repo);
  EXPECT_EQ(r.exit_code, 0);
  const auto url = (root() / "remotes/clean.git").string();
  EXPECT_EQ(r.out, "Registering git url: " + url + " in " + registry().string() + "\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(read_file(registry()), "[repos.\"src/clean\"]\nurl = \"" + url + "\"\n");
}

TEST_F(Register, FromASubdirectoryRegistersTheTop) {
  const auto repo = make_repo(home() / "src/x");
  std::filesystem::create_directories(repo / "lib/deep");
  EXPECT_EQ(mr({"register"}, repo / "lib/deep").exit_code, 0);
  EXPECT_NE(read_file(registry()).find("[repos.\"src/x\"]"), std::string::npos);
}

TEST_F(Register, ADirectoryArgument) {
  make_repo(home() / "src/y");
  EXPECT_EQ(mr({"register", "src/y"}, home()).exit_code, 0);
  EXPECT_NE(read_file(registry()).find("[repos.\"src/y\"]"), std::string::npos);
  const auto two = mr({"register", "a", "b"}, home());
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_EQ(lines_of(two.err).size(), 1u);
}

TEST_F(Register, ReRegisteringUpdatesTheUrlAndNeverDuplicates) {
  const auto repo = make_repo(home() / "src/r");
  ASSERT_EQ(mr({"register"}, repo).exit_code, 0);
  git(repo, {"remote", "set-url", "origin", "https://example.org/moved.git"});
  auto r = mr({"register"}, repo);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "Updating git url: https://example.org/moved.git in " + registry().string() + "\n");
  r = mr({"register"}, repo);
  EXPECT_EQ(r.out, (home() / "src/r").string() + " is already registered in " +
                       registry().string() + "\n");
  EXPECT_EQ(read_file(registry()), "[repos.\"src/r\"]\nurl = \"https://example.org/moved.git\"\n");
}

TEST_F(Register, PreservesEverythingElseInTheFile) {
  const std::string before =
      "# My repositories.\n[settings]\njobs = 4 # enough\n\n[repos.\"src/old\"]  # legacy\n"
      "url = \"https://x/old.git\"\ntags=['a']\n";
  write_file(registry(), before);
  const auto repo = make_repo(home() / "src/new");
  ASSERT_EQ(mr({"register"}, repo).exit_code, 0);
  const auto url = (root() / "remotes/new.git").string();
  EXPECT_EQ(read_file(registry()), before + "\n[repos.\"src/new\"]\nurl = \"" + url + "\"\n");
}

TEST_F(Register, ARepoWithoutRemoteIsRegisteredWithAWarning) {
  const auto repo = make_repo(home() / "src/local", false);
  const auto r = mr({"register"}, repo);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "Registering " + repo.string() + " in " + registry().string() + "\n");
  ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("mr register: warning: " + repo.string() + " has no remote", 0), 0u);
  EXPECT_EQ(read_file(registry()), "[repos.\"src/local\"]\n");
  EXPECT_EQ(mr({"list"}, home()).exit_code, 0);
}

TEST_F(Register, OutsideARepositoryIsAnErrorAndChangesNothing) {
  const auto repo = make_repo(home() / "src/a");
  ASSERT_EQ(mr({"register"}, repo).exit_code, 0);
  const auto before = read_file(registry());
  std::filesystem::create_directories(home() / "plain");
  const auto r = mr({"register"}, home() / "plain");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "mr: error: " + (home() / "plain").string() + ": not inside a git repository\n");
  EXPECT_EQ(read_file(registry()), before);
}

TEST_F(Register, NamesWithSpacesQuotesAndUnicode) {
  const std::vector<std::string> names = {"with space", "it's \"quoted\"", "café ✓ 日本",
                                          "back\\slash", "#hash"};
  for (const auto& name : names) {
    const auto repo = make_repo(home() / "src" / name);
    const auto r = mr({"register"}, repo);
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
  }
  const auto r = mr({"list"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const auto& name : names) {
    EXPECT_NE(r.out.find("mr list: " + (home() / "src" / name).string() + "\n\n"),
              std::string::npos)
        << name;
  }
  EXPECT_NE(r.out.find("finished (5 ok)"), std::string::npos);
  // Each can be found and removed again by its own directory.
  for (const auto& name : names) {
    EXPECT_EQ(mr({"unregister"}, home() / "src" / name).exit_code, 0) << name;
  }
  EXPECT_EQ(read_file(registry()), "");
}

TEST_F(Register, APathWithAControlCharacterIsRefusedAndNothingWritten) {
  const std::string content = "# mine\n";
  write_file(registry(), content);
  for (const std::string name : {"new\nline", "tab\there", "esc\x1b[31m"}) {
    const auto repo = make_repo(home() / "src" / name);
    const auto r = mr({"register"}, repo);
    EXPECT_EQ(r.exit_code, 2);
    ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("its path contains a control character (such as a newline or a tab), "
                         "which a registry entry cannot hold; rename the directory"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(read_file(registry()), content);
  }
  EXPECT_EQ(mr({"list"}, home()).err, "mr list: no repositories found to work on\n");
}

TEST_F(Register, AnUntrustedRegistryOnlyTakesRepositoriesInsideItsDirectory) {
  const auto file = root() / "work/reg.toml";
  write_file(file, "");
  const auto outside = make_repo(root() / "elsewhere/p");
  auto r = mr({"-c", file.string(), "register"}, outside);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: cannot register " + outside.string() + " in " + file.string() +
                       ": an untrusted registry file may only list repositories inside its own "
                       "directory, " +
                       (root() / "work").string() + " (list it in ~/.mrtrust or run with -t)\n");
  // Below it through a symlink that leads out: the same.
  fs::create_directory_symlink(root() / "elsewhere", root() / "work/link");
  r = mr({"-c", file.string(), "register", "link/p"}, root() / "work");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("(it resolves to " + outside.string() + ")"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(file), "");
  // Inside: fine; trusted (-t): anywhere.
  EXPECT_EQ(mr({"-c", file.string(), "register"}, make_repo(root() / "work/q")).exit_code, 0);
  EXPECT_EQ(mr({"-t", "-c", file.string(), "register"}, outside).exit_code, 0);
}

TEST_F(Register, OutsideTheRegistrysDirectoryTheKeyIsAbsolute) {
  const auto repo = make_repo(root() / "outside/proj");
  ASSERT_EQ(mr({"register"}, repo).exit_code, 0);
  EXPECT_NE(read_file(registry()).find("[repos.\"" + repo.string() + "\"]"), std::string::npos);
  EXPECT_EQ(mr({"list"}, root() / "outside").out,
            "mr list: " + repo.string() + "\n\nmr list: finished (1 ok)\n");
}

TEST_F(Register, ConfigOptionChoosesAndCreatesTheFile) {
  const auto repo = make_repo(root() / "work/p");
  const auto file = root() / "work/reg.toml";
  const auto r = mr({"-c", file.string(), "register"}, repo);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(file).rfind("[repos.\"p\"]\n", 0), 0u);
  EXPECT_FALSE(std::filesystem::exists(registry()));
  EXPECT_EQ(mr({"-c", file.string(), "list"}, root()).out,
            "mr list: " + repo.string() + "\n\nmr list: finished (1 ok)\n");
}

TEST_F(Register, ADirectoryNamedTildeIsNotTakenForHome) {
  // The nearest registry is in w/, and the repository is w/~/sub: its key must not read as
  // "~/sub", which is $HOME/sub.
  const auto w = home() / "w";
  write_file(w / ".mrconfig.toml", "");
  const auto repo = make_repo(w / "~" / "sub", false);
  ASSERT_EQ(mr({"register"}, repo).exit_code, 0);
  EXPECT_EQ(read_file(w / ".mrconfig.toml"), "[repos.\"./~/sub\"]\n");
  EXPECT_EQ(mr({"list"}, w).out, "mr list: " + repo.string() + "\n\nmr list: finished (1 ok)\n");
  EXPECT_EQ(mr({"register"}, repo).out,
            repo.string() + " is already registered in " + (w / ".mrconfig.toml").string() + "\n");
  const auto r = mr({"unregister"}, repo);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(w / ".mrconfig.toml"), "");
}

TEST_F(Register, RegistryThroughASymlinkKeepsTheLink) {
  write_file(home() / "dotfiles/mrconfig.toml", "# managed by my dotfiles\n");
  std::filesystem::create_symlink(home() / "dotfiles/mrconfig.toml", registry());
  ASSERT_EQ(mr({"register"}, make_repo(home() / "src/a")).exit_code, 0);
  EXPECT_TRUE(std::filesystem::is_symlink(registry()));
  EXPECT_NE(read_file(home() / "dotfiles/mrconfig.toml").find("[repos.\"src/a\"]"),
            std::string::npos);
}

using Unregister = CliTest;

TEST_F(Unregister, RemovesTheTableFromInsideOrByPath) {
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_EQ(mr({"register"}, make_repo(home() / "src" / name)).exit_code, 0);
  }
  auto r = mr({"unregister"}, home() / "src/b");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "Unregistered " + (home() / "src/b").string() + " from " + registry().string() + "\n");
  std::filesystem::remove_all(home() / "src/c");
  r = mr({"unregister", "src/c"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mr({"list"}, home()).out,
            "mr list: " + (home() / "src/a").string() + "\n\nmr list: finished (1 ok)\n");
}

TEST_F(Unregister, AnUnregisteredRepositoryNestedInARegisteredOneIsNotMistakenForIt) {
  const auto outer = make_repo(home() / "src/outer");
  ASSERT_EQ(mr({"register"}, outer).exit_code, 0);
  const auto inner = make_repo(outer / "vendor/inner");
  fs::create_directories(inner / "deep");
  const auto before = read_file(registry());
  for (const auto& cwd : {inner, inner / "deep"}) {
    const auto r = mr({"unregister"}, cwd);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mr: error: " + inner.string() + " is not registered in " +
                         registry().string() + " (it is a repository of its own inside " +
                         outer.string() + ", which is; to remove that one: mr unregister " +
                         outer.string() + ")\n");
    EXPECT_EQ(read_file(registry()), before);
  }
  // A plain subdirectory of the registered repository still unregisters it.
  fs::create_directories(outer / "lib");
  EXPECT_EQ(mr({"unregister"}, outer / "lib").exit_code, 0);
}

TEST_F(Unregister, AnUnregisteredDirectoryIsAnError) {
  ASSERT_EQ(mr({"register"}, make_repo(home() / "src/a")).exit_code, 0);
  const auto before = read_file(registry());
  const auto r = mr({"unregister", "/nowhere"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: /nowhere is not registered in " + registry().string() + "\n");
  EXPECT_EQ(read_file(registry()), before);
}

} // namespace mr::test
