// The command line (README "Command line", mr(1) OPTIONS): options before the action,
// bundling, optional values, prefixes and aliases, usage errors (exit 2), --help, --version.
#include <algorithm>

#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class Options : public CliTest {
protected:
  Options() {
    write_file(registry(), "[repos.\"src/a\"]\n[alias]\nshow = \"list\"\n");
    std::filesystem::create_directories(home() / "src/a");
  }
  void expect_usage_error(const std::vector<std::string>& args, const std::string& message) {
    const auto r = mr(args, home());
    EXPECT_EQ(r.exit_code, 2) << args.front();
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err,
              "mr: error: " + message + " (usage: mr [OPTIONS] ACTION [ARGS...]; see mr --help)\n");
  }
  std::string listing() const {
    return "mr list: " + (home() / "src/a").string() + "\n\nmr list: finished (1 ok)\n";
  }
};

} // namespace

TEST_F(Options, NoActionIsAUsageError) {
  expect_usage_error({}, "no action given");
}

TEST_F(Options, UnknownOptionsAreUsageErrors) {
  expect_usage_error({"-z", "list"}, "unknown option '-z'");
  expect_usage_error({"--frobnicate", "list"}, "unknown option '--frobnicate'");
}

TEST_F(Options, ValuesAreValidated) {
  expect_usage_error({"-jx", "list"}, "option -j expects a number of jobs from 0 to 4096, not 'x'");
  expect_usage_error({"--jobs=many", "list"},
                     "option -j expects a number of jobs from 0 to 4096, not 'many'");
  expect_usage_error({"-n-1", "list"}, "option -n expects a depth (0 or more), not '-1'");
  expect_usage_error({"-j99999", "list"},
                     "option -j expects a number of jobs from 0 to 4096, not '99999'");
  expect_usage_error({"--order", "random", "list"},
                     "option --order expects 'registry' or 'completion', not 'random'");
  expect_usage_error({"--timeout", "soon", "list"},
                     "option --timeout expects a duration such as 30s, 5m or 1h30m, not 'soon'");
  expect_usage_error({"--color", "sometimes", "list"},
                     "option --color expects 'auto', 'always' or 'never', not 'sometimes'");
}

TEST_F(Options, ANonNumberAfterBareJobsIsTheAction) {
  // As myrepos: "mr -j abc list" treats abc as the action.
  const auto r = mr({"-j", "abc", "list"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("mr: error: unknown action \"abc\"", 0), 0u) << r.err;
}

TEST_F(Options, EveryGlobalOptionParses) {
  const auto r = mr({"-j", "4", "-s", "-f", "-t", "-v", "--order", "completion", "--timeout",
                     "1m30s", "--fail-fast", "--color", "never", "-n", "5", "list"},
                    home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, listing());
}

TEST_F(Options, BundlingAndBareOptionalValues) {
  EXPECT_EQ(mr({"-sj8", "list"}, home()).out, listing());
  EXPECT_EQ(mr({"-j", "list"}, home()).out, listing());
  EXPECT_EQ(mr({"-fj", "list"}, home()).out, listing());
  EXPECT_EQ(mr({"--jobs", "list"}, home()).out, listing());
  EXPECT_EQ(mr({"--jobs=3", "list"}, home()).out, listing());
}

TEST_F(Options, EverythingAfterTheActionBelongsToIt) {
  // -q after the action is not mr's -q: it is run's (echo's) argument, and list, which
  // takes none, refuses it.
  const auto r = mr({"run", "echo", "-q"}, home());
  EXPECT_NE(r.out.find("\n-q\n"), std::string::npos) << r.out;
  EXPECT_EQ(mr({"list", "-q"}, home()).exit_code, 2);
}

TEST_F(Options, AliasesAndPrefixes) {
  EXPECT_EQ(mr({"show"}, home()).out,
            "mr list: " + (home() / "src/a").string() + "\n\nmr list: finished (1 ok)\n");
  const auto unknown = mr({"frob"}, home());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(
      unknown.err,
      "mr: error: unknown action \"frob\" (known actions: checkout, ci, clean, co, commit, config, "
      "diff, discover, fetch, grep, import, list, ll, log, ls, push, record, register, run, show, "
      "status, "
      "summary, unregister, update)\n");
}

TEST_F(Options, AmbiguousPrefixListsTheMatches) {
  write_file(registry(), "[repos.\"src/a\"]\n[alias]\nreport = \"list\"\n");
  const auto r = mr({"rx"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err,
      "mr: error: unknown action \"rx\" (known actions: checkout, ci, clean, co, commit, config, "
      "diff, discover, fetch, grep, import, list, ll, log, ls, push, record, register, report, "
      "run, status, "
      "summary, unregister, update)\n");
  const auto amb = mr({"re"}, home());
  EXPECT_EQ(amb.exit_code, 2);
  EXPECT_EQ(amb.err, "mr: error: ambiguous action \"re\" (matches: record, register, report)\n");
}

TEST_F(Options, HelpAndVersion) {
  for (const char* flag : {"--help", "-h"}) {
    const auto r = mr({flag}, home());
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(
        r.out.rfind(
            "mr: manage many git repositories at once\nUsage: mr [OPTIONS] ACTION [ARGS...]\n", 0),
        0u);
    EXPECT_NE(r.out.find("--fail-fast"), std::string::npos);
    EXPECT_NE(r.out.find("register [DIR]"), std::string::npos);
  }
  EXPECT_EQ(mr({"help"}, home()).out, mr({"--help"}, home()).out);
  const auto v = mr({"--version"}, home());
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("mr 0.", 0), 0u);
  EXPECT_NE(v.out.find("(libgit2 1."), std::string::npos);
}

TEST_F(Options, ARepeatedOptionTakesItsLastValue) {
  // CLI11 said "--jobs: At Most 1 required but received 2"; myrepos takes the last.
  EXPECT_EQ(mr({"-j4", "-j1", "list"}, home()).out, listing());
  EXPECT_EQ(mr({"--order", "bogus", "--order", "registry", "list"}, home()).out, listing());
  EXPECT_EQ(mr({"--color", "always", "--color", "never", "list"}, home()).out, listing());
  EXPECT_EQ(mr({"--timeout", "soon", "--timeout", "5m", "list"}, home()).out, listing());
  expect_usage_error({"--order", "registry", "--order", "bogus", "list"},
                     "option --order expects 'registry' or 'completion', not 'bogus'");
  expect_usage_error({"-j1", "-j4", "-i", "list"},
                     "option -i needs -j1: a shell cannot share the terminal with other "
                     "repositories");
  EXPECT_EQ(mr({"-j4", "-j1", "-i", "list"}, home()).out, listing());
  EXPECT_EQ(mr({"-q", "-q", "-f", "-f", "-s", "-s", "list"}, home()).exit_code, 0);
}

TEST_F(Options, InteractiveNeedsOneJobAtATime) {
  for (const auto& args : {std::vector<std::string>{"-i", "-j4", "list"},
                           {"-ij", "list"},
                           {"--interactive", "-j", "list"},
                           {"-j2", "--interactive", "list"}}) {
    expect_usage_error(args, "option -i needs -j1: a shell cannot share the terminal with other "
                             "repositories");
  }
  EXPECT_EQ(mr({"-i", "list"}, home()).out, listing());
  EXPECT_EQ(mr({"-ij1", "list"}, home()).out, listing());
  EXPECT_EQ(mr({"--interactive", "--jobs", "1", "list"}, home()).out, listing());
}

TEST_F(Options, InteractiveRunsOneRepositoryAtATimeWhateverTheSettings) {
  write_file(registry(), "[settings]\njobs = 4\n[repos.\"src/a\"]\n[repos.\"src/b\"]\n"
                         "[repos.\"src/c\"]\n");
  std::filesystem::create_directories(home() / "src/b");
  std::filesystem::create_directories(home() / "src/c");
  // Two at once would find the other's directory.
  const auto r = mr(
      {"-i", "run", "sh", "-c", "mkdir \"$HOME/busy\"; sleep 0.3; rmdir \"$HOME/busy\""}, home());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("mr run: finished (3 ok)"), std::string::npos) << r.out;
}

