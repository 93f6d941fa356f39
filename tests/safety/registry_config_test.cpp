// mr config writes the registry as register does: under the directory lock, from the text
// as it is under that lock, atomically. A register running beside it is never lost, nor is
// its change; killed at the write, it leaves the registry as it was.
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "pause_point.hpp"

namespace mr::test {
namespace {

// Whether process `pid` waits for an flock (a "->" line of /proc/locks names it).
bool waits_for_lock(int pid) {
  std::ifstream locks("/proc/locks");
  std::string line;
  while (std::getline(locks, line)) {
    std::istringstream words(line);
    std::string id;
    std::string arrow;
    std::string kind;
    std::string advisory;
    std::string mode;
    int holder = 0;
    if (words >> id >> arrow >> kind >> advisory >> mode >> holder && arrow == "->" &&
        kind == "FLOCK" && holder == pid) {
      return true;
    }
  }
  return false;
}

// Waits (at most 60 s) until `pid` blocks on a lock.
bool wait_until_blocked(int pid) {
  for (int i = 0; i < 6000; ++i) {
    if (waits_for_lock(pid)) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class RegistryConfig : public CliTest {
protected:
  RegistryConfig() : m_a(make_repo(home() / "src" / "a")), m_b(make_repo(home() / "src" / "b")) {
    EXPECT_EQ(mr({"register"}, m_a).exit_code, 0);
  }

  RunOptions options_in(const fs::path& dir) const {
    RunOptions options;
    options.cwd = dir;
    options.env = env_for(dir);
    return options;
  }

  std::vector<std::string> config_order_7() const {
    return {mr_binary().string(), "config", m_a.string(), "order=7"};
  }

  void expect_both_landed() {
    EXPECT_EQ(mr({"config", m_a.string(), "order"}, home()).out, "7\n");
    const auto r = mr({"list"}, home());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("mr list: finished (2 ok)"), std::string::npos) << r.out;
  }

  fs::path m_a;
  fs::path m_b;
};

TEST_F(RegistryConfig, ARegisterWaitingForAConfigIsNotLost) {
  PausedRun config(config_order_7(), options_in(home()), "atomic_write.before_rename",
                   root() / "scratch");
  ASSERT_TRUE(config.wait_paused());
  const int reg = spawn({mr_binary().string(), "register"}, options_in(m_b));
  ASSERT_TRUE(wait_until_blocked(reg));
  EXPECT_EQ(config.resume().exit_code, 0);
  EXPECT_EQ(wait_for(reg), 0);
  expect_both_landed();
}

TEST_F(RegistryConfig, AConfigWaitingForARegisterChangesTheRegistryAsItIsThen) {
  PausedRun reg({mr_binary().string(), "register"}, options_in(m_b), "atomic_write.before_rename",
                root() / "scratch");
  ASSERT_TRUE(reg.wait_paused());
  const int config = spawn(config_order_7(), options_in(home()));
  ASSERT_TRUE(wait_until_blocked(config));
  EXPECT_EQ(reg.resume().exit_code, 0);
  EXPECT_EQ(wait_for(config), 0);
  expect_both_landed();
}

TEST_F(RegistryConfig, ManyAtOnceLoseNothing) {
  constexpr int k_each = 8;
  std::vector<fs::path> repos;
  for (int i = 0; i < k_each; ++i) {
    repos.push_back(make_repo(home() / "src" / ("r" + std::to_string(i))));
  }
  std::vector<int> pids;
  for (int i = 0; i < k_each; ++i) {
    pids.push_back(
        spawn({mr_binary().string(), "register"}, options_in(repos[static_cast<std::size_t>(i)])));
    pids.push_back(
        spawn({mr_binary().string(), "config", "DEFAULT", "alias.a" + std::to_string(i) + "=list"},
              options_in(home())));
  }
  for (int pid : pids) {
    EXPECT_EQ(wait_for(pid), 0);
  }
  for (int i = 0; i < k_each; ++i) {
    EXPECT_EQ(mr({"config", repos[static_cast<std::size_t>(i)].string(), "url"}, home()).exit_code,
              0)
        << i;
    EXPECT_EQ(mr({"config", "DEFAULT", "alias.a" + std::to_string(i)}, home()).out, "list\n") << i;
  }
}

TEST_F(RegistryConfig, KilledAtTheWriteLeavesTheRegistryAsItWas) {
  const std::string before = read_file(registry());
  for (const char* point : {"atomic_write.before_link", "atomic_write.before_rename"}) {
    PausedRun run(config_order_7(), options_in(home()), point, root() / "scratch");
    ASSERT_TRUE(run.wait_paused()) << point;
    EXPECT_EQ(run.kill9().exit_code, 128 + 9);
    EXPECT_EQ(read_file(registry()), before) << point;
  }
  // The next write removes the temporary the kill left, and lands.
  EXPECT_EQ(mr({"config", m_a.string(), "order=7"}, home()).exit_code, 0);
  for (const auto& entry : fs::directory_iterator(home())) {
    EXPECT_EQ(entry.path().filename().string().find("mr-tmp"), std::string::npos) << entry.path();
  }
  EXPECT_EQ(mr({"config", m_a.string(), "order"}, home()).out, "7\n");
}

} // namespace
} // namespace mr::test
