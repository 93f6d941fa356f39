// `mr status`'s fast path (src/git/status_fast.hpp): a clean repository is answered from the
// index and stat data, and every state it cannot judge is handed to libgit2. Each test
// builds a clean clone, changes one thing, and checks which path answered (the -v line) and
// that the output is git's. The whole differential suite (git_differential_test.cpp) also
// runs every state through both paths.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "git_states.hpp"

namespace mr::test {
namespace {

class StatusFastPath : public GitStates {
protected:
  // A clone whose every file was last modified long before its index was written, so no
  // entry is racily clean whatever the clock's granularity.
  fs::path clean(const std::string& name) {
    const auto dir = cloned(name);
    age_files(dir);
    register_only(dir);
    return dir;
  }
  long m_aged = 0;

  // Each call sets another time: git compares times in whole seconds, so a refresh after
  // a second call with the same time would not see the files' new ctime.
  void age_files(const fs::path& dir) {
    const timeval old[2] = {{1'500'000'000 + ++m_aged, 0}, {1'500'000'000 + m_aged, 0}};
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.path().string().find("/.git") == std::string::npos && !e.is_symlink()) {
        ::utimes(e.path().c_str(), old);
      }
    }
    // Refreshing rewrites the index with the new stat data, after the files' times.
    g_result(dir, {"update-index", "-q", "--really-refresh"});
  }

  // Which path answered `mr -v status` in `dir`: "clean", or libgit2's reason.
  std::string path_taken(const fs::path& dir, const std::map<std::string, std::string>& env = {}) {
    const auto r = mr({"-v", "status"}, dir, env);
    if (r.err.find("status: clean (proven") != std::string::npos) {
      return "clean";
    }
    const std::string marker = "status through libgit2: ";
    const auto at = r.err.find(marker);
    if (at == std::string::npos) {
      return "no -v line: " + r.err;
    }
    const auto from = at + marker.size();
    return r.err.substr(from, r.err.find('\n', from) - from);
  }

  void expect_git_output(const fs::path& dir) {
    EXPECT_EQ(one_block({"status"}, dir), git_status_text(dir));
    EXPECT_EQ(one_block({"status"}, dir, {{"MR_STATUS_SLOW", "1"}}), git_status_text(dir));
  }

  void expect_handed_over(const fs::path& dir, const std::string& reason) {
    const auto taken = path_taken(dir);
    EXPECT_NE(taken, "clean");
    EXPECT_NE(taken.find(reason), std::string::npos) << taken;
    expect_git_output(dir);
  }
};

TEST_F(StatusFastPath, ACleanCloneIsProvenCleanWithoutLibgit2) {
  const auto dir = clean("r");
  EXPECT_EQ(path_taken(dir), "clean");
  expect_git_output(dir);
  // The switch the benchmarks use turns the fast path off.
  EXPECT_NE(path_taken(dir, {{"MR_STATUS_SLOW", "1"}}), "clean");
}

TEST_F(StatusFastPath, AnIndexWithoutCacheTreeAndIndexVersion4AreStillFast) {
  const auto dir = clean("r");
  g(dir, {"update-index", "--index-version", "4"});
  age_files(dir);
  EXPECT_EQ(path_taken(dir), "clean");
  expect_git_output(dir);
}

TEST_F(StatusFastPath, IgnoredFilesAndDirectoriesKeepItFast) {
  const auto dir = clean("r");
  put(dir, ".git/info/exclude", "*.log\nbuild/\n");
  put(dir, "debug.log", "x\n");
  put(dir, "src/trace.log", "x\n");
  put(dir, "build/out.o", "x\n");
  EXPECT_EQ(path_taken(dir), "clean");
  expect_git_output(dir);
}

