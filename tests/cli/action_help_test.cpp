// An action's own help (README "Command line"): `mr help ACTION`, `mr ACTION --help` and
// `mr ACTION -h` print its usage, summary and arguments, exit 0 and touch no repository;
// names resolve as actions do (aliases, prefixes). A registry command that replaces a
// built-in gets its --help as an argument, as any other.
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

TEST_F(ActionHelp, HelpActionPrintsThatActionsHelp) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"help", "status"},
                                               {"help", "st"},
                                               {"help", "stat"},
                                               {"status", "--help"},
                                               {"status", "-h"},
                                               {"st", "--help"},
                                               {"-q", "status", "--help"}}) {
    const auto r = mr(args, home());
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << r.err;
    EXPECT_EQ(r.out, k_status_help) << args[0] << " " << args[1];
    EXPECT_EQ(r.err, "");
  }
  EXPECT_EQ(mr({"help", "ci"}, home()).out, mr({"commit", "--help"}, home()).out);
  EXPECT_EQ(mr({"help", "ci"}, home()).out.rfind("Usage: mr [OPTIONS] commit [ARGS...]\n", 0), 0u);
  EXPECT_EQ(mr({"help", "list"}, home()).out,
            "Usage: mr [OPTIONS] list\nprint the header line of each selected repository\n\n"
            "  It takes no arguments.\n\nThe global options (mr --help) go before the action.\n");
}

TEST_F(ActionHelp, HelpRunsNoRepository) {
  // `mr update --help` fetched and fast-forwarded (or refused the argument, later).
  for (const char* action : {"update", "fetch", "checkout", "summary", "diff", "commit", "push",
                             "grep", "clean", "run", "register", "unregister", "list"}) {
    const auto r = mr({action, "--help"}, home());
    EXPECT_EQ(r.exit_code, 0) << action << r.err;
    EXPECT_EQ(r.out.find("mr " + std::string(action) + ":"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(std::string("Usage: mr [OPTIONS] ") + action), 0u) << r.out;
    EXPECT_EQ(mr({"help", action}, home()).out, r.out);
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
  EXPECT_EQ(
      h.out.rfind("Usage: mr [OPTIONS] hello [ARGS...]\nhello is a command of the registry", 0), 0u)
      << h.out;
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

TEST_F(ActionHelp, WorksWithoutARegistry) {
  std::filesystem::remove(registry());
  EXPECT_EQ(mr({"help", "status"}, home()).out, k_status_help);
  write_file(registry(), "this is not TOML [");
  EXPECT_EQ(mr({"help", "status"}, home()).out, k_status_help);
}

} // namespace mr::test
