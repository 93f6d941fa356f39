// The shell completions in bash, zsh and fish (completions/), each driven in its real shell
// (completion_shells.hpp) with a real registry: ~/.mrconfig.toml with an include, the
// nearest .mrconfig.toml below $HOME, files named with -c and $MR_CONFIG. Every case checks
// the exact candidates each shell offers, so a list that does not come from the registry
// the line would use (mr --complete) shows up as a missing or an extra name.
#include <algorithm>
#include <iostream>
#include <optional>
#include <unistd.h>

#include "completion_shells.hpp"

namespace mr::test {

namespace {

using completion::Offer;
using completion::Shell;
using Words = std::set<std::string>;

const Words k_builtins{"checkout", "ci",       "clean",  "co",      "commit",     "config",
                       "diff",     "discover", "fetch",  "grep",    "help",       "import",
                       "list",     "ll",       "log",    "ls",      "push",       "record",
                       "register", "run",      "status", "summary", "unregister", "update"};

Words operator+(Words a, const Words& b) {
  a.insert(b.begin(), b.end());
  return a;
}

// A line and what it offers; `bash` when bash differs (after `--opt=`, readline replaces
// only what follows the `=`, so bash's candidates leave it out).
struct Case {
  Case(std::string line_, Words expected_, std::optional<Words> bash_ = std::nullopt)
      : line(std::move(line_)), expected(std::move(expected_)), bash(std::move(bash_)) {}
  std::string line;
  Words expected;
  std::optional<Words> bash;
};

class ShellCompletion : public CliTest {
protected:
  ShellCompletion() : m_shells(root(), env_for(home())) {
    for (const auto* dir : {"src/a", "src/b", "proj/sub"}) {
      fs::create_directories(home() / dir);
    }
    write_file(registry(), "include = [\"~/.config/mr/*.toml\"]\n"
                           "[commands]\nhello = \"echo hi\"\npre_status = \"true\"\n"
                           "[alias]\nup = \"update\"\n"
                           "[repos.\"src/a\"]\ntags = [\"work\", \"fun\"]\n"
                           "[repos.\"src/b\"]\ntags = [\"home\"]\n");
    write_file(home() / ".config/mr/inc.toml", "[commands]\nincluded = \"true\"\n");
    write_file(home() / "proj/.mrconfig.toml",
               "[commands]\nnear = \"true\"\n[repos.sub]\ntags = [\"near\"]\n");
    write_file(home() / "mine.toml", "[commands]\ntilde = \"true\"\n");
    write_file(other(), "[commands]\nhey = \"true\"\n[repos.o]\ntags = [\"othertag\"]\n");
    write_file(root() / "env.toml", "[commands]\nfromenv = \"true\"\n");
    write_file(root() / "log.toml", "[commands]\ndiff = \"echo mine\"\n");
    // Commands load only from trusted files, for the completion as for the action.
    std::string trusted;
    for (const auto& file : {home() / "proj/.mrconfig.toml", home() / "mine.toml", other(),
                             root() / "env.toml", root() / "log.toml"}) {
      trusted += file.string() + "\n";
    }
    write_file(home() / ".mrtrust", trusted);
    // Where files are completed: *.toml, another file, a directory.
    write_file(files() / "a.toml", "");
    write_file(files() / "b.txt", "");
    fs::create_directories(files() / "sub");
    write_file(root() / "texts/b.txt", "");
  }

  fs::path other() const { return root() / "other.toml"; }
  fs::path files() const { return root() / "files"; }

  std::vector<Shell> shells() const { return m_shells.available(); }

  std::vector<Offer> complete(Shell shell, const std::vector<std::string>& lines,
                              const fs::path& cwd,
                              const std::map<std::string, std::string>& env = {}) const {
    return m_shells.complete(shell, lines, cwd, env);
  }

