// A fetch or a clone killed mid-transfer leaves nothing that stays: the next fetch removes
// the half-received pack (objects/pack/pack_git2_*, which git gc never removes) of the
// dead fetch but never one a live process is still writing, and the next checkout removes
// the dead clone's directory beside its destination.
#include <csignal>

#include <gtest/gtest.h>

#include "pause_point.hpp"
#include "upstream_fixture.hpp"

namespace mr::test {
namespace {

class FetchKill : public Upstream {
protected:
  // ws/r cloned over file:// (libgit2's pack transfer), then a commit pushed upstream big
  // enough that its pack arrives in several pieces.
  void SetUp() override {
    Upstream::SetUp();
    m_repo = root() / "ws" / "r";
    git(root(), {"clone", "-q", "file://" + m_bare.string(), m_repo.string()});
    push("big.bin", incompressible(2 * 1024 * 1024), "big");
    write_file(registry(), "[repos.\"" + m_repo.string() + "\"]\n");
  }

  std::vector<fs::path> pack_temporaries() const {
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(m_repo / ".git" / "objects" / "pack")) {
      if (e.path().filename().string().rfind("pack_git2_", 0) == 0) {
        found.push_back(e.path());
      }
    }
    return found;
  }

  // mr ACTION killed while the pack is half received.
  void kill_mid_transfer(const std::string& action) {
    PausedRun run({mr_binary().string(), action}, in(root() / "ws"), "transfer.receiving",
                  root() / "scratch");
    ASSERT_TRUE(run.wait_paused());
    EXPECT_EQ(run.kill9().exit_code, 128 + SIGKILL);
  }

  fs::path m_repo;
};

TEST_F(FetchKill, TheNextFetchRemovesADeadFetchsHalfReceivedPack) {
  kill_mid_transfer("fetch");
  ASSERT_EQ(pack_temporaries().size(), 1U) << "the kill left the half-received pack";

  const auto r = mr({"fetch"}, root() / "ws");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(pack_temporaries().empty());
  EXPECT_EQ(git(m_repo, {"rev-parse", "origin/main"}), git(m_bare, {"rev-parse", "main"}));
  EXPECT_EQ(git_result(m_repo, {"fsck", "--no-progress"}).exit_code, 0);
  EXPECT_EQ(git_result(m_repo, {"gc", "-q"}).exit_code, 0);
  const auto counts = git(m_repo, {"count-objects", "-v"});
  EXPECT_NE(counts.find("garbage: 0\n"), std::string::npos) << counts;
}

TEST_F(FetchKill, APackALiveProcessIsWritingIsKept) {
  const auto live = m_repo / ".git" / "objects" / "pack" / "pack_git2_live01";
  write_file(live, "PACK");
  // A writer that still has its file open, as a fetch running in another program.
  const int writer =
      spawn({"/bin/sh", "-c", "exec 3>>'" + live.string() + "'; exec sleep 60"}, in(root()));
  const auto r = mr({"fetch"}, root() / "ws");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(live));
  ::kill(writer, SIGKILL);
  wait_for(writer);

  // Once nobody has it open, it is a dead writer's, and goes.
  EXPECT_EQ(mr({"fetch"}, root() / "ws").exit_code, 0);
  EXPECT_FALSE(fs::exists(live));
}

TEST_F(FetchKill, TheNextCheckoutRemovesADeadClonesDirectory) {
  write_file(registry(), "[repos.\"" + (root() / "ws" / "c").string() + "\"]\nurl = \"file://" +
                             m_bare.string() + "\"\n");
  kill_mid_transfer("checkout");
  const auto leftovers = [&] {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(root() / "ws")) {
      n += e.path().filename().string().rfind(".mr-clone-c-", 0) == 0 ? 1U : 0U;
    }
    return n;
  };
  ASSERT_EQ(leftovers(), 1U) << "the kill left the clone's directory";
  EXPECT_FALSE(fs::exists(root() / "ws" / "c"));

  const auto r = mr({"checkout"}, root() / "ws");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(leftovers(), 0U);
  EXPECT_EQ(git(root() / "ws" / "c", {"rev-parse", "HEAD"}), git(m_bare, {"rev-parse", "main"}));
}

} // namespace
} // namespace mr::test
