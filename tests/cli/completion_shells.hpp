// Driving the shell completions (completions/) in their real shells, with the built mr on
// PATH as `mr`: bash through its completion function (bash-completion loaded, COMP_WORDS
// set, _mr called, COMPREPLY printed), zsh through a pseudo-terminal (zsh/zpty) in which an
// interactive `zsh -f` with compinit gets the line and a TAB, fish through `complete -C`.
// Each shell runs once for a list of lines; every run is bounded by timeout(1).
// A shell that is not installed fails the test unless MR_TEST_ALLOW_MISSING_SHELLS=1.
#pragma once

#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "cli_fixture.hpp"

namespace mr::test::completion {

enum class Shell { bash, zsh, fish };

inline const char* name(Shell shell) {
  return shell == Shell::bash ? "bash" : shell == Shell::zsh ? "zsh" : "fish";
}

// What one line offered: the candidates as the shell's completion produced them, and for
// bash the compopt options the function asked for, for zsh the command line after TAB.
struct Offer {
  std::set<std::string> words;
  std::string options;
  std::string buffer;
};

// The bash side: bash-completion and completions/mr.bash sourced, then for each line
// COMP_WORDS as _init_completion sees them once it has joined what readline splits at `=`
// and `:` (so only blanks outside quotes separate words). compopt works only while
// readline runs a completion, so it is recorded instead.
inline constexpr const char* k_bash_harness = R"(
source /usr/share/bash-completion/bash_completion
source "$1"
shift
compopt() { options+=" $*"; }
split_words() {
  local line=$1 word="" quote="" c i started=false
  COMP_WORDS=()
  for ((i = 0; i < ${#line}; i++)); do
    c=${line:i:1}
    if [[ -n $quote ]]; then
      word+=$c
      [[ $c == "$quote" ]] && quote=""
    elif [[ $c == [[:blank:]] ]]; then
      $started && COMP_WORDS+=("$word")
      word="" started=false
    else
      started=true word+=$c
      if [[ $c == \\ ]]; then
        word+=${line:i+1:1}
        ((i++))
      elif [[ $c == [\"\'] ]]; then
        quote=$c
      fi
    fi
  done
  COMP_WORDS+=("$word")
}
for line; do
  split_words "$line"
  COMP_LINE=$line COMP_POINT=${#line} COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=() options=""
  _mr mr "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  ((${#COMPREPLY[@]})) && printf 'C:%s\n' "${COMPREPLY[@]}"
  printf 'O:%s\nE:\n' "$options"
done
)";

// Sourced by the interactive zsh in the pseudo-terminal: compinit with completions/ first
// on fpath, a compadd that writes down each candidate it is given that matches (with the
// prefixes it will carry on the line) before really adding it, and TAB bound to a widget
// that completes, writes the resulting line, and says it is done.
inline constexpr const char* k_zsh_setup = R"(
PS1='> ' RPROMPT=''
bindkey -e
unsetopt beep list_beep auto_list auto_menu
fpath=($MR_TEST_COMPLETIONS $fpath)
autoload -Uz compinit && compinit -D -u
compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a hits
  local -A opts
  local hit
  zparseopts -E -A opts P: p:
  builtin compadd -O hits "$@"
  for hit in $hits; do
    print -r -- "C:$IPREFIX${opts[-P]}${opts[-p]}$hit" >>$MR_TEST_OUT
  done
  builtin compadd "$@"
}
mr-test-tab() {
  { zle complete-word } 2>>$MR_TEST_OUT.err
  print -r -- "B:$BUFFER" >>$MR_TEST_OUT
  print -r -- "E:" >>$MR_TEST_OUT
  print -n 'MR''_DONE'
}
zle -N mr-test-tab
bindkey '^I' mr-test-tab
print 'MR''_READY'
)";

// The zsh driver: types each line and a TAB, waits for the widget, clears the line (^U).
inline constexpr const char* k_zsh_driver = R"(
zmodload zsh/zpty || exit 3
setup=$1
shift
zpty mr_test 'zsh -f -i'
zpty -w mr_test "source ${(q)setup}"
zpty -r mr_test out '*MR_READY*' || exit 4
for line; do
  zpty -w -n mr_test "$line"$'\t'
  zpty -r mr_test out '*MR_DONE*' || exit 5
  zpty -w -n mr_test $'\C-u'
done
zpty -d mr_test
)";

// fish: each line's candidates, their descriptions cut off.
inline constexpr const char* k_fish_harness = R"(
source $argv[1]
for line in $argv[2..-1]
  complete -C $line | string replace -r '\t.*' '' | string replace -r '^' 'C:'
  echo E:
end
)";

inline bool missing_shells_allowed() {
  const char* allowed = std::getenv("MR_TEST_ALLOW_MISSING_SHELLS");
  return allowed != nullptr && std::string(allowed) == "1";
}

// Runs the completion of `shell` in a fixture's temporary tree.
class ShellRunner {
public:
  ShellRunner(fs::path root, std::map<std::string, std::string> env)
      : m_root(std::move(root)), m_env(std::move(env)) {
    // `mr` on PATH is the binary under test.
    fs::create_directories(m_root / "bin");
    std::error_code ignored;
    fs::create_symlink(mr_binary(), m_root / "bin" / "mr", ignored);
    m_env["PATH"] = (m_root / "bin").string() + ":/usr/local/bin:/usr/bin:/bin";
    m_env["TERM"] = "xterm"; // zle needs a terminal it knows
    write_file(m_root / "harness.bash", k_bash_harness);
    write_file(m_root / "setup.zsh", k_zsh_setup);
    write_file(m_root / "driver.zsh", k_zsh_driver);
    write_file(m_root / "harness.fish", k_fish_harness);
  }

  // Whether `shell` can run here; "" when it can, else what is missing.
  std::string missing(Shell shell) const {
    RunOptions options;
    options.cwd = m_root;
    options.env = m_env;
    switch (shell) {
    case Shell::bash:
      return fs::exists("/usr/share/bash-completion/bash_completion") ? "" : "bash-completion";
    case Shell::zsh:
      return run({"zsh", "-fc", "zmodload zsh/zpty"}, options).exit_code == 0 ? "" : "zsh";
    case Shell::fish:
      return run({"fish", "--version"}, options).exit_code == 0 ? "" : "fish";
    }
    return "";
  }

  // The shells to drive: all three; one that is missing fails the test, unless allowed
  // (MR_TEST_ALLOW_MISSING_SHELLS=1), when it is only noted.
  std::vector<Shell> available() const {
    std::vector<Shell> out;
    for (const auto shell : {Shell::bash, Shell::zsh, Shell::fish}) {
      const auto lacking = missing(shell);
      if (lacking.empty()) {
        out.push_back(shell);
      } else if (missing_shells_allowed()) {
        std::cout << "[ NOTE     ] " << lacking << " is not installed: not checked\n";
      } else {
        ADD_FAILURE() << lacking << " is not installed (scripts/install-deps.sh installs it; "
                      << "MR_TEST_ALLOW_MISSING_SHELLS=1 skips it)";
      }
    }
    return out;
  }

  // The offers for each line, completed in `cwd` with `extra` in the environment. Fails the
  // test when the shell fails, times out or writes to stderr.
  std::vector<Offer> complete(Shell shell, const std::vector<std::string>& lines,
                              const fs::path& cwd,
                              const std::map<std::string, std::string>& extra = {}) const {
    RunOptions options;
    options.cwd = cwd;
    options.env = m_env;
    options.env["PWD"] = cwd.string();
    for (const auto& [k, v] : extra) {
      options.env[k] = v;
    }
    const auto completions = fs::path(MR_SOURCE_DIR) / "completions";
    const auto out = m_root / "zsh.out";
    std::vector<std::string> argv = {"timeout", "-k", "5", "30"};
    switch (shell) {
    case Shell::bash:
      argv.insert(argv.end(), {"bash", "--norc", "--noprofile", (m_root / "harness.bash").string(),
                               (completions / "mr.bash").string()});
      break;
    case Shell::zsh:
      write_file(out, "");
      write_file(out.string() + ".err", "");
      options.env["MR_TEST_COMPLETIONS"] = completions.string();
      options.env["MR_TEST_OUT"] = out.string();
      argv.insert(argv.end(),
                  {"zsh", "-f", (m_root / "driver.zsh").string(), (m_root / "setup.zsh").string()});
      break;
    case Shell::fish:
      argv.insert(argv.end(), {"fish", "--no-config", (m_root / "harness.fish").string(),
                               (completions / "mr.fish").string()});
      break;
    }
    argv.insert(argv.end(), lines.begin(), lines.end());
    const auto r = run(argv, options);
    EXPECT_EQ(r.exit_code, 0) << name(shell) << ": " << r.err;
    EXPECT_EQ(r.err, "") << name(shell);
    const auto text = shell == Shell::zsh ? read_file(out) : r.out;
    if (shell == Shell::zsh) {
      EXPECT_EQ(read_file(out.string() + ".err"), "") << "zsh";
    }
    std::vector<Offer> offers(1);
    for (const auto& line : lines_of(text)) {
      const auto value = line.size() > 2 ? line.substr(2) : std::string();
      if (line.starts_with("C:")) {
        // fish ends a directory with /, as it will insert it; the others let the line do so.
        const bool dir = shell == Shell::fish && value.size() > 1 && value.back() == '/';
        offers.back().words.insert(dir ? value.substr(0, value.size() - 1) : value);
      } else if (line.starts_with("O:")) {
        offers.back().options = value;
      } else if (line.starts_with("B:")) {
        offers.back().buffer = value;
      } else if (line == "E:") {
        offers.emplace_back();
      }
    }
    offers.pop_back();
    EXPECT_EQ(offers.size(), lines.size()) << name(shell) << " answered:\n" << text;
    offers.resize(lines.size());
    return offers;
  }

private:
  fs::path m_root;
  std::map<std::string, std::string> m_env;
};

} // namespace mr::test::completion