  // In each shell, every line offers exactly what its case expects.
  void expect_offers(const std::vector<Case>& cases, const fs::path& cwd,
                     const std::map<std::string, std::string>& env = {}) const {
    std::vector<std::string> lines;
    for (const auto& c : cases) {
      lines.push_back(c.line);
    }
    for (const auto shell : shells()) {
      const auto offers = complete(shell, lines, cwd, env);
      for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& expected =
            shell == Shell::bash && cases[i].bash ? *cases[i].bash : cases[i].expected;
        EXPECT_EQ(offers[i].words, expected) << completion::name(shell) << ": " << cases[i].line;
      }
    }
  }

private:
  completion::ShellRunner m_shells;
};

} // namespace

TEST_F(ShellCompletion, ActionsAreThoseOfTheRegistryTheLineWouldUse) {
  const auto o = other().string();
  const Words mine{"hello", "included", "up"}; // ~/.mrconfig.toml and its include; no hook
  expect_offers({{"mr ", k_builtins + mine},
                 {"mr he", {"hello", "help"}},
                 {"mr -- he", {"hello", "help"}},
                 {"mr -q -j 3 in", {"included"}},
                 {"mr -j in", {"included"}},
                 // -c names the registry alone; ~/ is expanded for it; -t goes along.
                 {"mr -c " + o + " he", {"help", "hey"}},
                 {"mr -c ~/mine.toml t", {"tilde"}},
                 {"mr -tc ~/mine.toml t", {"tilde"}},
                 {"mr --config=" + o + " he", {"help", "hey"}},
                 {"mr -c '" + o + "' he", {"help", "hey"}},
                 // A registry that does not load leaves the built-ins.
                 {"mr -c /nonexistent/x.toml he", {"help"}}},
                home());
  // The nearest file below $HOME adds its own.
  expect_offers({{"mr ne", {"near"}}, {"mr -c ~/mine.toml ", k_builtins + Words{"tilde"}}},
                home() / "proj/sub");
  // $MR_CONFIG is the registry alone, as for the action.
  expect_offers({{"mr he", {"help"}}, {"mr f", {"fetch", "fromenv"}}}, home(),
                {{"MR_CONFIG", (root() / "env.toml").string()}});
}

TEST_F(ShellCompletion, EachActionOffersItsOwnOptionsEvenAbbreviated) {
  const auto log = (root() / "log.toml").string();
  expect_offers({{"mr st -u", {"-u", "-uall", "-uno", "-unormal"}},
                 {"mr status --", {"--short", "--untracked-files="}},
                 {"mr st --untracked-files=n",
                  {"--untracked-files=no", "--untracked-files=normal"},
                  Words{"no", "normal"}},
                 {"mr summary --d", {"--dirty"}},
                 {"mr ll ", {"--dirty"}},
                 {"mr clean ", {"-f"}},
                 {"mr di -", {"--", "--cached", "--staged", "--stat"}},
                 {"mr imp --", {"--dry-run", "--force", "--output", "--run-includes"}},
                 {"mr disc -", {"--bare", "--dry-run", "--nested", "--tag", "-g"}},
                 {"mr discover -g ", {"fun", "home", "work"}},
                 {"mr help st", {"status"}},
                 {"mr help he", {"hello", "help"}},
                 {"mr list ", {}},
                 {"mr co ", {}},
                 // Never the global options after the action, nor options of another.
                 {"mr up -", {}},
                 {"mr hello -", {}},
                 // A command that replaces a built-in takes none of the built-in's options.
                 {"mr -c " + log + " diff -", {}}},
                home());
}

