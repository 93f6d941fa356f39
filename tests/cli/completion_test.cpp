// The shell completions: they parse in their shells, they know every action and option
// that `mr --help` lists, and bash's completes what it should.
#include <regex>
#include <set>

#include "cli_fixture.hpp"

namespace mr::test {

namespace {

const fs::path k_completions = fs::path(MR_SOURCE_DIR) / "completions";

class Completion : public CliTest {
protected:
  // Actions and long options, as `mr --help` lists them.
  void SetUp() override {
    const auto help = mr({"--help"}, home()).out;
    const auto options_part = help.substr(0, help.find("Actions"));
    const std::regex option(R"((--[a-z][a-z-]+))");
    for (auto it = std::sregex_iterator(options_part.begin(), options_part.end(), option);
         it != std::sregex_iterator(); ++it) {
      m_options.insert((*it)[1]);
    }
    const auto actions_at = help.find("Actions");
    std::istringstream lines(help.substr(actions_at));
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line) && line.rfind("  ", 0) == 0) {
      m_actions.insert(line.substr(2, line.find(' ', 2) - 2));
    }
    ASSERT_GE(m_actions.size(), 8u);
    ASSERT_GE(m_options.size(), 15u);
  }

  std::string bash_complete(const std::string& line, const fs::path& registry_file) {
    const std::string script =
        "source /usr/share/bash-completion/bash_completion; source \"$1\"; line=\"$2\"; "
        "COMP_LINE=\"$line\"; COMP_POINT=${#line}; read -ra COMP_WORDS <<< \"$line\"; "
        "[[ \"$line\" == *' ' ]] && COMP_WORDS+=(''); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
        "_mr; printf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '";
    RunOptions options;
    options.cwd = home();
    options.env = env_for(home());
    options.env["MR_CONFIG"] = registry_file.string();
    const auto r =
        run({"bash", "-c", script, "bash", (k_completions / "mr.bash").string(), line}, options);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  std::set<std::string> m_actions;
  std::set<std::string> m_options;
};

} // namespace

TEST_F(Completion, EveryFileKnowsEveryActionAndOption) {
  for (const char* file : {"mr.bash", "_mr", "mr.fish"}) {
    const auto text = read_file(k_completions / file);
    for (const auto& action : m_actions) {
      EXPECT_NE(text.find(action), std::string::npos) << file << " lacks action " << action;
    }
    for (const auto& option : m_options) {
      // fish spells long options without their dashes (-l name).
      const auto name = std::string(file) == "mr.fish" ? "-l " + option.substr(2) : option;
      EXPECT_NE(text.find(name), std::string::npos) << file << " lacks option " << option;
    }
  }
}

TEST_F(Completion, TheFilesParseInTheirShells) {
  RunOptions options;
  options.cwd = home();
  options.env = env_for(home());
  EXPECT_EQ(run({"bash", "-n", (k_completions / "mr.bash").string()}, options).exit_code, 0);
  // Each shell that is installed checks its file; one missing shell skips only itself.
  std::vector<std::string> missing;
  for (const auto& [shell, file] : {std::pair{"zsh", "_mr"}, std::pair{"fish", "mr.fish"}}) {
    if (run({"sh", "-c", std::string("command -v ") + shell}, options).exit_code != 0) {
      missing.emplace_back(shell);
      continue;
    }
    const auto r = run({shell, "-n", (k_completions / file).string()}, options);
    EXPECT_EQ(r.exit_code, 0) << shell << ": " << r.err;
  }
  if (!missing.empty()) {
    std::cout << "[ NOTE     ] not installed, so not checked:";
    for (const auto& shell : missing) {
      std::cout << " " << shell;
    }
    std::cout << "\n";
  }
}

TEST_F(Completion, BashCompletesActionsOptionsValuesAndRegistryCommands) {
  if (!fs::exists("/usr/share/bash-completion/bash_completion")) {
    GTEST_SKIP() << "bash-completion is not installed";
  }
  const auto reg = root() / "reg.toml";
  write_file(reg, "[commands]\nhello = 'x'\npre_run = 'y'\n[alias]\nup = \"update\"\n[repos.a]\n");
  EXPECT_EQ(bash_complete("mr he", reg), "hello help ");
  EXPECT_EQ(bash_complete("mr u", reg), "unregister up update ");
  EXPECT_EQ(bash_complete("mr --co", reg), "--color --config ");
  EXPECT_EQ(bash_complete("mr --color a", reg), "always auto ");
  EXPECT_EQ(bash_complete("mr -j 4 c", reg), "checkout ci clean co commit config ");
  EXPECT_EQ(bash_complete("mr -j c", reg), "checkout ci clean co commit config ");
  EXPECT_EQ(bash_complete("mr config DE", reg), "DEFAULT ");
  EXPECT_EQ(bash_complete("mr config . or", reg), "order ");
  EXPECT_EQ(bash_complete("mr --order ", reg), "completion registry ");
  EXPECT_EQ(bash_complete("mr clean ", reg), "-f ");
  EXPECT_EQ(bash_complete("mr pre", reg), " "); // hooks are not actions: no match
}

} // namespace mr::test
