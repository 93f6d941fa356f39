#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <mr/registry/registry.hpp>

#include "cli_fixture.hpp"

namespace mr::registry {

namespace {

class RegistryLoad : public ::testing::Test {
protected:
  fs::path home() const { return m_tmp.path() / "home"; }
  fs::path root_file() const { return home() / ".mrconfig.toml"; }

  Result<Registry> load_root(std::string_view text, bool trust_all = false) {
    test::write_file(root_file(), text);
    return load({root_file(), home(), trust_all});
  }
  Result<Registry> load_file(const fs::path& file, bool trust_all = false) {
    return load({file, home(), trust_all});
  }
  // The error message, or a failure when loading succeeded.
  std::string error_of(const Result<Registry>& r) {
    if (r) {
      ADD_FAILURE() << "expected an error";
      return {};
    }
    return r.error().message;
  }

  test::TempDir m_tmp;
};

} // namespace

TEST_F(RegistryLoad, AMissingRootIsAnEmptyRegistry) {
  auto r = load_file(root_file());
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->root_exists);
  EXPECT_TRUE(r->repos.empty());
  EXPECT_TRUE(r->files.empty());
}

TEST_F(RegistryLoad, LoadsEveryPartOfTheSpecExample) {
  auto r = load_root(R"(
[settings]
jobs = 8
timeout = "5m"

[commands]
pullr = "git pull --rebase"

[alias]
up = "update"

[repos."src/mr"]
url = "https://example.org/mr.git"
branch = "main"
tags = ["work"]
order = 10
skip = false
chain = false
[repos."src/mr".commands]
test = "make check"
)");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->root_exists);
  EXPECT_EQ(r->settings.jobs, 8u);
  EXPECT_EQ(r->settings.timeout, std::chrono::minutes(5));
  EXPECT_EQ(r->settings.stall_timeout, std::chrono::minutes(2)); // the default
  EXPECT_EQ(r->commands.at("pullr"), "git pull --rebase");
  EXPECT_EQ(r->aliases.at("up"), "update");
  ASSERT_EQ(r->repos.size(), 1u);
  const Repo& repo = r->repos[0];
  EXPECT_EQ(repo.path, home() / "src/mr");
  EXPECT_EQ(repo.key, "src/mr");
  EXPECT_EQ(repo.url, "https://example.org/mr.git");
  EXPECT_EQ(repo.branch, "main");
  EXPECT_EQ(repo.tags, std::vector<std::string>{"work"});
  EXPECT_EQ(repo.order, 10);
  EXPECT_FALSE(repo.skip);
  EXPECT_EQ(repo.commands.at("test"), "make check");
  EXPECT_TRUE(repo.trusted);
  EXPECT_EQ(repo.location.str(), root_file().string() + ":12:1");
}

TEST_F(RegistryLoad, RepoPathsAreRelativeToTheFileOrTildeOrAbsolute) {
  auto r = load_root(R"(
[repos."rel/a"]
[repos."~/tilde"]
[repos."/abs/olute"]
[repos."."]
[repos."./b/"]
)");
  ASSERT_TRUE(r) << r.error().message;
  std::vector<fs::path> paths;
  for (const auto& repo : r->repos) {
    paths.push_back(repo.path);
  }
  // In registry order: as myrepos sorts sections as written, "." first, then absolute paths,
  // then relative ones (~/ below the file's directory as one relative to it).
  EXPECT_EQ(paths, (std::vector<fs::path>{home(), "/abs/olute", home() / "b", home() / "rel/a",
                                          home() / "tilde"}));
}

TEST_F(RegistryLoad, RegistryOrderIsOrderThenPath) {
  auto r = load_root(R"(
[repos.c]
[repos.a]
order = 20
[repos.b]
[repos.d]
order = 1.5
)");
  ASSERT_TRUE(r);
  std::vector<std::string> keys;
  for (const auto& repo : r->repos) {
    keys.push_back(repo.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"d", "b", "c", "a"}));
}

