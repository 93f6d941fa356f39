// An action's own help (README "Command line"): `mr help ACTION`, `mr ACTION --help` and
// `mr ACTION -h` print its usage, summary and arguments, exit 0 and touch no repository;
// names resolve as actions do (aliases, prefixes). A registry command that replaces a
// built-in gets its --help as an argument, as any other.
#include <regex>
#include <set>
#include <sstream>

#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class ActionHelp : public CliTest {
protected:
  ActionHelp() {
    // Not git repositories: an action that ran would fail in them, and print their headers.
    std::filesystem::create_directories(home() / "src/a");
    write_file(registry(), "[repos.\"src/a\"]\n[alias]\nst = \"status\"\n"
                           "[commands]\nlog = \"echo mylog \\\"$@\\\"\"\nhello = \"echo hi\"\n");
  }
};

const std::string k_status_help =
    "Usage: mr [OPTIONS] status [-uMODE | GIT-STATUS-ARGS...]\n"
    "changes, unpushed branches and stashes, as myrepos (git status -s)\n\n"
    "  -u, --untracked-files[=MODE]  untracked files: no, normal or all (bare: all)\n"
    "  -s, --short                   the short format (the only one, as myrepos)\n"
    "  other options of git status   run git status -s with them, as myrepos\n\n"
    "The global options (mr --help) go before the action.\n";

} // namespace

// `mr ACTION --help` is the short help; `mr help ACTION` adds the action's part of mr(1).
TEST_F(ActionHelp, HelpActionPrintsThatActionsHelp) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"status", "--help"},
                                               {"status", "-h"},
                                               {"st", "--help"},
                                               {"-q", "status", "--help"}}) {
    const auto r = mr(args, home());
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << r.err;
    EXPECT_EQ(r.out, k_status_help) << args[0] << " " << args[1];
    EXPECT_EQ(r.err, "");
  }
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"help", "status"}, {"help", "st"}, {"help", "stat"}}) {
    const auto r = mr(args, home());
    EXPECT_EQ(r.exit_code, 0) << args[1] << r.err;
    EXPECT_EQ(r.out.rfind(k_status_help + "\nFrom mr(1):\n\n"
                                          "status [-uno|-unormal|-uall | GIT-STATUS-ARGS...]\n"
                                          "    What myrepos' mr status prints for a git "
                                          "repository, computed in process through\n",
                          0),
              0u)
        << args[1] << ":\n"
        << r.out;
    EXPECT_EQ(r.err, "");
  }
  EXPECT_EQ(mr({"help", "ci"}, home()).out.rfind(mr({"commit", "--help"}, home()).out, 0), 0u);
  EXPECT_EQ(mr({"help", "ci"}, home()).out.rfind("Usage: mr [OPTIONS] commit [ARGS...]\n", 0), 0u);
  EXPECT_EQ(mr({"list", "--help"}, home()).out,
            "Usage: mr [OPTIONS] list\nprint the header line of each selected repository\n\n"
            "  It takes no arguments.\n\nThe global options (mr --help) go before the action.\n");
  EXPECT_EQ(mr({"help", "ls"}, home()).out,
            mr({"list", "--help"}, home()).out +
                "\nFrom mr(1):\n\nlist, ls\n"
                "    Print the header line of each selected repository. Only the registry is "
                "read, and\n"
                "    no repository opened; as with myrepos, a registered repository that is "
                "not checked\n"
                "    out fails with its failed to chdir line (see OUTPUT). A repository whose "
                "skip\n"
                "    is true counts as skipped (unless -f). It takes no arguments: the global "
                "options\n"
                "    go before it (mr -q list, not mr list -q).\n");
}

