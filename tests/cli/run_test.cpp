// mr run: parallel execution, blocks in order, environment, exit status (issue #3).
#include <set>

#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class Run : public CliTest {
protected:
  // N plain directories registered as repos r00..r(N-1); `run` needs no git.
  void make_repos(int n) {
    std::string registry_text;
    for (int i = 0; i < n; ++i) {
      const auto name = name_of(i);
      fs::create_directories(home() / "ws" / name);
      registry_text += "[repos.\"ws/" + name + "\"]\n";
    }
    write_file(registry(), registry_text);
  }
  static std::string name_of(int i) { return (i < 10 ? "r0" : "r") + std::to_string(i); }
  std::string path_of(int i) const { return (home() / "ws" / name_of(i)).string(); }
};

// The blocks of a run's stdout: (header path, body) in the order printed.
std::vector<std::pair<std::string, std::string>> blocks(const std::string& out,
                                                        const std::string& action) {
  std::vector<std::pair<std::string, std::string>> result;
  const std::string prefix = "mr " + action + ": ";
  std::size_t pos = 0;
  while (pos < out.size()) {
    auto eol = out.find('\n', pos);
    const auto line = out.substr(pos, eol - pos);
    if (line.rfind(prefix + "finished", 0) == 0) {
      break;
    }
    if (line.rfind(prefix, 0) != 0) {
      ADD_FAILURE() << "expected a header at byte " << pos << ", got: " << line.substr(0, 80);
      break;
    }
    const auto body_start = eol + 1;
    // The block ends with a blank line before the next header or the footer.
    auto next = out.find("\n\n" + prefix, body_start - 1);
    if (next == std::string::npos) {
      ADD_FAILURE() << "unterminated block " << line;
      break;
    }
    result.emplace_back(line.substr(prefix.size()), out.substr(body_start, next + 1 - body_start));
    pos = next + 2;
  }
  return result;
}

} // namespace

TEST_F(Run, FiftyReposAtOneFourAndSixteenJobsGiveTheSameOrderedOutput) {
  make_repos(50);
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    expected += "mr run: " + path_of(i) + "\n" + name_of(i) + "\n\n";
  }
  expected += "mr run: finished (50 ok)\n";
  for (const char* jobs : {"1", "4", "16"}) {
    const auto r = mr({"-j", jobs, "run", "sh", "-c", "basename \"$MR_REPO\""}, home());
    EXPECT_EQ(r.exit_code, 0) << jobs << r.err;
    EXPECT_EQ(r.out, expected) << "-j " << jobs;
    EXPECT_EQ(r.err, "");
  }
}

TEST_F(Run, CompletionOrderKeepsBlocksWhole) {
  make_repos(12);
  // Later repos finish first.
  const auto r = mr({"-j", "12", "--order", "completion", "run", "sh", "-c",
                     "n=$(basename \"$MR_REPO\" | tr -d r); sleep $(( (12 - ${n#0}) ))e-2; "
                     "echo one; echo two >&2; echo three"},
                    home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto parsed = blocks(r.out, "run");
  ASSERT_EQ(parsed.size(), 12u);
  std::set<std::string> seen;
  for (const auto& [path, body] : parsed) {
    EXPECT_EQ(body, "one\nthree\n"); // stderr, a different pipe here, is kept apart
    seen.insert(path);
  }
  EXPECT_EQ(seen.size(), 12u);
  std::string twelve;
  for (int i = 0; i < 12; ++i) {
    twelve += "two\n";
  }
  EXPECT_EQ(r.err, twelve);
}

// -j4 over eight repositories: four run at once, never five. Told by events, not time:
// each job marks itself running and started, waits until its whole wave of four has
// started (which only happens if four run at once; the wait gives up after 20 s and says
// so), then records how many are running and unmarks itself.
TEST_F(Run, FourJobsRunAtOnceAndNeverMore) {
  make_repos(8);
  const auto sync = root() / "sync";
  fs::create_directories(sync);
  const std::string script =
      "d='" + sync.string() +
      "'; n=$(basename \"$MR_REPO\"); touch \"$d/run.$n\"; touch \"$d/start.$n\"; "
      "want=4; [ $(ls \"$d\" | grep -c '^start') -gt 4 ] && want=8; i=0; "
      "while [ $(ls \"$d\" | grep -c '^start') -lt $want ]; do "
      "i=$((i+1)); [ $i -gt 2000 ] && { echo timeout > \"$d/seen.$n\"; break; }; "
      "sleep 0.01; done; "
      "[ -e \"$d/seen.$n\" ] || ls \"$d\" | grep -c '^run' > \"$d/seen.$n\"; "
      "rm \"$d/run.$n\"; echo \"$MR_REPO\"";
  const auto r = mr({"-j4", "run", "sh", "-c", script}, home());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  int most = 0;
  for (int i = 0; i < 8; ++i) {
    const auto seen = read_file(sync / ("seen." + fs::path(path_of(i)).filename().string()));
    ASSERT_NE(seen, "timeout\n") << "job " << i << " waited for its wave in vain: not 4 at once";
    const int running = std::stoi(seen);
    EXPECT_LE(running, 4) << "job " << i;
    most = std::max(most, running);
  }
  EXPECT_EQ(most, 4);
  const auto parsed = blocks(r.out, "run");
  ASSERT_EQ(parsed.size(), 8u);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(parsed[static_cast<std::size_t>(i)].first, path_of(i));
    EXPECT_EQ(parsed[static_cast<std::size_t>(i)].second, path_of(i) + "\n");
  }
}