TEST_F(ShellCompletion, GlobalOptionsAndTheirValues) {
  const auto o = other().string();
  expect_offers(
      {{"mr --co", {"--color", "--config"}},
       {"mr --color ", {"always", "auto", "never"}},
       {"mr --color=a", {"--color=always", "--color=auto"}, Words{"always", "auto"}},
       {"mr --order ", {"completion", "registry"}},
       {"mr -g ", {"fun", "home", "work"}},
       {"mr -qg ", {"fun", "home", "work"}},
       {"mr --tag w", {"work"}},
       // The option's text goes to fish's `string` after --, not as an option.
       {"mr --tag=", {"--tag=fun", "--tag=home", "--tag=work"}, Words{"fun", "home", "work"}},
       {"mr --tag=wo", {"--tag=work"}, Words{"work"}},
       {"mr -c " + o + " -g ", {"othertag"}},
       {"mr -d s", {"src", "src/a", "src/b"}},
       {"mr -d ~/s", {"~/src", "~/src/a", "~/src/b"}},
       {"mr --timeout ", {}},
       {"mr -j 4", {}}},
      home());
  // *.toml and directories for -c; any file when there is none.
  expect_offers({{"mr -c ", {"a.toml", "sub"}}}, files());
  expect_offers({{"mr -c ", {"b.txt"}}}, root() / "texts");
}

TEST_F(ShellCompletion, ConfigOffersRepositoriesDefaultAndKeys) {
  expect_offers({{"mr config ", {"DEFAULT", "src/a", "src/b"}},
                 {"mr conf ~/s", {"~/src/a", "~/src/b"}},
                 {"mr config DEFAULT commands.",
                  {"commands.hello", "commands.included", "commands.pre_status"}},
                 {"mr config src/a or", {"order"}},
                 // A repository's keys after a repository, DEFAULT's after DEFAULT (mr(1)).
                 {"mr config src/a ",
                  {"url", "branch", "tags", "order", "skip", "deleted", "lib", "chain", "transport",
                   "commands."}},
                 {"mr config DEFAULT ",
                  {"jobs", "timeout", "transport", "connections_per_host", "stall_timeout", "lib",
                   "commands.", "alias."}},
                 {"mr config DEFAULT c", {"commands.", "connections_per_host"}},
                 {"mr config src/a c", {"chain", "commands."}},
                 {"mr config src/a commands.h", {"commands.hello"}},
                 {"mr config DEFAULT url=", {}},
                 {"mr unregister s", {"src", "src/a", "src/b"}},
                 {"mr register s", {"src"}}},
                home());
  expect_offers({{"mr config ", {"DEFAULT", "sub"}}}, home() / "proj");
}

TEST_F(ShellCompletion, OtherArgumentsAreFiles) {
  const Words all{"a.toml", "b.txt", "sub"};
  expect_offers({{"mr hello ", all},
                 {"mr diff -- ", all},
                 {"mr diff --stat -- -", {}},
                 {"mr log ", all},
                 {"mr import ", all},
                 {"mr import -o ", all},
                 {"mr run echo ", all},
                 {"mr discover ", {"sub"}},
                 {"mr nosuchaction ", all}},
                files());
  for (const auto shell : shells()) {
    const auto offers = complete(shell, {"mr run ech"}, files());
    EXPECT_EQ(offers[0].words.count("echo"), 1u) << completion::name(shell);
  }
}

