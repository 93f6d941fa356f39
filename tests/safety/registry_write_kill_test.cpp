// A registry write killed at its worst moments leaves the registry exactly as it was, and
// no copy of it behind: killed while the new text is an unnamed file, nothing at all;
// killed once it has its short-lived name, the next write removes it.
#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "pause_point.hpp"

namespace mr::test {
namespace {

class RegistryWriteKill : public CliTest {
protected:
  RegistryWriteKill()
      : m_a(make_repo(root() / "work" / "a")), m_b(make_repo(root() / "work" / "b")) {
    EXPECT_EQ(mr({"register"}, m_a).exit_code, 0);
  }

  // `mr register` in b, SIGKILLed at `point`.
  void kill_register_at(const std::string& point) {
    RunOptions options;
    options.cwd = m_b;
    options.env = env_for(m_b);
    PausedRun run({mr_binary().string(), "register"}, options, point, root() / "scratch");
    ASSERT_TRUE(run.wait_paused());
    const auto killed = run.kill9();
    EXPECT_EQ(killed.exit_code, 128 + 9);
  }

  // Everything in $HOME but the registry itself.
  std::vector<std::string> leftovers() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(home())) {
      if (entry.path() != registry()) {
        names.push_back(entry.path().filename().string());
      }
    }
    return names;
  }

  fs::path m_a;
  fs::path m_b;
};

TEST_F(RegistryWriteKill, KilledBeforeRenameLeavesTheRegistryAsItWas) {
  const std::string before = read_file(registry());
  kill_register_at("atomic_write.before_rename");
  EXPECT_EQ(read_file(registry()), before);
  EXPECT_EQ(mr({"list"}, root()).exit_code, 0);
  // The temporary it had just named is gone after the next write.
  EXPECT_EQ(leftovers().size(), 1u);
  EXPECT_EQ(mr({"register"}, m_b).exit_code, 0);
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
  EXPECT_NE(read_file(registry()).find("[repos.\"" + m_b.string() + "\"]"), std::string::npos);
}

TEST_F(RegistryWriteKill, KilledWhileWritingLeavesNoCopyAtAll) {
  const std::string before = read_file(registry());
  kill_register_at("atomic_write.before_link");
  EXPECT_EQ(read_file(registry()), before);
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

} // namespace
} // namespace mr::test