TEST_F(Run, TheEnvironmentMyreposGives) {
  make_repos(1);
  const auto r = mr({"-d", "ws", "run", "sh", "-c",
                     "echo \"$MR_REPO|$MR_CONFIG|$MR_ACTION|$MR_SWITCHES|$PWD|$(pwd)\"; "
                     "echo \"$GIT_TERMINAL_PROMPT $PAGER $GIT_PAGER\"; test -x \"$MR_PATH\""},
                    home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mr run: " + path_of(0) + "\n" + path_of(0) + "|" + registry().string() +
                       "|run|-d ws |" + path_of(0) + "|" + path_of(0) + "\n0 cat cat\n\n" +
                       "mr run: finished (1 ok)\n");
}

TEST_F(Run, WordsAreNotExpandedByAShell) {
  make_repos(1);
  const auto r = mr({"run", "echo", "$MR_REPO", "a  b", "*"}, home());
  EXPECT_EQ(r.out, "mr run: " + path_of(0) + "\n$MR_REPO a  b *\n\nmr run: finished (1 ok)\n");
}

TEST_F(Run, FailuresAreCountedAndExitOne) {
  make_repos(3);
  const auto r = mr({"run", "sh", "-c", "echo out; test \"$(basename $MR_REPO)\" != r01"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "mr run: " + path_of(0) + "\nout\n\nmr run: " + path_of(1) + "\nout\n\n" +
                       "mr run: " + path_of(2) + "\nout\n\nmr run: finished (2 ok; 1 failed)\n");
  EXPECT_EQ(r.err, "mr run: command failed\n");
}

TEST_F(Run, AMissingRepositoryFailsToChdir) {
  make_repos(2);
  fs::remove_all(home() / "ws" / name_of(1));
  const auto r = mr({"-s", "run", "true"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mr run: failed to chdir to " + path_of(1) +
                       "/: No such file or directory\nmr run: (failed: " + path_of(1) + "/)\n");
}

TEST_F(Run, AnUnknownProgramIsAFailureNotACrash) {
  make_repos(1);
  const auto r = mr({"run", "mr-no-such-program"}, home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mr run: cannot run mr-no-such-program: No such file or directory\n");
}

TEST_F(Run, RunWithoutACommandIsAUsageError) {
  make_repos(1);
  const auto r = mr({"run"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: run needs at least 1 argument (usage: mr run CMD [ARGS...])\n");
}

TEST_F(Run, OneMegabytePerRepoFromTwentyReposAtEightJobsStaysWhole) {
  make_repos(20);
  for (const char* order : {"registry", "completion"}) {
    const auto r =
        mr({"-j8", "--order", order, "run", "sh", "-c",
            "n=$(basename \"$MR_REPO\"); head -c 1000000 /dev/zero | tr '\\0' \"${n#r0}\" "
            "| tr '\\0' x; echo; echo \"end $n\" >&2"},
           home());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto parsed = blocks(r.out, "run");
    ASSERT_EQ(parsed.size(), 20u) << order;
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      const auto& [path, body] = parsed[i];
      const auto name = fs::path(path).filename().string();
      if (std::string(order) == "registry") {
        EXPECT_EQ(path, path_of(static_cast<int>(i)));
      }
      // Its stderr line goes to mr's stderr (a different pipe here), in the same order.
      ASSERT_EQ(body.size(), 1000000u + 1) << path;
      EXPECT_NE(r.err.find("end " + name + "\n"), std::string::npos) << path;
      if (std::string(order) == "registry") {
        EXPECT_EQ(r.err.find("end " + name + "\n"), i * (4 + name.size() + 1)) << r.err;
      }
      const char fill = body[0];
      EXPECT_EQ(body.find_first_not_of(fill), 1000000u) << path;
    }
  }
}

// docs/task-group.md, behaviour 32: the same bytes, in registry order, run after run.
TEST_F(Run, RegistryOrderIsByteIdenticalAcrossRuns) {
  make_repos(100);
  std::string first;
  for (int round = 0; round < 5; ++round) {
    const auto r = mr({"-j8", "run", "sh", "-c",
                       "n=$(basename \"$MR_REPO\"); n=${n#r}; n=${n#0}; "
                       "head -c $((100000 + n * 7)) /dev/zero | tr '\\0' y; echo"},
                      home());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    if (round == 0) {
      first = r.out;
      const auto parsed = blocks(r.out, "run");
      ASSERT_EQ(parsed.size(), 100u);
      for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(parsed[static_cast<std::size_t>(i)].first, path_of(i));
        EXPECT_EQ(parsed[static_cast<std::size_t>(i)].second.size(),
                  100000u + static_cast<std::size_t>(i) * 7 + 1);
      }
    } else {
      ASSERT_EQ(r.out, first) << "round " << round;
    }
  }
}

TEST_F(Run, AProgressLineOnlyOnATerminal) {
  make_repos(3);
  RunOptions options;
  options.cwd = home();
  options.env = env_for(home());
  options.env["TERM"] = "xterm";
  options.stderr_tty = true;
  const auto r = run({mr_binary().string(), "run", "true"}, options);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("\r[0/3] run ws/r00\033[K"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\r\033[K"), std::string::npos); // erased before blocks print
  EXPECT_EQ(r.out.find('['), std::string::npos);
  // Not with -q, not with --json, never into a pipe.
  options.stderr_tty = false;
  EXPECT_EQ(run({mr_binary().string(), "run", "true"}, options).err, "");
  options.stderr_tty = true;
  EXPECT_EQ(run({mr_binary().string(), "-q", "run", "true"}, options).err.find('['),
            std::string::npos);
  EXPECT_EQ(run({mr_binary().string(), "--json", "run", "true"}, options).err.find('['),
            std::string::npos);
}

TEST_F(Run, JsonCarriesStatusExitCodeAndOutput) {
  make_repos(2);
  const auto r =
      mr({"--json", "run", "sh", "-c", "echo hi; test \"$(basename $MR_REPO)\" = r00 || exit 3"},
         home());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "{\"type\":\"repo\",\"path\":\"" + path_of(0) +
                "\",\"action\":\"run\",\"status\":\"ok\",\"exit_code\":0,\"output\":\"hi\\n\"}\n"
                "{\"type\":\"repo\",\"path\":\"" +
                path_of(1) +
                "\",\"action\":\"run\",\"status\":\"failed\",\"exit_code\":3,\"output\":\"hi\\n\","
                "\"error\":\"command failed\"}\n"
                "{\"type\":\"summary\",\"action\":\"run\",\"ok\":1,\"failed\":1,\"skipped\":0,"
                "\"exit_code\":1}\n");
}

} // namespace mr::test
