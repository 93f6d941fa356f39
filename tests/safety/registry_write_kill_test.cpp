// A registry write killed at its worst moment (the new text written and synced, not yet
// renamed over the registry) leaves the registry exactly as it was.
#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "pause_point.hpp"

namespace mr::test {
namespace {

class RegistryWriteKill : public CliTest {};

TEST_F(RegistryWriteKill, KilledBeforeRenameLeavesTheRegistryAsItWas) {
  const auto a = make_repo(root() / "work" / "a");
  const auto b = make_repo(root() / "work" / "b");
  ASSERT_EQ(mr({"register"}, a).exit_code, 0);
  const std::string before = read_file(registry());

  RunOptions options;
  options.cwd = b;
  options.env = env_for(b);
  PausedRun run({mr_binary().string(), "register"}, options, "atomic_write.before_rename",
                root() / "scratch");
  ASSERT_TRUE(run.wait_paused());
  const auto killed = run.kill9();
  EXPECT_EQ(killed.exit_code, 128 + 9);
  EXPECT_EQ(read_file(registry()), before);
  EXPECT_EQ(mr({"list"}, root()).exit_code, 0);
}

} // namespace
} // namespace mr::test
