#include <gtest/gtest.h>

#include <mr/cli/cli.hpp>

namespace mr::cli {

namespace {
using Outcome = ParsedCommandLine::Outcome;
} // namespace

TEST(Parse, AnInvocationToRun) {
  const auto p = parse({"-j", "-g", "work", "--timeout", "30s", "run", "make", "-k"});
  ASSERT_EQ(p.outcome, Outcome::run);
  EXPECT_EQ(p.invocation.action, "run");
  EXPECT_EQ(p.invocation.args, (std::vector<std::string>{"make", "-k"}));
  EXPECT_EQ(p.invocation.switches,
            (std::vector<std::string>{"-j", "-g", "work", "--timeout", "30s"}));
  EXPECT_EQ(p.invocation.options.jobs, 0u);
  EXPECT_EQ(p.invocation.options.tags, (std::vector<std::string>{"work"}));
  EXPECT_EQ(p.invocation.options.timeout, std::chrono::seconds(30));
}

TEST(Parse, HelpAndVersionAreTextToPrint) {
  for (const auto& args : {std::vector<std::string>{"--help"}, {"help"}, {"-q", "help"}}) {
    const auto p = parse(args);
    EXPECT_EQ(p.outcome, Outcome::help);
    EXPECT_NE(p.text.find("Usage: mr [OPTIONS] ACTION [ARGS...]"), std::string::npos);
  }
  const auto v = parse({"--version"});
  EXPECT_EQ(v.outcome, Outcome::version);
  EXPECT_EQ(v.text.rfind("mr ", 0), 0u);
}

TEST(Parse, UsageErrorsAreOneLineWithTheUsage) {
  for (const auto& args : {std::vector<std::string>{},
                           {"-j", "5000", "list"},
                           {"--frob", "list"},
                           {"--order", "x", "list"},
                           {"-g", "", "list"}}) {
    const auto p = parse(args);
    EXPECT_EQ(p.outcome, Outcome::usage_error);
    EXPECT_EQ(p.text.find('\n'), std::string::npos) << p.text;
    EXPECT_NE(p.text.find("(usage: mr [OPTIONS] ACTION [ARGS...]; see mr --help)"),
              std::string::npos)
        << p.text;
  }
}

} // namespace mr::cli