TEST_F(RegistryLoad, TagsMayBeASingleString) {
  auto r = load_root("[repos.a]\ntags = \"work\"\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->repos[0].tags, std::vector<std::string>{"work"});
}

TEST_F(RegistryLoad, MalformedTomlNamesFileLineAndColumn) {
  const auto msg = error_of(load_root("[repos.a]\nurl = \"x\n"));
  EXPECT_EQ(msg.rfind(root_file().string() + ":2:", 0), 0u) << msg;
}

TEST_F(RegistryLoad, UnknownTopLevelKey) {
  EXPECT_EQ(error_of(load_root("[repo.a]\n")),
            root_file().string() +
                ":1:2: unknown key 'repo' (expected include, settings, commands, alias or repos)");
}

TEST_F(RegistryLoad, UnknownRepoKeyListsTheValidOnes) {
  EXPECT_EQ(error_of(load_root("[repos.a]\nurll = \"x\"\n")),
            root_file().string() +
                ":2:1: unknown key 'urll' in repo 'a' (expected url, branch, tags, order, skip, "
                "deleted, lib, chain, transport, commands)");
}

TEST_F(RegistryLoad, WrongTypesSayWhatWasExpected) {
  EXPECT_EQ(error_of(load_root("[repos.a]\norder = \"high\"\n")),
            root_file().string() + ":2:9: 'order' of repo 'a' must be a number, not a string");
  EXPECT_EQ(error_of(load_root("[repos.a]\ntags = [1]\n")),
            root_file().string() + ":2:9: 'tags' of repo 'a' must be strings, not an integer");
  EXPECT_EQ(error_of(load_root("[repos.a]\nurl = 3\n")),
            root_file().string() + ":2:7: 'url' of repo 'a' must be a string, not an integer");
  EXPECT_EQ(error_of(load_root("[repos.a]\nskip = 1\n")),
            root_file().string() +
                ":2:8: 'skip' of repo 'a' must be true, false or a shell command, not an integer");
  EXPECT_EQ(error_of(load_root("repos = 1\n")),
            root_file().string() + ":1:9: 'repos' must be a table, not an integer");
  EXPECT_EQ(error_of(load_root("[repos]\na = \"url\"\n")),
            root_file().string() + ":2:5: repo 'a' must be a table, not a string");
  EXPECT_EQ(error_of(load_root("[commands]\nx = [\"a\"]\n")),
            root_file().string() + ":2:5: 'commands.x' must be a string, not an array");
}

TEST_F(RegistryLoad, StallTimeoutIsADurationOrZero) {
  auto r = load_root("[settings]\nstall_timeout = \"45s\"\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->settings.stall_timeout, std::chrono::seconds(45));
  r = load_root("[settings]\nstall_timeout = 0\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->settings.stall_timeout, std::chrono::milliseconds(0));
}

TEST_F(RegistryLoad, SettingsAreValidated) {
  EXPECT_NE(error_of(load_root("[settings]\njobs = 0\n")).find(":2:8: 'settings.jobs' must be"),
            std::string::npos);
  EXPECT_NE(error_of(load_root("[settings]\ntimeout = \"soon\"\n"))
                .find(":2:11: 'settings.timeout' must be a duration"),
            std::string::npos);
  EXPECT_NE(error_of(load_root("[settings]\nstall_timeout = -1\n"))
                .find(":2:17: 'settings.stall_timeout' must be a duration"),
            std::string::npos);
  EXPECT_EQ(error_of(load_root("[settings]\ncolour = \"always\"\n")),
            root_file().string() + ":2:1: unknown setting 'colour' (expected jobs, timeout, "
                                   "transport, connections_per_host, stall_timeout or lib)");
}

TEST_F(RegistryLoad, CommandNamesAreValidated) {
  EXPECT_NE(
      error_of(load_root("[commands]\n\"bad name\" = \"x\"\n")).find("invalid name 'bad name'"),
      std::string::npos);
}

TEST_F(RegistryLoad, DuplicateRepoPathsAreErrorsNamingBothPlaces) {
  const auto msg = error_of(load_root("[repos.a]\n[repos.\"./a\"]\n"));
  EXPECT_EQ(msg, root_file().string() + ":2:8: duplicate repo '" + (home() / "a").string() +
                     "' (already defined at " + root_file().string() + ":1:1)");
}

TEST_F(RegistryLoad, TheRootDirectoryIsOneRepoHoweverItIsSpelled) {
  // "//" once normalised to itself, not to "/": two tables for one directory loaded, and an
  // edit of one of them could remove the other (found by the edit fuzzer).
  const auto msg = error_of(load_root("[repos.\"/.\"]\n[repos.\"//\"]\n", /*trust_all=*/true));
  EXPECT_EQ(msg, root_file().string() + ":2:8: duplicate repo '/' (already defined at " +
                     root_file().string() + ":1:1)");
}

TEST_F(RegistryLoad, DuplicateAcrossIncludedFiles) {
  test::write_file(home() / "more.toml", "[repos.\"a\"]\n");
  const auto msg = error_of(load_root("include = [\"more.toml\"]\n[repos.a]\n"));
  EXPECT_NE(msg.find("duplicate repo"), std::string::npos) << msg;
  EXPECT_NE(msg.find("already defined at " + (home() / "more.toml").string() + ":1:1"),
            std::string::npos)
      << msg;
}

TEST_F(RegistryLoad, RelativePathsMayNotLeaveTheFilesDirectory) {
  EXPECT_NE(error_of(load_root("[repos.\"../x\"]\n")).find("leaves the registry's directory"),
            std::string::npos);
}

TEST_F(RegistryLoad, AVariableExpandingToDotDotIsRefusedAsALiteralOneIs) {
  ::setenv("MR_TEST_UP", "../..", 1);
  ::setenv("MR_TEST_ABS", "/tmp/../srv", 1);
  const auto msg = error_of(load_root("[repos.\"$MR_TEST_UP/x\"]\n", /*trust_all=*/true));
  EXPECT_EQ(msg, root_file().string() +
                     ":1:8: repo path '$MR_TEST_UP/x' expands to '../../x', which leaves the "
                     "registry's directory; write it as an absolute or ~/ path");
  // An absolute one may name what it likes, as a literal absolute path may.
  auto r = load_root("[repos.\"$MR_TEST_ABS/x\"]\n", /*trust_all=*/true);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->repos.at(0).path, fs::path("/srv/x"));
  ::unsetenv("MR_TEST_UP");
  ::unsetenv("MR_TEST_ABS");
}

TEST_F(RegistryLoad, ATagWithAControlCharacterIsRefused) {
  EXPECT_EQ(error_of(load_root("[repos.a]\ntags = [\"ok\", \"a\\nb\"]\n")),
            root_file().string() + ":2:15: control character in a tag of repo 'a'");
  EXPECT_EQ(error_of(load_root("[repos.a]\ntags = \"\\u001b[31m\"\n")),
            root_file().string() + ":2:8: control character in a tag of repo 'a'");
}

TEST_F(RegistryLoad, IncludesGlobsRelativeAndTilde) {
  test::write_file(home() / "conf.d/b.toml", "[repos.b]\n");
  test::write_file(home() / "conf.d/a.toml", "[repos.a]\n[commands]\nx = \"from a\"\n");
  test::write_file(home() / "extra/c.toml", "[repos.c]\n");
  auto r = load_root("include = [\"conf.d/*.toml\", \"~/extra/c.toml\", \"empty.d/*.toml\"]\n"
                     "[commands]\nx = \"from root\"\n");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->repos.size(), 3u);
  EXPECT_EQ(r->repos[0].path, home() / "conf.d/a");
  EXPECT_EQ(r->repos[2].path, home() / "extra/c");
  EXPECT_EQ(r->files.size(), 4u);
  // Includes load first: the including file's own settings win.
  EXPECT_EQ(r->commands.at("x"), "from root");
}

TEST_F(RegistryLoad, AMissingLiteralIncludeIsAnError) {
  EXPECT_EQ(error_of(load_root("include = [\"nope.toml\"]\n")),
            root_file().string() + ":1:12: included file 'nope.toml' not found (" +
                (home() / "nope.toml").string() + ")");
}

TEST_F(RegistryLoad, IncludeCyclesLoadEachFileOnce) {
  test::write_file(home() / "b.toml", "include = \".mrconfig.toml\"\n[repos.b]\n");
  auto r = load_root("include = \"b.toml\"\n[repos.a]\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->repos.size(), 2u);
}

TEST_F(RegistryLoad, AnUnreadableFileIsAnError) {
  fs::create_directories(home() / "dir.toml");
  const auto msg = error_of(load_file(home() / "dir.toml"));
  EXPECT_EQ(msg, "cannot read registry " + (home() / "dir.toml").string() +
                     ": not a regular file (a directory)");
}

TEST_F(RegistryLoad, UntrustedFilesMayOnlyListRepos) {
  const auto other = m_tmp.path() / "proj/.mrconfig.toml";
  test::write_file(other, "[repos.a]\nurl = \"u\"\ntags = [\"t\"]\norder = 3\nskip = true\n");
  auto ok = load_file(other);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_FALSE(ok->repos[0].trusted);

  const std::pair<const char*, const char*> refused[] = {
      {"[commands]\nx = \"rm -rf ~\"\n", ":1:2: [commands] is not allowed"},
      {"[alias]\nx = \"list\"\n", ":1:2: [alias] is not allowed"},
      {"[settings]\njobs = 2\n", ":1:2: [settings] is not allowed"},
      {"include = \"conf.d/*.toml\"\n", ":1:11: 'include' is not allowed"},
      {"[repos.a.commands]\nx = \"y\"\n", ":1:10: commands are not allowed"},
      {"[repos.a]\nskip = \"true\"\n", ":2:8: a 'skip' command is not allowed"},
      {"[repos.\"/etc\"]\n", ":1:8: absolute repo path '/etc' is not allowed"},
      // "~/" is not absolute, and the message does not call it so.
      {"[repos.\"~/.ssh\"]\n",
       ":1:8: repo path '~/.ssh', relative to your home directory, is not allowed"},
  };
  for (const auto& [text, expected] : refused) {
    test::write_file(other, text);
    const auto msg = error_of(load_file(other));
    EXPECT_NE(msg.find(other.string() + expected), std::string::npos) << msg;
    EXPECT_NE(msg.find("(list it in ~/.mrtrust or run with -t)"), std::string::npos) << msg;
    EXPECT_TRUE(load_file(other, /*trust_all=*/true)) << text;
  }
}

TEST_F(RegistryLoad, MrtrustListsTrustedFiles) {
  const auto other = m_tmp.path() / "proj/.mrconfig.toml";
  test::write_file(other, "[commands]\nx = \"y\"\n");
  EXPECT_FALSE(load_file(other));
  test::write_file(home() / ".mrtrust", "# trusted\n\n" + other.string() + "\n");
  EXPECT_TRUE(load_file(other));
}

TEST_F(RegistryLoad, ChainedFilesAreLoadedAndUntrusted) {
  test::write_file(home() / "proj/.mrconfig.toml", "[repos.sub]\nurl = \"s\"\n");
  auto r = load_root("[repos.proj]\nchain = true\n");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->repos.size(), 2u);
  EXPECT_EQ(r->repos[1].path, home() / "proj/sub");
  EXPECT_FALSE(r->repos[1].trusted);

  test::write_file(home() / "proj/.mrconfig.toml", "[commands]\nx = \"y\"\n");
  EXPECT_NE(error_of(load_root("[repos.proj]\nchain = true\n")).find("is not allowed"),
            std::string::npos);
}

TEST_F(RegistryLoad, ControlCharactersInRepoPathsAreRefused) {
  EXPECT_NE(error_of(load_root("[repos.\"a\\u0007b\"]\n")).find("control character"),
            std::string::npos);
}

TEST_F(RegistryLoad, AFileWritableByOthersIsNeverTrustedNotEvenWithTrustAll) {
  test::write_file(root_file(), "[commands]\nx = \"y\"\n");
  // A group with members besides the user (nobody's primary group, or none at all).
  ASSERT_EQ(::chown(root_file().c_str(), ::geteuid(), 65534), 0);
  const std::pair<unsigned, std::string> cases[] = {
      {0666, "is writable by its group and others, so it is never trusted; chmod go-w "},
      {0646, "is writable by others, so it is never trusted; chmod go-w "},
      {0664, "is writable by its group, so it is never trusted; chmod g-w "},
  };
  for (const auto& [mode, why] : cases) {
    ::chmod(root_file().c_str(), mode);
    for (const bool trust_all : {false, true}) {
      EXPECT_EQ(error_of(load_file(root_file(), trust_all)),
                root_file().string() + ":1:2: [commands] is not allowed in an untrusted registry " +
                    "file (" + root_file().string() + " " + why + root_file().string() + ")");
    }
  }
  ::chmod(root_file().c_str(), 0644);
  EXPECT_TRUE(load_file(root_file()));
}

TEST_F(RegistryLoad, GroupWriteIsFineWhenTheGroupIsTheUsersAlone) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root, whose group 0 has no other member";
  }
  test::write_file(root_file(), "[commands]\nx = \"y\"\n");
  ASSERT_EQ(::chown(root_file().c_str(), 0, 0), 0);
  ::chmod(root_file().c_str(), 0664);
  EXPECT_TRUE(load_file(root_file()));
}