TEST_F(ActionHelp, HelpRunsNoRepository) {
  // `mr update --help` fetched and fast-forwarded (or refused the argument, later).
  for (const char* action : {"update", "fetch", "checkout", "summary", "diff", "commit", "push",
                             "grep", "clean", "run", "register", "unregister", "list"}) {
    const auto r = mr({action, "--help"}, home());
    EXPECT_EQ(r.exit_code, 0) << action << r.err;
    EXPECT_EQ(r.out.find("mr " + std::string(action) + ":"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(std::string("Usage: mr [OPTIONS] ") + action), 0u) << r.out;
    EXPECT_EQ(mr({"help", action}, home()).out.rfind(r.out + "\nFrom mr(1):\n\n", 0), 0u);
  }
}

TEST_F(ActionHelp, DashHBelongsToTheCommandWhenItIsNotAlone) {
  // git grep -h PATTERN: no file names.
  const auto r = mr({"grep", "-h", "x"}, home());
  EXPECT_NE(r.out.find("mr grep: " + (home() / "src/a").string()), std::string::npos) << r.out;
  const auto run = mr({"run", "printf", "%s\\n", "--help"}, home());
  EXPECT_NE(run.out.find("\n--help\n"), std::string::npos) << run.out;
}

TEST_F(ActionHelp, ARegistryCommandGetsItsHelpArgument) {
  const auto r = mr({"log", "--help"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nmylog --help\n"), std::string::npos) << r.out;
  const auto h = mr({"help", "hello"}, home());
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_EQ(h.out, "Usage: mr [OPTIONS] hello [ARGS...]\n"
                   "hello is a command of the registry: its shell code runs in each selected "
                   "repository,\nwith ARGS as \"$@\" (see mrconfig.toml(5)).\n\n"
                   "In " +
                       registry().string() + " ([commands]):\n    echo hi\n");
}

// `mr help NAME` shows what the registry runs for NAME: the file-wide code with the file it
// comes from, and each repository's own; the short --help does not.
TEST_F(ActionHelp, HelpShowsARegistryCommandsCode) {
  fs::create_directories(home() / "src/b");
  write_file(registry(), "[repos.\"src/a\"]\n[repos.\"src/a\".commands]\nbuild = \"make -C a\"\n"
                         "[repos.\"src/b\"]\n"
                         "[commands]\nbuild = \"set -e\\n\\n./configure\\nmake\\n\"\n"
                         "weird = \"echo \\u001b[31m\"\n");
  const auto h = mr({"help", "bui"}, home());
  EXPECT_EQ(h.exit_code, 0) << h.err;
  const std::string head = "Usage: mr [OPTIONS] build [ARGS...]\nbuild is a command";
  EXPECT_EQ(h.out.rfind(head, 0), 0u) << h.out;
  EXPECT_NE(h.out.find("\n\nIn " + registry().string() +
                       " ([commands]):\n    set -e\n\n    ./configure\n    make\n\n"
                       "For " +
                       (home() / "src/a").string() + " (" + registry().string() +
                       "):\n    make -C a\n"),
            std::string::npos)
      << h.out;
  EXPECT_EQ(mr({"build", "--help"}, home()).out.find("make -C a"), std::string::npos);
  // Code holding an escape sequence is shown quoted, never sent to the terminal as it is.
  const auto w = mr({"help", "weird"}, home());
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_EQ(w.out.find('\x1b'), std::string::npos) << w.out;
  EXPECT_NE(w.out.find("    \"echo \\u001b[31m\"\n"), std::string::npos) << w.out;
}

TEST_F(ActionHelp, BadRequestsAreUsageErrors) {
  const auto unknown = mr({"help", "bogus"}, home());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err.rfind("mr: error: unknown action \"bogus\"", 0), 0u) << unknown.err;
  const auto two = mr({"help", "status", "diff"}, home());
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_EQ(two.err, "mr: error: help takes one action (usage: mr help [ACTION])\n");
  EXPECT_EQ(mr({"help"}, home()).out, mr({"--help"}, home()).out);
}

TEST_F(ActionHelp, HelpHelpIsTheGeneralHelp) {
  // It said: unknown action "help".
  const auto general = mr({"help"}, home());
  ASSERT_EQ(general.exit_code, 0);
  const auto r = mr({"help", "help"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, general.out);
  EXPECT_EQ(r.err, "");
}

// Without a registry that loads, a name that is no built-in gets the registry's error (it
// said "unknown action", naming only the built-ins, when the command was in that registry).
TEST_F(ActionHelp, ARegistryCommandsHelpNamesTheRegistrysError) {
  write_file(registry(), "[commands]\nhello = \"echo hi\"\n[oops\n");
  const auto r = mr({"help", "hello"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("mr: error: " + registry().string() + ":3:", 0), 0u) << r.err;
  EXPECT_EQ(mr({"help", "status"}, home()).exit_code, 0);
}

TEST_F(ActionHelp, WorksWithoutARegistry) {
  std::filesystem::remove(registry());
  EXPECT_EQ(mr({"help", "status"}, home()).out.rfind(k_status_help, 0), 0u);
  EXPECT_EQ(mr({"status", "--help"}, home()).out, k_status_help);
  write_file(registry(), "this is not TOML [");
  EXPECT_EQ(mr({"help", "status"}, home()).out.rfind(k_status_help, 0), 0u);
  EXPECT_EQ(mr({"status", "--help"}, home()).out, k_status_help);
}

// Whatever the command line offers is in mr(1): each built-in action has its entry, each
// global option (mr --help) and each action's own option (mr ACTION --help) is named there.
TEST_F(ActionHelp, EveryActionAndOptionIsInTheManual) {
  write_file(registry(), ""); // the fixture's log command would replace the built-in
  const auto page = read_file(fs::path(MR_SOURCE_DIR) / "man/mr.1.scd");
  const std::regex option_word(R"((^|[ ,\[])(--?[a-z][a-z-]*))");
  const auto options_in = [&](const std::string& text, std::set<std::string>& out) {
    for (const auto& line : lines_of(text)) {
      if (line.rfind("  -", 0) != 0) {
        continue;
      }
      const auto names = line.substr(0, line.find("  ", 2));
      for (auto it = std::sregex_iterator(names.begin(), names.end(), option_word);
           it != std::sregex_iterator(); ++it) {
        out.insert((*it)[2]);
      }
    }
  };
  std::set<std::string> global;
  const auto help = mr({"--help"}, home()).out;
  options_in(help.substr(0, help.find("Actions")), global);
  EXPECT_GE(global.size(), 30u);
  for (const auto& option : global) {
    EXPECT_NE(page.find(option), std::string::npos) << "mr(1) lacks the global option " << option;
  }
  std::istringstream actions(help.substr(help.find("Actions")));
  std::string line;
  std::getline(actions, line);
  std::size_t count = 0;
  while (std::getline(actions, line) && line.rfind("  ", 0) == 0) {
    if (line.size() > 2 && line[2] == ' ') {
      continue; // a summary on a line of its own
    }
    const auto action = line.substr(2, line.find(' ', 2) - 2);
    ++count;
    const auto manual = mr({"help", action}, home()).out;
    const auto entry = manual.find("\nFrom mr(1):\n\n");
    ASSERT_NE(entry, std::string::npos) << "mr(1) has no entry for " << action;
    std::set<std::string> own;
    options_in(mr({action, "--help"}, home()).out, own);
    for (const auto& option : own) {
      EXPECT_NE(manual.find(option, entry), std::string::npos)
          << "mr(1)'s entry for " << action << " lacks its option " << option;
    }
  }
  EXPECT_GE(count, 19u);
}

} // namespace mr::test
