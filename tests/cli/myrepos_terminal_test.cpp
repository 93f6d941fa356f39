// The terminal as myrepos gives it: at -j1 with a terminal on stdin, commands run on it
// after their header (an editor works for `mr record`); with no terminal for them, git's
// editor fails at once with a line saying what to do, leaving no index.lock. Terminals are
// pseudo-terminals made by script(1).
#include <sys/stat.h>

#include "myrepos_fixture.hpp"

namespace mr::test {

namespace {

std::string quoted(const std::string& word) {
  std::string out = "'";
  for (const char c : word) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

class MyreposTerminal : public MyreposTest {
protected:
  void SetUp() override {
    MyreposTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    m_repo = make_repo(home() / "a", false);
    write_registries("[a]\ncheckout = true\n", "[repos.\"a\"]\n");
    // An editor that says whether it has a terminal and writes the message.
    m_editor = root() / "editor";
    write_file(m_editor, "#!/bin/sh\n"
                         "test -t 0 && test -t 1 && echo 'editor on a terminal'\n"
                         "echo 'from the editor' > \"$1\"\n");
    ::chmod(m_editor.c_str(), 0755);
  }

  // A change `mr record` (git commit -a) commits.
  void dirty() { write_file(m_repo / "README", "changed\n"); }

  std::string head_message() { return git(m_repo, {"log", "-1", "--format=%s"}); }

  std::map<std::string, std::string> editor_env() const {
    return {{"EDITOR", m_editor.string()}, {"NO_COLOR", "1"}};
  }

  // `tool ARGS...` on a pseudo-terminal (stdin, stdout and stderr), in $HOME; the result's
  // out is what the terminal showed.
  RunResult on_terminal(const fs::path& tool, const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& extra_env) {
    std::string line = quoted(tool.string());
    for (const auto& a : args) {
      line += " " + quoted(a);
    }
    RunOptions options;
    options.cwd = home();
    options.env = env_for(home());
    for (const auto& [k, v] : extra_env) {
      options.env[k] = v;
    }
    auto r = run({"script", "-qec", line, "/dev/null"}, options);
    std::string text;
    for (const char c : r.out) {
      if (c != '\r') {
        text += c;
      }
    }
    r.out = text;
    return r;
  }

  fs::path m_repo;
  fs::path m_editor;
};

} // namespace

// (The editor would wait forever if it ran: --timeout is only a backstop.)
TEST_F(MyreposTerminal, WithoutATerminalGitsEditorFailsAtOnceAndSaysWhatToDo) {
  dirty();
  const auto before = git(m_repo, {"rev-parse", "HEAD"});
  const auto r = mr({"--timeout", "60s", "-j1", "record"}, home(), {{"EDITOR", "sleep 1000 #"}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.err.find("timed out"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mr: no terminal for an editor here: pass -m MESSAGE (or run with -j1 on "
                       "a terminal)\n"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(m_repo / ".git" / "index.lock"));
  EXPECT_EQ(git(m_repo, {"rev-parse", "HEAD"}), before);
  // With a message, no editor is needed.
  EXPECT_EQ(mr({"record", "-m", "given"}, home()).exit_code, 0);
  EXPECT_EQ(head_message(), "given\n");
}

// An editor that never prompts, as scripts set it, is left alone.
TEST_F(MyreposTerminal, AnEditorThatNeverPromptsIsKept) {
  const std::vector<std::string> show = {"run", "sh", "-c",
                                         "echo \"[$GIT_EDITOR] [$GIT_SEQUENCE_EDITOR]\""};
  const auto kept = mr(show, home(), {{"GIT_EDITOR", ":"}, {"GIT_SEQUENCE_EDITOR", "true"}});
  EXPECT_NE(kept.out.find("\n[:] [true]\n"), std::string::npos) << kept.out;
  const auto replaced = mr(show, home(), {{"GIT_EDITOR", "vi"}});
  EXPECT_EQ(replaced.out.find("[vi]"), std::string::npos) << replaced.out;
  EXPECT_NE(replaced.out.find("no terminal for an editor here"), std::string::npos) << replaced.out;
}

TEST_F(MyreposTerminal, AtJ1OnATerminalTheEditorRunsOnItAfterTheHeader) {
  dirty();
  const auto r = on_terminal(mr_binary(), {"-j1", "record"}, editor_env());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(head_message(), "from the editor\n");
  const auto header = r.out.find("mr record: " + m_repo.string() + "\n");
  const auto editor = r.out.find("editor on a terminal\n");
  ASSERT_NE(header, std::string::npos) << r.out;
  ASSERT_NE(editor, std::string::npos) << r.out;
  EXPECT_LT(header, editor) << r.out;
  EXPECT_NE(r.out.find("mr record: finished (1 ok)\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("[0/1]"), std::string::npos) << "no progress line: " << r.out;
}

TEST_F(MyreposTerminal, AtJ2TheCommandHasNoTerminalAndTheEditorFailsAtOnce) {
  dirty();
  const auto before = git(m_repo, {"rev-parse", "HEAD"});
  const auto r = on_terminal(mr_binary(), {"-j2", "record"}, editor_env());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("mr: no terminal for an editor here: pass -m MESSAGE"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("editor on a terminal"), std::string::npos) << r.out;
  EXPECT_EQ(git(m_repo, {"rev-parse", "HEAD"}), before);
  EXPECT_FALSE(fs::exists(m_repo / ".git" / "index.lock"));
}

// Side by side: what a command sees and prints on the terminal at -j1 is what myrepos shows.
TEST_F(MyreposTerminal, AtJ1TheTerminalShowsWhatMyreposShows) {
  const std::vector<std::string> args = {
      "-j1", "run", "sh", "-c",
      "test -t 0 && echo stdin; test -t 1 && echo stdout; test -t 2 && echo stderr >&2"};
  const auto theirs = on_terminal(k_myrepos_binary, args, editor_env());
  const auto ours = on_terminal(mr_binary(), args, editor_env());
  EXPECT_EQ(ours.out, theirs.out);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_NE(ours.out.find("stdin\nstdout\nstderr\n"), std::string::npos) << ours.out;
}

// -i: after a failure, the user's shell in that repository, on the terminal; then the
// run goes on. ($SHELL here records where it ran and exits.)
TEST_F(MyreposTerminal, InteractiveStartsAShellInTheFailingRepositoryOnly) {
  if (mr({"-i", "list"}, home()).err.find("unknown option") != std::string::npos) {
    GTEST_SKIP() << "-i is parsed by the command line's own change";
  }
  make_repo(home() / "b", false);
  write_registries("", "[repos.\"a\"]\n[repos.\"b\"]\n");
  const auto log = root() / "shell.log";
  const auto shell = root() / "shell";
  write_file(shell, "#!/bin/sh\n{ pwd; echo \"$1\"; test -t 0 && echo tty; } >> " +
                        quoted(log.string()) + "\n");
  ::chmod(shell.c_str(), 0755);
  // (Through env: script(1) itself runs its command with $SHELL.)
  const auto r = on_terminal("/usr/bin/env",
                             {"SHELL=" + shell.string(), mr_binary().string(), "-i", "run", "sh",
                              "-c", "case $PWD in */b) exit 1;; esac"},
                             editor_env());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(read_file(log), (home() / "b").string() + "\n-i\ntty\n");
  const auto failed = r.out.find("mr run: command failed\n");
  const auto started = r.out.find("mr: Starting interactive shell. Exit shell to continue.\n");
  ASSERT_NE(failed, std::string::npos) << r.out;
  ASSERT_NE(started, std::string::npos) << r.out;
  EXPECT_LT(failed, started);
  EXPECT_NE(r.out.find("mr run: finished (1 ok; 1 failed)\n"), std::string::npos) << r.out;
}

} // namespace mr::test