TEST_F(RegistryLoad, AFileOfAnotherUserIsNeverTrusted) {
  test::write_file(root_file(), "[alias]\nx = \"list\"\n");
  ASSERT_EQ(::chown(root_file().c_str(), 65534, 65534), 0);
  const auto msg = error_of(load_file(root_file(), true));
  EXPECT_NE(msg.find(root_file().string() +
                     " belongs to uid 65534, neither you nor root, so it is never trusted"),
            std::string::npos)
      << msg;
}

TEST_F(RegistryLoad, AnIncludedFileWritableByOthersIsNotTrustedThroughItsIncluder) {
  test::write_file(home() / "more.toml", "[repos.b]\n[commands]\nx = \"y\"\n");
  ::chmod((home() / "more.toml").c_str(), 0666);
  const auto msg = error_of(load_root("include = \"more.toml\"\n"));
  EXPECT_EQ(msg.rfind((home() / "more.toml").string() + ":2:2: [commands] is not allowed", 0), 0u)
      << msg;
  // Repositories alone it may still list.
  test::write_file(home() / "more.toml", "[repos.b]\n");
  ::chmod((home() / "more.toml").c_str(), 0666);
  EXPECT_TRUE(load_root("include = \"more.toml\"\n"));
}

TEST_F(RegistryLoad, InputThatIsNotARegularFileOrTooLargeIsRefused) {
  const auto fifo = home() / "fifo.toml";
  fs::create_directories(home());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(error_of(load_root("include = \"fifo.toml\"\n")),
            "cannot read registry " + fifo.string() + ": not a regular file (a FIFO)");
  EXPECT_EQ(error_of(load_root("include = \"/dev/zero\"\n")),
            "cannot read registry /dev/zero: not a regular file (a character device)");
  const auto big = home() / "big.toml";
  test::write_file(big, "");
  fs::resize_file(big, k_max_file_size + 1);
  EXPECT_EQ(error_of(load_file(big)), "cannot read registry " + big.string() +
                                          ": larger than 16 MiB, the limit for this file");
}

