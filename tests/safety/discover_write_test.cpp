// mr discover writes the registry once, under the registry directory's lock, after reading
// it again there: a register that runs while discover walks or waits is never lost, a kill
// during the write leaves the file as it was or as it is meant to be, and Ctrl-C before the
// write leaves it untouched.
#include <csignal>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "pause_point.hpp"

namespace mr::test {
namespace {

class DiscoverWrite : public CliTest {
protected:
  DiscoverWrite() {
    for (const char* name : {"a", "b", "c"}) {
      make_repo(home() / "src" / name);
    }
    m_outside = make_repo(home() / "outside");
    write_file(registry(), "# mine\n");
  }

  // `mr discover src`, stopped at `point`.
  std::unique_ptr<PausedRun> discover_paused_at(const std::string& point) {
    RunOptions options;
    options.cwd = home();
    options.env = env_for(home());
    return std::make_unique<PausedRun>(
        std::vector<std::string>{mr_binary().string(), "discover", "src"}, options, point,
        root() / "scratch");
  }

  // How often the table of `key` is in the registry.
  std::size_t tables_of(const std::string& key) const {
    const auto text = read_file(registry());
    const std::string header = "[repos.\"" + key + "\"]\n";
    std::size_t n = 0;
    for (auto at = text.find(header); at != std::string::npos; at = text.find(header, at + 1)) {
      ++n;
    }
    return n;
  }

  fs::path m_outside;
};

// Whether some process waits for an flock (a "->" line of /proc/locks), asking again for
// up to 60 s.
bool someone_waits_for_a_lock() {
  for (int i = 0; i < 600; ++i) {
    std::ifstream locks("/proc/locks");
    for (std::string line; std::getline(locks, line);) {
      if (line.find("-> FLOCK") != std::string::npos) {
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Whether mr (`pid`) has taken the signal sent to it and requested the stop: none is
// pending any more, and then a thread waits in poll(2) again, as mr's signal thread does
// once it has handled one (mr's other threads are not in poll here: the main one waits at
// a test point). Asks again for up to 60 s.
bool signal_taken(int pid) {
  const auto proc = fs::path("/proc") / std::to_string(pid);
  bool pending_gone = false;
  for (int i = 0; i < 6000; ++i) {
    if (!pending_gone) {
      std::ifstream status(proc / "status");
      for (std::string line; std::getline(status, line);) {
        pending_gone = pending_gone || line == "ShdPnd:\t0000000000000000";
      }
    } else {
      for (const auto& task : fs::directory_iterator(proc / "task")) {
        std::string wchan;
        std::getline(std::ifstream(task.path() / "wchan"), wchan);
        if (wchan.find("poll") != std::string::npos) {
          return true;
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

} // namespace

TEST_F(DiscoverWrite, RegisterWhileDiscoverReadsRepositoriesIsNotLost) {
  auto run = discover_paused_at("discover.read");
  ASSERT_TRUE(run->wait_paused());
  // One outside what discover found, one it found: neither is lost, neither doubled.
  EXPECT_EQ(mr({"register"}, m_outside).exit_code, 0);
  EXPECT_EQ(mr({"register"}, home() / "src/b").exit_code, 0);
  const auto r = run->resume();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mr discover: 2 added, 1 already registered\n"), std::string::npos) << r.out;
  for (const char* key : {"outside", "src/a", "src/b", "src/c"}) {
    EXPECT_EQ(tables_of(key), 1u) << key << " in\n" << read_file(registry());
  }
  EXPECT_EQ(read_file(registry()).rfind("# mine\n", 0), 0u);
}

TEST_F(DiscoverWrite, RegisterWaitsForTheLockDiscoverHolds) {
  auto run = discover_paused_at("register_many.loaded");
  ASSERT_TRUE(run->wait_paused());
  // A repository discover has just found unregistered: registered now, it would be there
  // twice, unless register waits until discover has written.
  RunOptions options;
  options.cwd = home() / "src/b";
  options.env = env_for(options.cwd);
  const int pid = spawn({mr_binary().string(), "register"}, options);
  EXPECT_TRUE(someone_waits_for_a_lock());
  const auto r = run->resume();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(wait_for(pid), 0);
  for (const char* key : {"src/a", "src/b", "src/c"}) {
    EXPECT_EQ(tables_of(key), 1u) << key << " in\n" << read_file(registry());
  }
}

TEST_F(DiscoverWrite, KilledDuringTheWriteLeavesTheOldFileOrTheNewOne) {
  const auto before = read_file(registry());
  for (const char* point :
       {"register_many.loaded", "atomic_write.before_link", "atomic_write.before_rename"}) {
    auto run = discover_paused_at(point);
    ASSERT_TRUE(run->wait_paused()) << point;
    EXPECT_EQ(run->kill9().exit_code, 128 + 9) << point;
    EXPECT_EQ(read_file(registry()), before) << point;
  }
  // Let go, it writes the new file, whole.
  auto run = discover_paused_at("discover.read");
  ASSERT_TRUE(run->wait_paused());
  EXPECT_EQ(run->resume().exit_code, 0);
  for (const char* key : {"src/a", "src/b", "src/c"}) {
    EXPECT_EQ(tables_of(key), 1u) << key;
  }
  const auto list = mr({"list"}, home());
  EXPECT_EQ(list.exit_code, 0) << list.err;
  // No temporary is left beside the registry once a write has run.
  for (const auto& entry : fs::directory_iterator(home())) {
    EXPECT_EQ(entry.path().filename().string().find(".mrconfig.toml."), std::string::npos)
        << entry.path();
  }
}

TEST_F(DiscoverWrite, InterruptedBeforeTheWriteWritesNothing) {
  const auto before = read_file(registry());
  auto run = discover_paused_at("discover.read");
  ASSERT_TRUE(run->wait_paused());
  ASSERT_EQ(::kill(run->pid(), SIGINT), 0);
  // Resumed before mr has taken the signal, it would rightly write: the signal came late.
  ASSERT_TRUE(signal_taken(run->pid()));
  const auto r = run->resume();
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(read_file(registry()), before);
}

} // namespace mr::test
