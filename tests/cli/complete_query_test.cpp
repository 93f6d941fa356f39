// `mr --complete WHAT [WORD]`, the query the shell completions ask (cmd/complete.hpp): it
// answers from the registry the completed command line would use, prints one candidate
// per line, and never writes to stderr.
#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class CompleteQuery : public CliTest {
protected:
  CompleteQuery() {
    fs::create_directories(home() / "src/a");
    fs::create_directories(home() / "src/b/c");
    fs::create_directories(home() / "work/w");
    write_file(registry(), "include = [\"~/more.toml\"]\n"
                           "[repos.\"src/a\"]\ntags = [\"dot\", \"mine\"]\n"
                           "[repos.\"src/b/c\"]\ntags = [\"mine\"]\n"
                           "[commands]\nhello = \"echo hi\"\npre_update = \"true\"\n"
                           "[alias]\nup = \"update\"\n");
    write_file(home() / "more.toml", "[commands]\nincluded = \"true\"\n"
                                     "[repos.\"src/inc\"]\ntags = [\"fromincl\"]\n");
    // The nearest file below $HOME is loaded too.
    write_file(home() / "work/.mrconfig.toml", "[repos.w]\n[commands]\nnear = \"true\"\n");
    // Commands are allowed only in trusted files, for the completion as for the action.
    write_file(home() / ".mrtrust",
               (home() / "more.toml").string() + "\n" + (home() / "work/.mrconfig.toml").string() +
                   "\n" + (root() / "other.toml").string() + "\n" + (root() / "log.toml").string() +
                   "\n" + (root() / "evil.toml").string() + "\n");
  }

  // Lines of stdout; stderr must stay empty whatever happens.
  std::vector<std::string> ask(const std::vector<std::string>& args, const fs::path& cwd,
                               int status = 0, const std::map<std::string, std::string>& env = {}) {
    const auto r = mr(args, cwd, env);
    EXPECT_EQ(r.exit_code, status) << r.err;
    EXPECT_EQ(r.err, "");
    return lines_of(r.out);
  }

  std::vector<std::string> names(const std::vector<std::string>& args, const fs::path& cwd) {
    std::vector<std::string> out;
    for (const auto& line : ask(args, cwd)) {
      out.push_back(line.substr(0, line.find('\t')));
    }
    return out;
  }
};

using Lines = std::vector<std::string>;

} // namespace

TEST_F(CompleteQuery, ActionsAreTheBuiltinsAliasesAndEveryLoadedFilesCommands) {
  const Lines builtins{"checkout", "ci",       "clean",  "co",      "commit",     "config",
                       "diff",     "discover", "fetch",  "grep",    "help",       "import",
                       "list",     "ll",       "log",    "ls",      "push",       "record",
                       "register", "run",      "status", "summary", "unregister", "update"};
  auto expected = builtins;
  expected.insert(expected.end(), {"hello", "included", "near", "up"});
  std::sort(expected.begin(), expected.end());
  // From work/: ~/.mrconfig.toml, what it includes, and the nearest file; hooks left out.
  EXPECT_EQ(names({"--complete", "actions"}, home() / "work/w"), expected);
  // From $HOME the nearest file is not on the way.
  auto from_home = expected;
  from_home.erase(std::find(from_home.begin(), from_home.end(), "near"));
  EXPECT_EQ(names({"--complete", "actions"}, home()), from_home);
  // -c names the registry alone, as it would for the action.
  write_file(root() / "other.toml", "[commands]\nother = \"true\"\n");
  auto other = builtins;
  other.push_back("other");
  std::sort(other.begin(), other.end());
  EXPECT_EQ(names({"-c", (root() / "other.toml").string(), "--complete", "actions"}, home()),
            other);
  // An untrusted file with commands does not load, for the completion as for the action: only
  // the built-ins then (and -t on the line being completed trusts it, as it would the action).
  write_file(root() / "untrusted.toml", "[commands]\nforeign = \"true\"\n");
  EXPECT_EQ(names({"-c", (root() / "untrusted.toml").string(), "--complete", "actions"}, home()),
            builtins);
  auto trusted = builtins;
  trusted.push_back("foreign");
  std::sort(trusted.begin(), trusted.end());
  EXPECT_EQ(
      names({"-t", "-c", (root() / "untrusted.toml").string(), "--complete", "actions"}, home()),
      trusted);
}

TEST_F(CompleteQuery, ActionsCarryADescription) {
  const auto lines = ask({"--complete", "actions"}, home());
  const auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  EXPECT_TRUE(has("co\talias for checkout"));
  EXPECT_TRUE(has("up\talias for update"));
  EXPECT_TRUE(has("hello\tcommand of the registry"));
  EXPECT_TRUE(has("summary\tone line per repository: branch, upstream, changes (ll)"));
}

TEST_F(CompleteQuery, ActionResolvesWhatWasTyped) {
  EXPECT_EQ(ask({"--complete", "action", "st"}, home()), Lines{"status\tbuiltin"});
  EXPECT_EQ(ask({"--complete", "action", "ll"}, home()), Lines{"summary\tbuiltin"});
  EXPECT_EQ(ask({"--complete", "action", "up"}, home()), Lines{"update\tbuiltin"});
  EXPECT_EQ(ask({"--complete", "action", "hel"}, home()), Lines{"hello\tcommand"});
  EXPECT_EQ(ask({"--complete", "action", "bogus"}, home(), 1), Lines{});
  EXPECT_EQ(ask({"--complete", "action", "c"}, home(), 1), Lines{}); // ambiguous
  // A command of the registry under a built-in's name replaces it: its options do not apply.
  write_file(root() / "log.toml", "[commands]\nlog = \"echo mine\"\n");
  EXPECT_EQ(ask({"-c", (root() / "log.toml").string(), "--complete", "action", "log"}, home()),
            Lines{"log\tcommand"});
}

