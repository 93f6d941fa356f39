// Path quoting as `git status -s` quotes, compared with git itself on real file names,
// from the top of the work tree and from a subdirectory, with core.quotePath on and off.
#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include <mr/git/status.hpp>

#include "process.hpp"
#include "temp_dir.hpp"

namespace mr::git {
namespace {

namespace fs = std::filesystem;

std::string git(const fs::path& cwd, const std::vector<std::string>& args) {
  mr::test::RunOptions options;
  options.env = {{"HOME", cwd.string()},
                 {"PATH", "/usr/bin:/bin"},
                 {"GIT_CONFIG_NOSYSTEM", "1"},
                 {"GIT_CONFIG_GLOBAL", "/dev/null"}};
  options.cwd = cwd;
  std::vector<std::string> argv = {"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = mr::test::run(argv, options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(QuotePath, AsGitStatusQuotesThem) {
  mr::test::TempDir dir;
  const auto repo = dir.path() / "r";
  fs::create_directories(repo / "sub");
  git(repo, {"init", "-q"});
  const std::vector<std::string> names = {
      "plain",     "a b",      "tab\tx",  "quo\"te", "back\\slash",    "caf\xc3\xa9",
      "new\nline", "bell\x07", "del\x7f", "-dash",   "sub/inner file", "sub/x"};
  for (const auto& n : names) {
    std::ofstream(repo / n) << "x\n";
  }
  for (const bool quote_high : {true, false}) {
    for (const std::string prefix : {"", "sub/"}) {
      SCOPED_TRACE("core.quotePath " + std::string(quote_high ? "true" : "false") + ", from '" +
                   prefix + "'");
      const auto out = git(repo / prefix,
                           {"-c", std::string("core.quotePath=") + (quote_high ? "true" : "false"),
                            "status", "-s", "-uall"});
      // git sorts by path; compare as sets of lines.
      std::vector<std::string> theirs_lines;
      std::size_t at = 0;
      while (at < out.size()) {
        const auto nl = out.find('\n', at);
        theirs_lines.push_back(out.substr(at + 3, nl - at - 3));
        at = nl + 1;
      }
      std::vector<std::string> our_lines;
      for (const auto& n : names) {
        our_lines.push_back(quote_path(n, prefix, quote_high));
      }
      std::sort(theirs_lines.begin(), theirs_lines.end());
      std::sort(our_lines.begin(), our_lines.end());
      EXPECT_EQ(our_lines, theirs_lines);
    }
  }
}

} // namespace
} // namespace mr::git