TEST_F(StatusFastPath, AnythingElseIsHandedToLibgit2) {
  struct Case {
    std::string name;
    std::function<void(const fs::path&)> change;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"untracked", [&](const fs::path& d) { put(d, "new.txt", "x\n"); }, "new.txt"},
      {"untracked_dir", [&](const fs::path& d) { put(d, "newdir/f", "x\n"); }, "newdir/"},
      {"empty_dir", [&](const fs::path& d) { fs::create_directories(d / "empty"); }, "empty/"},
      {"modified_same_size",
       [&](const fs::path& d) { put(d, "README", std::string(fs::file_size(d / "README"), 'z')); },
       "README: "},
      {"racy",
       [&](const fs::path& d) {
         // The file's mtime is the index's: a change in the same tick would be invisible.
         struct stat st {};
         ::stat((d / ".git/index").c_str(), &st);
         const timespec times[2] = {st.st_mtim, st.st_mtim};
         ::utimensat(AT_FDCWD, (d / "README").c_str(), times, 0);
         g(d, {"update-index", "-q", "--really-refresh"});
         ::stat((d / ".git/index").c_str(), &st);
         const timespec again[2] = {st.st_mtim, st.st_mtim};
         ::utimensat(AT_FDCWD, (d / "README").c_str(), again, 0);
         ::utimensat(AT_FDCWD, (d / ".git/index").c_str(), again, 0);
       },
       "README: "},
      {"exec_bit",
       [&](const fs::path& d) {
         fs::permissions(d / "README", fs::perms::owner_exec, fs::perm_options::add);
       },
       "README: mode changed"},
      {"staged",
       [&](const fs::path& d) {
         put(d, "README", "other\n");
         g(d, {"add", "README"});
         age_files(d);
       },
       "the index differs from HEAD"},
      {"autocrlf",
       [&](const fs::path& d) {
         g(d, {"config", "core.autocrlf", "true"});
       },
       "core.autocrlf"},
      {"skip_worktree",
       [&](const fs::path& d) {
         g(d, {"update-index", "--skip-worktree", "README"});
       },
       "skip-worktree"},
      {"assume_unchanged",
       [&](const fs::path& d) {
         g(d, {"update-index", "--assume-unchanged", "README"});
       },
       "assume-unchanged"},
      {"intent_to_add",
       [&](const fs::path& d) {
         put(d, "new.txt", "x\n");
         g(d, {"add", "-N", "new.txt"});
       },
       "intent-to-add"},
      {"sparse_checkout",
       [&](const fs::path& d) {
         g(d, {"sparse-checkout", "set", "src"});
       },
       ""},
      {"untracked_cache",
       [&](const fs::path& d) {
         g(d, {"config", "core.untrackedCache", "true"});
         g(d, {"update-index", "--untracked-cache"});
         g(d, {"status", "-s"});
       },
       "index extension UNTR"},
      {"include_if",
       [&](const fs::path& d) {
         g(d, {"config", "includeIf.gitdir:/nowhere/.path", "/nowhere/config"});
       },
       "includeIf"},
      {"fsmonitor",
       [&](const fs::path& d) {
         g(d, {"config", "core.fsmonitor", "true"});
       },
       "core.fsmonitor"},
      {"stash",
       [&](const fs::path& d) {
         put(d, "README", "wip\n");
         g(d, {"stash", "-q"});
         age_files(d);
       },
       "stash"},
      {"unpushed",
       [&](const fs::path& d) {
         commit_change(d, "README", "local\n", "local");
         age_files(d);
       },
       "refs/heads/main"},
      {"behind",
       [&](const fs::path& d) {
         g(d, {"update-ref", "refs/remotes/origin/main", "HEAD~1"});
       },
       ""},
      {"merge_head",
       [&](const fs::path& d) {
         put(d, ".git/MERGE_HEAD", g(d, {"rev-parse", "HEAD"}));
       },
       "MERGE_HEAD"},
      {"detached",
       [&](const fs::path& d) {
         g(d, {"checkout", "-q", "--detach"});
       },
       "HEAD is not a branch"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto dir = clean(c.name);
    ASSERT_EQ(path_taken(dir), "clean");
    c.change(dir);
    expect_handed_over(dir, c.reason);
  }
}

// A tracked directory replaced by a symbolic link to a copy of it: git sees its files
// deleted. The fast path never looks through the link. (libgit2's path still reports the
// file modified there: README, "Not yet".)
TEST_F(StatusFastPath, ATrackedDirectoryReplacedByALinkIsHandedOver) {
  const auto dir = clean("r");
  fs::rename(dir / "src", dir / "src-real");
  fs::create_directory_symlink("src-real", dir / "src");
  put(dir, ".git/info/exclude", "/src-real/\n");
  g(dir, {"update-index", "-q", "--really-refresh"});
  const auto taken = path_taken(dir);
  EXPECT_NE(taken.find("src/: cannot be opened"), std::string::npos) << taken;
}

