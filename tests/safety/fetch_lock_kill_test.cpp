// A fetch killed while libgit2 writes its refs leaves their lock files (refs/.../X.lock,
// packed-refs.lock, FETCH_HEAD.lock), on which every later fetch would fail. The next fetch
// removes those its dead process left, and never a lock a live process may hold: one of a
// running fetch, one some process has open, or one older than the dead fetch.
#include <csignal>
#include <unistd.h>

#include <gtest/gtest.h>

#include "pause_point.hpp"
#include "upstream_fixture.hpp"

namespace mr::test {
namespace {

class FetchLockKill : public Upstream {
protected:
  // ws/r cloned from upstream over file://, and a commit pushed since.
  void SetUp() override {
    Upstream::SetUp();
    m_repo = root() / "ws" / "r";
    git(root(), {"clone", "-q", "file://" + m_bare.string(), m_repo.string()});
    push("a.txt", "b\n", "two");
    write_file(registry(), "[repos.\"" + m_repo.string() + "\"]\n");
  }

  // `mr fetch`, stopped just before it writes its first ref.
  std::unique_ptr<PausedRun> fetch_about_to_write_refs() {
    auto run =
        std::make_unique<PausedRun>(std::vector<std::string>{mr_binary().string(), "fetch"},
                                    in(root() / "ws"), "fetch.writing_refs", root() / "scratch");
    EXPECT_TRUE(run->wait_paused());
    return run;
  }

  // The locks libgit2 holds while it writes the refs of this fetch.
  std::vector<fs::path> ref_locks() const {
    const auto dot_git = m_repo / ".git";
    return {dot_git / "refs/remotes/origin/main.lock", dot_git / "packed-refs.lock",
            dot_git / "FETCH_HEAD.lock"};
  }
  void make_ref_locks() {
    for (const auto& lock : ref_locks()) {
      write_file(lock, git(m_repo, {"rev-parse", "HEAD"}));
    }
  }

  bool fetched() {
    return git(m_repo, {"rev-parse", "origin/main"}) == git(m_bare, {"rev-parse", "main"});
  }

  std::size_t notes() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(m_repo / ".git")) {
      n += e.path().filename().string().rfind("mr-refs-", 0) == 0 ? 1U : 0U;
    }
    return n;
  }

  fs::path m_repo;
};

TEST_F(FetchLockKill, TheNextFetchRemovesTheRefLocksOfAKilledFetch) {
  // A lock from before the killed fetch, and one where this fetch writes no ref: not its.
  const auto older = m_repo / ".git/refs/remotes/origin/older.lock";
  const auto elsewhere = m_repo / ".git/refs/heads/main.lock";
  write_file(older, "x\n");
  write_file(elsewhere, "x\n");
  {
    auto run = fetch_about_to_write_refs();
    EXPECT_EQ(notes(), 1U);
    make_ref_locks(); // as a kill while libgit2 writes the refs leaves them
    EXPECT_EQ(run->kill9().exit_code, 128 + SIGKILL);
  }
  const auto r = mr({"fetch"}, root() / "ws");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fetched());
  for (const auto& lock : ref_locks()) {
    EXPECT_FALSE(fs::exists(lock)) << lock;
  }
  EXPECT_EQ(notes(), 0U);
  EXPECT_TRUE(fs::exists(older));
  EXPECT_TRUE(fs::exists(elsewhere));
  EXPECT_EQ(git_result(m_repo, {"fsck", "--no-progress"}).exit_code, 0);
}

TEST_F(FetchLockKill, TheLocksOfARunningFetchAreKept) {
  auto run = fetch_about_to_write_refs();
  make_ref_locks();
  // While the first fetch lives, the second leaves its locks and says what to do.
  const auto second = mr({"fetch"}, root() / "ws");
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_NE((second.out + second.err).find("remove it with: rm '"), std::string::npos)
      << second.out << second.err;
  for (const auto& lock : ref_locks()) {
    EXPECT_TRUE(fs::exists(lock)) << lock;
  }
  EXPECT_EQ(run->kill9().exit_code, 128 + SIGKILL);
  // Once it is dead they are its leftovers.
  EXPECT_EQ(mr({"fetch"}, root() / "ws").exit_code, 0);
  EXPECT_TRUE(fetched());
}

TEST_F(FetchLockKill, ALockSomeProcessHasOpenIsKept) {
  {
    auto run = fetch_about_to_write_refs();
    make_ref_locks();
    EXPECT_EQ(run->kill9().exit_code, 128 + SIGKILL);
  }
  const auto held = ref_locks().front();
  const int holder =
      spawn({"/bin/sh", "-c", "exec 3<'" + held.string() + "'; exec sleep 60"}, in(root() / "ws"));
  // The holder has the file open once its shell has become sleep.
  const auto program = [&] {
    std::error_code ec;
    return fs::read_symlink("/proc/" + std::to_string(holder) + "/exe", ec).filename();
  };
  for (int i = 0; i < 1000 && program() != "sleep"; ++i) {
    ::usleep(10000);
  }
  ASSERT_EQ(program(), "sleep");
  const auto r = mr({"fetch"}, root() / "ws");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(fs::exists(held));
  ::kill(holder, SIGKILL);
  wait_for(holder);
  EXPECT_EQ(mr({"fetch"}, root() / "ws").exit_code, 0);
  EXPECT_FALSE(fs::exists(held));
  EXPECT_TRUE(fetched());
}

} // namespace
} // namespace mr::test
