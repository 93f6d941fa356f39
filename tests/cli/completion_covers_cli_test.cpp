// Every action and option the command line has is offered by each shell's completion: the
// global options and the actions that `mr --help` lists, and each action's own options
// that `mr help ACTION` lists (its lines that start with two spaces and a dash). A new
// option in the CLI without its completion fails here. The hidden --complete is never
// offered.
#include <cctype>
#include <regex>

#include "completion_shells.hpp"

namespace mr::test {

namespace {

using completion::Shell;
using Words = std::set<std::string>;

// The option names in the first column of a help line ("  -u, --untracked-files[=MODE]
// untracked files: ..." gives -u and --untracked-files; "  -- PATHS" gives --).
Words options_of(const std::string& line) {
  const auto column = line.substr(2, line.find("  ", 2) - 2);
  static const std::regex option(R"((^|[ ,])(--?[A-Za-z][A-Za-z-]*|--)(?=$|[ ,\[=]))");
  Words out;
  for (auto it = std::sregex_iterator(column.begin(), column.end(), option);
       it != std::sregex_iterator(); ++it) {
    out.insert((*it)[2]);
  }
  return out;
}

class CompletionCoversCli : public CliTest {
protected:
  CompletionCoversCli() : m_shells(root(), env_for(home())) {}

  std::vector<Shell> shells() const { return m_shells.available(); }

  completion::ShellRunner m_shells;
};

} // namespace

TEST_F(CompletionCoversCli, EveryActionAndOptionIsOffered) {
  const auto help = mr({"--help"}, home()).out;
  const auto actions_at = help.find("\nActions");
  ASSERT_NE(actions_at, std::string::npos) << help;
  Words global;
  Words actions;
  for (const auto& line : lines_of(help.substr(0, actions_at))) {
    if (line.starts_with("  -")) {
      const auto names = options_of(line);
      global.insert(names.begin(), names.end());
    }
  }
  for (const auto& line : lines_of(help.substr(actions_at + 1))) {
    if (line.size() > 2 && line.starts_with("  ") &&
        std::islower(static_cast<unsigned char>(line[2])) != 0) {
      actions.insert(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  ASSERT_GE(global.size(), 30u) << help;
  ASSERT_GE(actions.size(), 15u) << help;

  // Each action's own options, from its help.
  std::vector<std::string> lines = {"mr -", "mr "};
  std::vector<std::pair<std::string, Words>> own;
  for (const auto& action : actions) {
    Words options;
    for (const auto& line : lines_of(mr({"help", action}, home()).out)) {
      if (line.starts_with("  -")) {
        const auto names = options_of(line);
        options.insert(names.begin(), names.end());
      }
    }
    if (!options.empty()) {
      own.emplace_back(action, options);
      lines.push_back("mr " + action + " -");
    }
  }
  // status, summary, diff, import, discover and clean have options of their own.
  ASSERT_GE(own.size(), 6u);

  for (const auto shell : shells()) {
    const auto offers = m_shells.complete(shell, lines, home());
    // Before the action: exactly the global options (so never --complete).
    EXPECT_EQ(offers[0].words, global) << completion::name(shell);
    for (const auto& action : actions) {
      EXPECT_EQ(offers[1].words.count(action), 1u) << completion::name(shell) << ": " << action;
    }
    for (std::size_t i = 0; i < own.size(); ++i) {
      const auto& offered = offers[i + 2].words;
      for (const auto& option : own[i].second) {
        // An option that takes its value after `=` is offered with the `=`.
        const bool found = offered.count(option) != 0 || offered.count(option + "=") != 0;
        EXPECT_TRUE(found) << completion::name(shell) << ": mr " << own[i].first << " " << option;
      }
    }
  }
}

} // namespace mr::test