TEST_F(ShellCompletion, RunOffersOnlyExecutablesOnPathAndEvaluatesNothing) {
  // mr runs the word after `run` without a shell: only an executable file on PATH can run,
  // never a function or builtin of the shell completing, a plain file or a directory.
  const auto tools = root() / "tools";
  for (const auto* name : {"mrtool-a", "mrtool-b", "mrtool-c"}) {
    write_file(tools / name, "#!/bin/sh\n");
  }
  for (const auto* name : {"mrtool-a", "mrtool-b"}) {
    fs::permissions(tools / name, fs::perms::owner_exec, fs::perm_options::add);
  }
  fs::create_directories(tools / "mrtool-d");
  const std::vector<fs::path> path{tools, root() / "bin", "/usr/bin", "/bin"};
  std::string path_var;
  for (const auto& dir : path) {
    path_var += (path_var.empty() ? "" : ":") + dir.string();
  }
  // Only the tools, mr and the shells (with timeout(1)) on PATH for the exact lists: fish
  // offers any command in which the word's letters occur in order when none starts with it.
  const auto shells_dir = root() / "shells";
  fs::create_directories(shells_dir);
  for (const auto* program : {"timeout", "bash", "zsh", "fish"}) {
    for (const fs::path dir : {"/usr/bin", "/bin"}) {
      if (fs::exists(dir / program) && !fs::exists(shells_dir / program)) {
        fs::create_symlink(dir / program, shells_dir / program);
      }
    }
  }
  const std::map<std::string, std::string> tools_only{
      {"PATH", tools.string() + ":" + (root() / "bin").string() + ":" + shells_dir.string()}};
  expect_offers({{"mr run mrtool", {"mrtool-a", "mrtool-b"}},
                 {"mr run _mr", {}},     // the completion's own functions
                 {"mr run compg", {}},   // bash's builtin
                 {"mr run __fish", {}}}, // fish's functions
                files(), tools_only);
  const std::map<std::string, std::string> env{{"PATH", path_var}};
  for (const auto shell : shells()) {
    const auto offers = complete(shell, {"mr run gi", "mr run _mr", "mr run compg"}, files(), env);
    EXPECT_EQ(offers[0].words.count("git"), 1u) << completion::name(shell);
    for (const auto& offer : offers) {
      for (const auto& word : offer.words) {
        const bool runs = std::any_of(path.begin(), path.end(), [&](const fs::path& dir) {
          return fs::is_regular_file(dir / word) && access((dir / word).c_str(), X_OK) == 0;
        });
        EXPECT_TRUE(runs) << completion::name(shell) << ": " << word;
      }
    }
  }
  // fish: a command substitution typed after `run` is not evaluated.
  for (const auto shell : shells()) {
    if (shell == Shell::fish) {
      complete(shell, {"mr run (touch PWNRUN)", "mr run (touch PWNRUN"}, files(), env);
    }
  }
  for (const auto& entry : fs::recursive_directory_iterator(root())) {
    EXPECT_NE(entry.path().filename(), "PWNRUN") << entry.path();
  }
}

TEST_F(ShellCompletion, WhatIsInsertedIsQuotedForTheLine) {
  for (const auto shell : shells()) {
    const auto offers = complete(shell, {"mr summary --d", "mr config DEFAULT comm"}, home());
    if (shell == Shell::zsh) {
      EXPECT_EQ(offers[0].buffer, "mr summary --dirty ");
      EXPECT_EQ(offers[1].buffer, "mr config DEFAULT commands.");
    }
    if (shell == Shell::bash) {
      EXPECT_EQ(offers[1].options, " -o nospace"); // a key that goes on after its dot
    }
  }
}