TEST_F(Options, NoCli11WordingReachesTheUser) {
  const std::vector<std::vector<std::string>> lines = {{"-d"},
                                                       {"-c"},
                                                       {"-g"},
                                                       {"--order"},
                                                       {"--timeout"},
                                                       {"--color"},
                                                       {"--directory"},
                                                       {"--directory="},
                                                       {"--tag="},
                                                       {"--jobs=", "list"},
                                                       {"--color=", "list"},
                                                       {"-qd"},
                                                       {"-d", "x", "-d"},
                                                       {"--version=x"},
                                                       {"--help=x"},
                                                       {"--json=1", "list"},
                                                       {"--path=x", "list"},
                                                       {"--force-env=1", "list"},
                                                       {"--interactive=no", "list"},
                                                       {"-q=1", "list"},
                                                       {"--quiet=yes", "list"},
                                                       {"--bogus", "list"},
                                                       {"-z", "list"},
                                                       {"---", "list"},
                                                       {"--=x", "list"},

                                                       {"-g=", "-g"},
                                                       {"-s", "-c"},
                                                       {"--no-recurse=", "list"},
                                                       {"--timeout=", "list"},
                                                       {"--order=", "list"},
                                                       {"-v", "--config"}};
  for (const auto& args : lines) {
    const auto r = mr(args, home());
    std::string joined;
    for (const auto& a : args) {
      joined += a + " ";
    }
    EXPECT_EQ(r.exit_code, 2) << joined << r.err;
    EXPECT_EQ(r.out, "") << joined;
    EXPECT_EQ(r.err.rfind("mr: error: ", 0), 0u) << joined << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << joined << r.err;
    for (const char* phrase : {"required", "At Most", "Expected", "extraArgs", "argument expected",
                               "The following arguments", "TEXT", "convert", "INT"}) {
      EXPECT_EQ(r.err.find(phrase), std::string::npos) << joined << r.err;
    }
  }
  expect_usage_error({"-d"}, "option -d needs a value");
  expect_usage_error({"--jobs=", "list"}, "option --jobs needs a value");
  expect_usage_error({"--json=1", "list"}, "option --json takes no value");
  expect_usage_error({"--version=x"}, "option --version takes no value");
}

TEST_F(Options, VerboseDiagnosticsGoToStderr) {
  const auto r = mr({"-v", "list"}, home());
  EXPECT_EQ(r.out, listing());
  EXPECT_NE(r.err.find("mr: debug: registry root: " + registry().string()), std::string::npos);
  EXPECT_EQ(mr({"list"}, home(), {{"MR_LOG", "debug"}}).err, r.err);
  EXPECT_EQ(mr({"list"}, home()).err, "");
}

} // namespace mr::test