// An index this big is stat'ed on idle workers too (-j2): the same answers, clean or not.
TEST_F(StatusFastPath, ABigIndexIsCheckedOnSeveralThreads) {
  const auto dir = cloned("big");
  for (int d = 0; d < 60; ++d) {
    for (int f = 0; f < 50; ++f) {
      put(dir, "d" + std::to_string(d) + "/f" + std::to_string(f), std::to_string(d * f) + "\n");
    }
  }
  g(dir, {"add", "."});
  g(dir, {"commit", "-q", "-m", "many files"});
  g(dir, {"push", "-q", "origin", "main"});
  age_files(dir);
  register_only(dir);
  EXPECT_EQ(path_taken(dir), "clean");
  expect_git_output(dir);
  put(dir, "d59/f49", "changed\n");
  const auto taken = path_taken(dir);
  EXPECT_NE(taken.find("d59/f49: "), std::string::npos) << taken;
  expect_git_output(dir);
}

// With core.checkStat=minimal only the mtime's seconds and the size are compared: a file
// rewritten to the same size in the second the index was written, its mtime put back, is
// racy, and git reads it. The fast path decides raciness in whole seconds as git does
// (a hostile test found it saying clean where git shows the change).
TEST_F(StatusFastPath, AnEntryRacyOnlyByTheSecondIsHandedOver) {
  const auto dir = clean("r");
  g(dir, {"config", "core.checkStat", "minimal"});
  const timespec recorded[2] = {{1'600'000'000, 100'000'000}, {1'600'000'000, 100'000'000}};
  ::utimensat(AT_FDCWD, (dir / "README").c_str(), recorded, 0);
  g(dir, {"update-index", "-q", "--really-refresh"});
  put(dir, "README", std::string(fs::file_size(dir / "README"), 'z'));
  ::utimensat(AT_FDCWD, (dir / "README").c_str(), recorded, 0);
  const timespec index_time[2] = {{1'600'000'000, 900'000'000}, {1'600'000'000, 900'000'000}};
  ::utimensat(AT_FDCWD, (dir / ".git/index").c_str(), index_time, 0);
  expect_handed_over(dir, "README: racily clean");
}

// Files and index written in the same second, as a clone or checkout writes them: racily
// clean, so handed over once; that run refreshes the index (libgit2 alone would hash
// nothing and leave it), and the next run is fast.
TEST_F(StatusFastPath, AFreshCheckoutIsHandedOverOnceThenFast) {
  const auto dir = clean("r");
  const timespec files[2] = {{1'600'000'000, 100'000'000}, {1'600'000'000, 100'000'000}};
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().string().find("/.git") == std::string::npos && !e.is_symlink()) {
      ::utimensat(AT_FDCWD, e.path().c_str(), files, 0);
    }
  }
  g(dir, {"update-index", "-q", "--really-refresh"});
  const timespec index_time[2] = {{1'600'000'000, 900'000'000}, {1'600'000'000, 900'000'000}};
  ::utimensat(AT_FDCWD, (dir / ".git/index").c_str(), index_time, 0);
  EXPECT_NE(path_taken(dir).find("racily clean"), std::string::npos);
  EXPECT_EQ(path_taken(dir), "clean");
  expect_git_output(dir);
}

// HEAD's tree object missing: git fails ("bad tree object"), and so does mr, on both paths.
TEST_F(StatusFastPath, AMissingHeadTreeIsHandedOverAndFails) {
  const auto dir = clean("r");
  commit_change(dir, "README", "local\n", "local");
  g(dir, {"push", "-q", "origin", "main"});
  age_files(dir);
  ASSERT_EQ(path_taken(dir), "clean");
  auto tree = g(dir, {"rev-parse", "HEAD^{tree}"});
  tree.pop_back();
  fs::remove(dir / ".git/objects" / tree.substr(0, 2) / tree.substr(2));
  EXPECT_NE(path_taken(dir).find("HEAD's tree object is missing"), std::string::npos);
  EXPECT_NE(mr({"status"}, dir).exit_code, 0);
  EXPECT_NE(mr({"status"}, dir, {{"MR_STATUS_SLOW", "1"}}).exit_code, 0);
}

// The split index is handed over before libgit2 is asked (which of the two paths then
// answers as git does is the differential suite's business).
TEST_F(StatusFastPath, ASplitIndexIsHandedOver) {
  const auto dir = clean("r");
  g(dir, {"update-index", "--split-index"});
  const auto taken = path_taken(dir);
  EXPECT_NE(taken.find("index extension link"), std::string::npos) << taken;
}

} // namespace
} // namespace mr::test
