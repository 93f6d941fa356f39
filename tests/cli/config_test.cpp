// mr config REPO [KEY[=VALUE]...]: reading, setting and removing registry values, in the
// file that defines them, with every other byte of it kept.
#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class Config : public CliTest {
protected:
  Config() {
    fs::create_directories(home() / "src/a");
    fs::create_directories(home() / "src/b");
    write_file(registry(), k_registry);
  }

  // Comments, odd spacing, an inline table and a sub-table: what an edit must keep.
  static constexpr const char* k_registry =
      "# My repositories.\n"
      "[settings]\n"
      "jobs = 2   # two\n"
      "\n"
      "# the main one\n"
      "[repos.\"src/a\"]   # keep me\n"
      "url   =   \"https://x/a.git\"   # and me\n"
      "tags = [\"work\"]\n"
      "order = 5\n"
      "\n"
      "[repos.\"src/a\".commands]\n"
      "test = \"make check\"\n"
      "\n"
      "[repos]\n"
      "\"src/b\" = { url = \"https://x/b.git\", skip = true } # inline\n";

  fs::path a() const { return home() / "src/a"; }
};

} // namespace

TEST_F(Config, ReadsPrintAStringAsItIsAndAnythingElseAsToml) {
  auto r = mr({"config", "src/a", "url", "tags", "order", "commands.test"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "https://x/a.git\n[\"work\"]\n5\nmake check\n");
  EXPECT_EQ(r.err, "");
  r = mr({"config", "src/b", "skip"}, home());
  EXPECT_EQ(r.out, "true\n");
  r = mr({"-q", "config", "DEFAULT", "jobs"}, home());
  EXPECT_EQ(r.out, "2\n");
}

TEST_F(Config, AKeyThatIsNotSetExitsOne) {
  const auto r = mr({"config", "src/a", "url", "branch", "order"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "https://x/a.git\n");
  EXPECT_EQ(r.err, "mr config: src/a branch not set\n");
}

TEST_F(Config, WithoutAKeyPrintsTheWholeTable) {
  auto r = mr({"config", "src/a"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[repos.\"src/a\"]\nurl = \"https://x/a.git\"\ntags = [\"work\"]\norder = 5\n\n"
                   "[repos.\"src/a\".commands]\ntest = \"make check\"\n");
  r = mr({"config", "DEFAULT"}, home());
  EXPECT_EQ(r.out, "[settings]\njobs = 2\n");
}

TEST_F(Config, RepoIsAPathAsTyped) {
  EXPECT_EQ(mr({"config", ".", "order"}, a()).out, "5\n");
  EXPECT_EQ(mr({"config", a().string(), "order"}, root()).out, "5\n");
  EXPECT_EQ(mr({"config", "../a/", "order"}, home() / "src/b").out, "5\n");
  EXPECT_EQ(mr({"config", "~/src/a", "order"}, root()).out, "5\n");
  // A directory inside a repository is not the repository.
  fs::create_directories(a() / "sub");
  auto r = mr({"config", ".", "order"}, a() / "sub");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: " + (a() / "sub").string() + " is not registered\n");
  r = mr({"config", "src/c", "order=1"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: " + (home() / "src/c").string() +
                       " is not registered (add it with mr register " +
                       (home() / "src/c").string() + ")\n");
  EXPECT_EQ(read_file(registry()), k_registry);
  r = mr({"config"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("usage: mr config REPO [KEY[=VALUE]...]"), std::string::npos) << r.err;
}

TEST_F(Config, SetAndRemoveKeepEveryOtherByte) {
  auto r = mr({"config", "src/a", "url=https://y/a.git", "branch=main", "tags=", "order=2.5",
               "commands.lint=make lint"},
              home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(read_file(registry()),
            "# My repositories.\n"
            "[settings]\n"
            "jobs = 2   # two\n"
            "\n"
            "# the main one\n"
            "[repos.\"src/a\"]   # keep me\n"
            "url   =   \"https://y/a.git\"   # and me\n"
            "order = 2.5\n"
            "branch = \"main\"\n"
            "\n"
            "[repos.\"src/a\".commands]\n"
            "test = \"make check\"\n"
            "lint = \"make lint\"\n"
            "\n"
            "[repos]\n"
            "\"src/b\" = { url = \"https://x/b.git\", skip = true } # inline\n");
  r = mr({"config", "src/b", "skip=", "tags=x, y", "order=-1"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto text = read_file(registry());
  EXPECT_EQ(text.substr(text.rfind("[repos]\n")),
            "[repos]\n\"src/b\" = { order = -1, tags = [\"x\", \"y\"], url = \"https://x/b.git\" } "
            "# inline\n");
  EXPECT_EQ(mr({"config", "src/b", "tags"}, home()).out, "[\"x\", \"y\"]\n");
  // Removing what is not set, or setting what is already so, writes nothing.
  const auto before = fs::last_write_time(registry());
  EXPECT_EQ(mr({"config", "src/b", "branch=", "order=-1"}, home()).exit_code, 0);
  EXPECT_EQ(fs::last_write_time(registry()), before);
}

TEST_F(Config, TagsAsATomlArray) {
  EXPECT_EQ(mr({"config", "src/a", "tags=[\"a b\", 'c']"}, home()).exit_code, 0);
  EXPECT_EQ(mr({"config", "src/a", "tags"}, home()).out, "[\"a b\", \"c\"]\n");
  EXPECT_EQ(mr({"-g", "c", "list"}, home()).out,
            "mr list: " + a().string() + "\n\nmr list: finished (1 ok)\n");
}

TEST_F(Config, BadValuesWriteNothing) {
  const auto refused = [&](const std::vector<std::string>& args, const std::string& error) {
    std::vector<std::string> all{"config"};
    all.insert(all.end(), args.begin(), args.end());
    const auto r = mr(all, home());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "mr: error: " + error + "\n");
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(read_file(registry()), k_registry);
  };
  refused({"src/a", "order=soon"}, "order: expected a number, such as 5 or 2.5, not \"soon\"");
  refused({"src/a", "chain=yes"}, "chain: expected true or false, not \"yes\"");
  refused({"DEFAULT", "jobs=4.5"}, "jobs: expected an integer, not \"4.5\"");
  refused({"src/a", "tags=[1]"}, "tags: expected tags separated by commas, or a TOML array of "
                                 "strings such as [\"a\", \"b\"], not \"[1]\"");
  refused({"src/a", "colour=red"},
          "unknown key \"colour\" of a repository (expected url, branch, tags, order, skip, "
          "deleted, lib, chain, transport or commands.NAME)");
  refused({"DEFAULT", "url"}, "unknown key \"url\" of DEFAULT (expected jobs, timeout, transport, "
                              "connections_per_host, stall_timeout, lib, commands.NAME or "
                              "alias.NAME)");
  // The range is the loader's to judge, with its words; and several changes are all or
  // nothing: the good one before the bad one is not written either.
  refused({"DEFAULT", "jobs=0"},
          "nothing was changed, because the registry would not load with the change: " +
              registry().string() + ":3:8: 'settings.jobs' must be an integer from 1 to 4096");
  refused({"src/a", "order=1", "transport=carrier-pigeon"},
          "nothing was changed, because the registry would not load with the change: " +
              registry().string() + ":10:13: 'transport' of repo 'src/a' must be \"auto\", " +
              "\"libgit2\" or \"git\"");
  refused({"src/a", "order=1", "commands.skip=x"},
          "nothing was changed, because the registry would not load with the change: " +
              registry().string() +
              ":13:1: 'skip' is a repository setting, not a command: write skip = ... in the " +
              "repository's table, beside its url");
}

TEST_F(Config, DefaultKeys) {
  auto r = mr({"config", "DEFAULT", "jobs=4", "timeout=90", "alias.up=update",
               "commands.hello=echo hello from $MR_REPO"},
              home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      read_file(registry())
          .rfind(
              "# My repositories.\n[settings]\njobs = 4   # two\ntimeout = 90\n\n# the main one\n",
              0),
      0u);
  r = mr({"config", "DEFAULT"}, home());
  EXPECT_EQ(r.out, "[settings]\njobs = 4\ntimeout = 90\n\n[commands]\nhello = \"echo hello from "
                   "$MR_REPO\"\n\n[alias]\nup = \"update\"\n");
  r = mr({"hello"}, a());
  EXPECT_EQ(r.out, "mr hello: " + a().string() + "\nhello from " + a().string() +
                       "\n\nmr hello: finished (1 ok)\n");
  EXPECT_EQ(mr({"config", "DEFAULT", "timeout=", "commands.hello=", "alias.up="}, home()).exit_code,
            0);
  EXPECT_EQ(mr({"config", "DEFAULT"}, home()).out, "[settings]\njobs = 4\n");
  // No registry yet: the key goes to a new ~/.mrconfig.toml.
  fs::remove(registry());
  EXPECT_EQ(mr({"config", "DEFAULT", "stall_timeout=1m"}, home()).exit_code, 0);
  EXPECT_EQ(read_file(registry()), "[settings]\nstall_timeout = \"1m\"\n");
}

TEST_F(Config, AValueIsChangedInTheFileThatDefinesIt) {
  fs::create_directories(home() / ".config/mr");
  const auto included = home() / ".config/mr/more.toml";
  const std::string more = "# included\n[settings]\ntimeout = \"5m\"\n\n[repos.\"~/src/c\"]\n"
                           "url = \"https://x/c.git\"\n";
  write_file(included, more);
  const std::string root = "include = \"~/.config/mr/more.toml\"\n" + std::string(k_registry);
  write_file(registry(), root);
  EXPECT_EQ(mr({"config", "src/c", "url"}, home()).out, "https://x/c.git\n");
  auto r = mr({"config", "src/c", "url=https://y/c.git"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(included), "# included\n[settings]\ntimeout = \"5m\"\n\n[repos.\"~/src/c\"]\n"
                                 "url = \"https://y/c.git\"\n");
  r = mr({"config", "DEFAULT", "timeout=10m"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(included).find("timeout = \"10m\""), std::string::npos);
  EXPECT_EQ(read_file(registry()), root);
  // Keys of one call that belong in two files are refused, so that one call is one write.
  r = mr({"config", "DEFAULT", "timeout=1m", "jobs=3"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: timeout and jobs belong in different files (" + included.string() +
                       " and " + registry().string() + "); change them with one mr config each\n");
  EXPECT_EQ(read_file(registry()), root);
}

TEST_F(Config, AnUntrustedFileMayHoldNoCommand) {
  const auto project = root() / "project";
  fs::create_directories(project / "lib");
  const auto file = project / ".mrconfig.toml";
  const std::string text = "[repos.lib] # vendored\nurl = \"https://x/lib.git\"\n";
  write_file(file, text);
  const auto refused = [&](const std::string& change, const std::string& why) {
    const auto r = mr({"config", "lib", change}, project);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mr: error: nothing was changed, because the registry would not load with "
                     "the change: " +
                         file.string() + why + " (list it in ~/.mrtrust or run with -t)\n");
    EXPECT_EQ(read_file(file), text);
  };
  refused("commands.x=make", ":3:1: commands are not allowed in an untrusted registry file");
  refused("skip=lazy", ":3:8: a 'skip' command is not allowed in an untrusted registry file");
  auto r = mr({"config", "lib", "skip=true", "order=3"}, project);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(file), "[repos.lib] # vendored\nurl = \"https://x/lib.git\"\nskip = true\n"
                             "order = 3\n");
  // As the loader would: with -t the file is trusted.
  r = mr({"-t", "config", "lib", "commands.x=make"}, project);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(Config, ReadsBeforeChangesAndAnUnsetReadChangesNothing) {
  auto r = mr({"config", "src/a", "order", "order=7"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "5\n");
  EXPECT_EQ(mr({"config", "src/a", "order"}, home()).out, "7\n");
  const auto before = read_file(registry());
  r = mr({"config", "src/a", "branch", "order=8"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(read_file(registry()), before);
}

TEST_F(Config, HelpNamesTheKeys) {
  const auto r = mr({"help", "config"}, home());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("Usage: mr [OPTIONS] config REPO [KEY[=VALUE]...]\n", 0), 0u) << r.out;
}

// As every action, config gives way to a command the registry defines under its name.
TEST_F(Config, ACommandNamedConfigReplacesIt) {
  write_file(registry(), "[repos.\"src/a\".commands]\nconfig = \"echo mine\"\n");
  const auto r = mr({"config"}, home() / "src/a");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "mr config: " + (home() / "src/a").string() + "\nmine\n\nmr config: finished (1 ok)\n");
}

// A file's own [settings], [commands] and [alias] are applied after the files it includes,
// so its values are the ones in force, whatever order the files were read in.
TEST_F(Config, ADefaultKeyIsReadAndWrittenWhereItsValueIsInForce) {
  const auto included = home() / "inc/x.toml";
  const std::string inc = "[repos.\"~/src/c\"]\n[settings]\ntimeout = 100\n[commands]\n"
                          "sl = \"sleep 1\"\n[alias]\nst = \"status\"\n";
  write_file(included, inc);
  write_file(registry(), "include = \"inc/x.toml\"\n[settings]\ntimeout = 1\n[commands]\n"
                         "sl = \"sleep 3\"\n[alias]\nst = \"list\"\n");
  auto r = mr({"config", "DEFAULT", "timeout", "commands.sl", "alias.st"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\nsleep 3\nlist\n");
  r = mr({"config", "DEFAULT"}, home());
  EXPECT_EQ(r.out, "[settings]\ntimeout = 1\n\n[commands]\nsl = \"sleep 3\"\n\n[alias]\n"
                   "st = \"list\"\n");
  r = mr({"config", "DEFAULT", "timeout=50", "commands.sl=sleep 4", "alias.st=diff"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(included), inc);
  EXPECT_EQ(read_file(registry()), "include = \"inc/x.toml\"\n[settings]\ntimeout = 50\n"
                                   "[commands]\nsl = \"sleep 4\"\n[alias]\nst = \"diff\"\n");
}

// What a url or a branch holds is printed and given to git: no control character, from
// mr config as from a file written by hand; a value read back that holds one is escaped.
TEST_F(Config, ControlCharactersAreRefusedInUrlAndBranchAndEscapedWhenPrinted) {
  for (const std::string change : {"branch=\x1b]0;X\a\x1b[2J", "url=a\nb"}) {
    const auto r = mr({"config", "src/a", change}, home());
    EXPECT_EQ(r.exit_code, 2) << change;
    EXPECT_NE(r.err.find(registry().string() + ":"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("control character in the "), std::string::npos) << r.err;
    EXPECT_EQ(read_file(registry()), k_registry);
  }
  write_file(registry(), "[repos.\"src/a\"]\nbranch = \"x\\u001b[2J\"\n");
  auto r = mr({"list"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(registry().string() + ":2:10: control character in the branch of repo"),
            std::string::npos)
      << r.err;
  write_file(registry(), "[repos.\"src/a\".commands]\nx = \"a\\u001b[2Jb\"\ny = \"a\\n\\tb\"\n");
  r = mr({"config", "src/a", "commands.x", "commands.y"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"a\\u001b[2Jb\"\na\n\tb\n");
}

} // namespace mr::test