TEST_F(ShellCompletion, HostileNamesAreQuotedAndNeverRun) {
  // Repository paths and tags may hold anything but control characters; command names
  // are refused by the loader, and then only the built-ins complete.
  const auto dir = root() / "hostile";
  write_file(dir / "reg.toml", "[repos.\"dir with space/x\"]\n"
                               "tags = [\"t a g\", \"$(touch PWNED)\", \"q'uote\", \"*\"]\n"
                               "[repos.\"q'uote/*\"]\n"
                               "[repos.\"semi;colon/`touch PWNED`\"]\n"
                               "[repos.\"amp&(paren)\"]\n");
  write_file(dir / "bad.toml", "[commands]\n\"$(touch PWNED)\" = \"true\"\n\"a b\" = \"true\"\n");
  const std::map<std::string, std::string> env{{"MR_CONFIG", (dir / "reg.toml").string()}};
  const Words paths{"dir with space/x", "q'uote/*", "semi;colon/`touch PWNED`", "amp&(paren)"};
  const Words tags{"t a g", "$(touch PWNED)", "q'uote", "*"};
  for (const auto shell : shells()) {
    const auto offers =
        complete(shell, {"mr config ", "mr -g ", "mr config d", "mr -g t", "mr -g q"}, dir, env);
    // bash is given them as they must stand on the line, and so is zsh the paths (which
    // keep a leading ~ unquoted); fish and zsh's compadd quote the rest themselves.
    const Words quoted_paths{"DEFAULT", "dir\\ with\\ space/x", "q\\'uote/\\*",
                             "semi\\;colon/\\`touch\\ PWNED\\`", "amp\\&\\(paren\\)"};
    const Words quoted_tags{"t\\ a\\ g", "\\$\\(touch\\ PWNED\\)", "q\\'uote", "\\*"};
    EXPECT_EQ(offers[0].words, shell == Shell::fish ? Words{"DEFAULT"} + paths : quoted_paths)
        << completion::name(shell);
    EXPECT_EQ(offers[1].words, shell == Shell::bash ? quoted_tags : tags)
        << completion::name(shell);
    if (shell == Shell::zsh) {
      EXPECT_EQ(offers[2].buffer, "mr config dir\\ with\\ space/x ");
      EXPECT_EQ(offers[3].buffer, "mr -g t\\ a\\ g ");
      EXPECT_EQ(offers[4].buffer, "mr -g q\\'uote ");
    }
    const auto refused =
        complete(shell, {"mr ", "mr -c \"$(touch PWNED)\" he", "mr -d '`touch PWNED`' he"}, dir,
                 {{"MR_CONFIG", (dir / "bad.toml").string()}});
    EXPECT_EQ(refused[0].words, k_builtins) << completion::name(shell);
    // What the line names for -c or -d reaches mr as the words, unexpanded.
    EXPECT_EQ(refused[1].words, Words{"help"}) << completion::name(shell);
    EXPECT_EQ(refused[2].words, Words{"help"}) << completion::name(shell);
  }
  for (const auto& entry : fs::recursive_directory_iterator(root())) {
    EXPECT_NE(entry.path().filename(), "PWNED") << entry.path();
  }
}

TEST_F(ShellCompletion, OnlyMrsOwnTildeSpellingStaysUnquoted) {
  // A directory literally named ~only is no user's home: the line must quote its ~ (mr's
  // ~/... spelling keeps its ~ unquoted, GlobalOptionsAndTheirValues).
  const auto dir = root() / "tilde";
  write_file(dir / "reg.toml", "[repos.\"sub/~only\"]\n");
  fs::create_directories(dir / "sub/~only");
  const std::map<std::string, std::string> env{{"MR_CONFIG", (dir / "reg.toml").string()}};
  for (const auto shell : shells()) {
    // (Only from an empty word: mr reads a typed ~ as the home directory.)
    const auto offers = complete(shell, {"mr config "}, dir / "sub", env);
    // fish quotes what it inserts itself; bash and zsh are given it quoted.
    const Words only{shell == Shell::fish ? "~only" : "\\~only"};
    EXPECT_EQ(offers[0].words, Words{"DEFAULT"} + only) << completion::name(shell);
  }
}

TEST_F(ShellCompletion, TheFilesParseInTheirShells) {
  const auto completions = fs::path(MR_SOURCE_DIR) / "completions";
  RunOptions options;
  options.cwd = home();
  options.env = env_for(home());
  EXPECT_EQ(run({"bash", "-n", (completions / "mr.bash").string()}, options).exit_code, 0);
  for (const auto shell : shells()) {
    if (shell == Shell::zsh) {
      const auto r = run({"zsh", "-n", (completions / "_mr").string()}, options);
      EXPECT_EQ(r.exit_code, 0) << r.err;
    } else if (shell == Shell::fish) {
      const auto r = run({"fish", "-n", (completions / "mr.fish").string()}, options);
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
  }
}

} // namespace mr::test
