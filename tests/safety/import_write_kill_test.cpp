// `mr import --force` killed while it replaces a registry leaves the old file or the new
// one, never a part of either: each file is written atomically under the registry lock.
#include <algorithm>
#include <csignal>

#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "pause_point.hpp"

namespace mr::test {
namespace {

class ImportWriteKill : public CliTest {
protected:
  ImportWriteKill() {
    write_file(home() / ".mrconfig", "[a]\ncheckout = git clone https://x/a a\n");
    write_file(registry(), "# the old registry\n");
  }

  void kill_import_at(const std::string& point) {
    RunOptions options;
    options.cwd = home();
    options.env = env_for(home());
    PausedRun run({mr_binary().string(), "import", "--force"}, options, point, root() / "scratch");
    ASSERT_TRUE(run.wait_paused());
    EXPECT_EQ(run.kill9().exit_code, 128 + 9);
  }
};

TEST_F(ImportWriteKill, KilledBeforeWritingLeavesTheOldFile) {
  kill_import_at("import.write");
  EXPECT_EQ(read_file(registry()), "# the old registry\n");
}

TEST_F(ImportWriteKill, KilledBeforeTheRenameLeavesTheOldFileAndTheNextImportCleansUp) {
  kill_import_at("atomic_write.before_rename");
  EXPECT_EQ(read_file(registry()), "# the old registry\n");
  const auto r = mr({"import", "--force"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(registry()), "\n[repos.\"a\"]\nurl = \"https://x/a\"\n");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(home())) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{".mrconfig", ".mrconfig.toml"}));
}

// Ctrl-C while the import is planned: nothing is written, exit 130.
TEST_F(ImportWriteKill, InterruptedWhilePlanningWritesNothing) {
  RunOptions options;
  options.cwd = home();
  options.env = env_for(home());
  PausedRun run({mr_binary().string(), "import", "--force"}, options, "import.plan",
                root() / "scratch");
  ASSERT_TRUE(run.wait_paused());
  ::kill(run.pid(), SIGINT);
  EXPECT_EQ(run.resume().exit_code, 130);
  EXPECT_EQ(read_file(registry()), "# the old registry\n");
}

} // namespace
} // namespace mr::test