TEST_F(RegistryLoad, IncludesAreBoundedInDepthAndInFilesPerPattern) {
  for (std::size_t i = 0; i < 20; ++i) {
    test::write_file(home() / ("d" + std::to_string(i) + ".toml"),
                     "include = \"d" + std::to_string(i + 1) + ".toml\"\n");
  }
  test::write_file(home() / "d20.toml", "");
  const auto msg = error_of(load_root("include = \"d0.toml\"\n"));
  EXPECT_EQ(msg, (home() / "d15.toml").string() +
                     ":1:11: includes and chains nested more than 16 files deep");

  for (std::size_t i = 0; i <= k_max_glob_files; ++i) {
    test::write_file(home() / "many" / (std::to_string(i) + ".toml"), "");
  }
  EXPECT_EQ(error_of(load_root("include = \"many/*.toml\"\n")),
            root_file().string() + ":1:11: include pattern 'many/*.toml' matches more than " +
                "1000 files, the most mr loads from one");
}

TEST_F(RegistryLoad, FindComparesRegisteredPaths) {
  auto r = load_root("[repos.a]\n");
  ASSERT_TRUE(r);
  EXPECT_NE(r->find(home() / "a"), nullptr);
  EXPECT_EQ(r->find(home() / "b"), nullptr);
}

} // namespace mr::registry