TEST_F(CompleteQuery, ReposAreSpelledAsTheWordIs) {
  EXPECT_EQ(ask({"--complete", "repos"}, home()), (Lines{"src/a", "src/b/c", "src/inc"}));
  EXPECT_EQ(ask({"--complete", "repos", "src/b"}, home()), Lines{"src/b/c"});
  EXPECT_EQ(ask({"--complete", "repos"}, home() / "src"), (Lines{"a", "b/c", "inc"}));
  EXPECT_EQ(ask({"--complete", "repos", "~/s"}, home() / "src/b"),
            (Lines{"~/src/a", "~/src/b/c", "~/src/inc"}));
  EXPECT_EQ(ask({"--complete", "repos", (home() / "src/a").string()}, home() / "src/b"),
            Lines{(home() / "src/a").string()});
  // From work/, whose nearest file adds its own repository.
  EXPECT_EQ(ask({"--complete", "repos"}, home() / "work"), Lines{"w"});
}

TEST_F(CompleteQuery, TagsAndCommandNames) {
  EXPECT_EQ(ask({"--complete", "tags"}, home()), (Lines{"dot", "fromincl", "mine"}));
  // Hooks are command names too (mr config DEFAULT commands.pre_update=...).
  EXPECT_EQ(ask({"--complete", "commands"}, home()), (Lines{"hello", "included", "pre_update"}));
}

TEST_F(CompleteQuery, ABrokenRegistryStillCompletesTheBuiltinsQuietly) {
  write_file(registry(), "this is not TOML [");
  const auto actions = names({"--complete", "actions"}, home());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "status"), actions.end());
  EXPECT_EQ(std::find(actions.begin(), actions.end(), "hello"), actions.end());
  EXPECT_EQ(ask({"--complete", "tags"}, home()), Lines{});
  EXPECT_EQ(ask({"--complete", "action", "st"}, home()), Lines{"status\tbuiltin"});
  // Nor does a variable that would stop an action (a completion only reads the registry).
  EXPECT_EQ(ask({"--complete", "action", "st"}, home(), 0, {{"GIT_DIR", "/nowhere"}}),
            Lines{"status\tbuiltin"});
  // A -d that does not exist.
  EXPECT_EQ(ask({"-d", "/no/such/dir", "--complete", "action", "st"}, home()),
            Lines{"status\tbuiltin"});
}

TEST_F(CompleteQuery, NoCandidateCarriesAControlCharacter) {
  // The shell would put it into the command line being edited (an escape sequence, a
  // newline that ends it). Command names are letters, digits, '_', '-' and '.', and the
  // loader refuses others, naming them escaped; an alias's target is free text.
  write_file(root() / "evil.toml", "[commands]\nok = \"true\"\n"
                                   "[alias]\nbad = \"up\\u001b[2Jdate\"\n");
  const auto c = (root() / "evil.toml").string();
  const auto actions = ask({"-c", c, "--complete", "actions"}, home());
  for (const auto& line : actions) {
    for (const char ch : line) {
      EXPECT_TRUE(static_cast<unsigned char>(ch) >= 0x20 || ch == '\t') << line;
    }
  }
  const auto has = [&](const std::string& line) {
    return std::find(actions.begin(), actions.end(), line) != actions.end();
  };
  EXPECT_TRUE(has("ok\tcommand of the registry"));
  EXPECT_TRUE(has("bad\t")); // the alias completes, its target is not shown
  write_file(root() / "evil.toml", "[commands]\n\"x\\u001b[2J\" = \"true\"\n");
  const auto refused = mr({"-c", c, "list"}, home());
  EXPECT_EQ(refused.err, "mr: error: " + c +
                             ":2:1: invalid name '\"x\\u001b[2J\"' in commands (use letters, "
                             "digits, '_', '-' and '.')\n");
}

TEST_F(CompleteQuery, AQueryTheCompletionsNeverSendIsAUsageError) {
  const auto unknown = mr({"--complete", "bogus"}, home());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err.rfind("mr: error: --complete: unknown query \"bogus\"", 0), 0u)
      << unknown.err;
  EXPECT_EQ(mr({"--complete"}, home()).exit_code, 2);
  EXPECT_EQ(mr({"--complete", "tags", "x"}, home()).exit_code, 2);
  EXPECT_EQ(mr({"--complete", "action"}, home()).exit_code, 2);
  // It is hidden: not in the help.
  EXPECT_EQ(mr({"--help"}, home()).out.find("--complete"), std::string::npos);
}

// Found by a hostile review: -v and MR_LOG wrote debug lines to stderr, and a deleted
// current directory gave an error and no action at all.
TEST_F(CompleteQuery, NothingOnStderrEvenWithDiagnosticsOrWithoutACurrentDirectory) {
  EXPECT_EQ(ask({"-v", "--complete", "action", "st"}, home()), Lines{"status\tbuiltin"});
  EXPECT_EQ(ask({"--complete", "tags"}, home(), 0, {{"MR_LOG", "debug"}}),
            (Lines{"dot", "fromincl", "mine"}));
  const auto gone = root() / "gone";
  fs::create_directories(gone);
  RunOptions options;
  options.cwd = gone;
  options.env = env_for(gone);
  // The directory is removed by the shell mr runs in, before mr starts.
  const auto r =
      run({"sh", "-c", "rmdir \"$PWD\" && exec \"$0\" --complete action st", mr_binary().string()},
          options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "status\tbuiltin\n");
  EXPECT_EQ(r.err, "");
}

} // namespace mr::test
