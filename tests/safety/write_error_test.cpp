// Output that cannot be written is an error, never a silent success: a full disk
// (/dev/full, a small tmpfs) or a file size limit ends mr with exit status 1 and one line
// on stderr, and stops the work still running. A closed pipe ends it as git does (SIGPIPE),
// which tests/safety/cancel_test.cpp covers.
#include <fstream>

#include "cli_fixture.hpp"

namespace mr::test {
namespace {

const std::string k_full = "mr: error: write error on standard output: No space left on device\n";

class WriteError : public CliTest {
protected:
  WriteError() {
    fs::create_directories(home() / "ws/a");
    fs::create_directories(home() / "ws/b");
    write_file(registry(), "[repos.\"ws/a\"]\n[repos.\"ws/b\"]\n");
  }
  // mr with `redirect` applied to its stdout by the shell.
  RunResult mr_to(const std::vector<std::string>& args, const std::string& redirect,
                  const std::string& before = "") {
    std::string line = before + "exec '" + mr_binary().string() + "'";
    for (const auto& a : args) {
      line += " '" + a + "'";
    }
    RunOptions o;
    o.cwd = home();
    o.env = env_for(home());
    return run({"bash", "-c", line + " " + redirect}, o);
  }
};

TEST_F(WriteError, ListToAFullDiskFails) {
  const auto r = mr_to({"list"}, ">/dev/full");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, k_full);
}

TEST_F(WriteError, JsonToAFullDiskFails) {
  const auto r = mr_to({"--json", "list"}, ">/dev/full");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, k_full);
}

TEST_F(WriteError, HelpAndVersionToAFullDiskFail) {
  for (const auto& args : {std::vector<std::string>{"--help"}, {"--version"}, {"help"}}) {
    const auto r = mr_to(args, ">/dev/full");
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_EQ(r.err, k_full) << args[0];
  }
}

TEST_F(WriteError, StatusToAFullDiskFails) {
  fs::remove_all(home() / "ws");
  make_repo(home() / "ws/a");
  make_repo(home() / "ws/b");
  write_file(home() / "ws/a/dirty", "x\n");
  const auto r = mr_to({"status"}, ">/dev/full");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, k_full);
}

TEST_F(WriteError, AFullDiskStopsTheRepositoriesStillRunning) {
  // a prints at once; b would run for 1000 s, but the failed write of a's block stops it.
  const auto r = mr_to({"-j2", "run", "sh", "-c",
                        "echo x; test \"$(basename \"$MR_REPO\")\" = a || exec sleep 1000"},
                       ">/dev/full");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, k_full);
}

TEST_F(WriteError, AFileSizeLimitIsAWriteError) {
  // 1 KB allowed (bash counts 1024-byte blocks); the block is 5 KB.
  const auto out = root() / "out.txt";
  const auto r = mr_to({"run", "sh", "-c", "head -c 5000 /dev/zero | tr '\\0' x"},
                       ">'" + out.string() + "'", "ulimit -f 1; ");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mr: error: write error on standard output: File too large\n");
  EXPECT_EQ(fs::file_size(out), 1024u);
}

TEST_F(WriteError, ASmallTmpfsThatFillsUpIsAWriteError) {
  // Needs a private mount namespace; skipped where it cannot be had.
  const auto mnt = root() / "small";
  fs::create_directories(mnt);
  RunOptions o;
  o.cwd = home();
  o.env = env_for(home());
  const auto probe = run({"unshare", "-m", "sh", "-c",
                          "mount -t tmpfs -o size=16k none '" + mnt.string() + "' && echo ok"},
                         o);
  if (probe.out != "ok\n") {
    GTEST_SKIP() << "no private tmpfs here: " << probe.err;
  }
  const auto r = run(
      {"unshare", "-m", "bash", "-c",
       "mount -t tmpfs -o size=16k none '" + mnt.string() + "' && exec '" + mr_binary().string() +
           "' run sh -c \"head -c 100000 /dev/zero | tr '\\\\0' x\" > '" + mnt.string() + "/out'"},
      o);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, k_full);
}

// Started with stdout closed, mr's own files (the signal descriptor, a pipe) must not take
// descriptor 1: the write still fails as on a closed descriptor, and says so plainly.
TEST_F(WriteError, AClosedStdoutIsABadFileDescriptor) {
  for (const auto& args : {std::vector<std::string>{"list"}, {"--json", "list"}, {"--version"}}) {
    const auto r = mr_to(args, ">&-");
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_EQ(r.err, "mr: error: write error on standard output: Bad file descriptor\n") << args[0];
  }
}

// What a child sees as mr's closed stdin and stderr: /dev/null, never one of mr's files.
TEST_F(WriteError, ClosedStandardDescriptorsAreNeverMrsOwnFiles) {
  const auto r =
      mr_to({"-j2", "run", "sh", "-c", "readlink /proc/$PPID/fd/0 /proc/$PPID/fd/2"}, "<&- 2>&-");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const std::string seen = "/dev/null\n/dev/null\n";
  EXPECT_NE(r.out.find("ws/a\n" + seen), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ws/b\n" + seen), std::string::npos) << r.out;
}

TEST_F(WriteError, OrdinaryOutputStillSucceeds) {
  const auto out = root() / "out.txt";
  const auto r = mr_to({"list"}, ">'" + out.string() + "'");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(read_file(out), "mr list: " + (home() / "ws/a").string() + "\n\nmr list: " +
                                (home() / "ws/b").string() + "\n\nmr list: finished (2 ok)\n");
}

} // namespace
} // namespace mr::test
