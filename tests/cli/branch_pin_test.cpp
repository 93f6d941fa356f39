// The registry's `branch` naming a branch, a tag or a commit: `mr checkout` leaves the
// clone as `git clone -b NAME` does (a branch, a tag) or as `git clone && git checkout
// --detach COMMIT` does, compared with what the git binary makes from the same remote;
// through libgit2 and through the git binary alike. `mr update` skips a repository pinned
// to a tag or a commit and still fast-forwards one pinned to a branch.
#include <algorithm>

#include "network_fixture.hpp"
#include "servers.hpp"

namespace mr::test {

namespace {

// The remote of these tests, srv/pin.git: main (three commits), dev (one more, off the
// second), a lightweight and an annotated tag on the first, "both" (a branch at main's
// tip and a tag on the first commit) and a branch "deadbee" (a name written as a commit).
class PinnedRemote : public Network {
protected:
  void make_remote() {
    upstream("pin");
    const auto seed = root() / "seed" / "pin";
    first = rev(seed, "HEAD");
    git(seed, {"tag", "light"});
    git(seed, {"tag", "-a", "-m", "annotated", "annotated"});
    git(seed, {"tag", "both"});
    second = commit(seed, "a.txt", "two\n");
    git(seed, {"checkout", "-q", "-b", "dev"});
    dev = commit(seed, "dev.txt", "dev\n");
    git(seed, {"checkout", "-q", "main"});
    third = commit(seed, "a.txt", "three\n");
    git(seed, {"branch", "both"});
    git(seed, {"branch", "deadbee", second});
    git(seed, {"push", "-q", "origin", "refs/heads/main", "refs/heads/dev", "refs/heads/both",
               "refs/heads/deadbee", "refs/tags/light", "refs/tags/annotated", "refs/tags/both"});
  }

  std::string commit(const fs::path& seed, const std::string& file, const std::string& text) {
    write_file(seed / file, text);
    git(seed, {"add", file});
    git(seed, {"commit", "-q", "-m", "change " + file});
    return rev(seed, "HEAD");
  }

  // What a clone is, as far as git clone -b and git checkout --detach decide it: HEAD, the
  // refs, the repository's own configuration (sorted: libgit2 orders core.* otherwise), the
  // index and a clean work tree.
  std::string state_of(const fs::path& dir) {
    std::string state = "HEAD: " + read_file(dir / ".git/HEAD");
    state += git(dir, {"for-each-ref", "--format=%(refname) %(objectname) %(symref)"});
    auto config = lines_of(git(dir, {"config", "--local", "--list"}));
    std::sort(config.begin(), config.end());
    for (const auto& line : config) {
      state += line + "\n";
    }
    state += git(dir, {"ls-files", "-s"});
    state += git(dir, {"status", "--porcelain", "--untracked-files=all"});
    return state;
  }

  // Nothing of a clone left in ws/ but the repositories that were made.
  void expect_no_clone_debris() {
    for (const auto& e : fs::directory_iterator(ws())) {
      EXPECT_FALSE(e.path().filename().string().starts_with(".mr-clone-")) << e.path();
    }
  }

  std::string first;
  std::string second;
  std::string third;
  std::string dev;
};

struct Way {
  std::string transport; // the registry's transport
  bool daemon;           // through git daemon (git://), else the remote's path
};

class BranchPin : public PinnedRemote, public ::testing::WithParamInterface<Way> {
protected:
  void SetUp() override {
    make_remote();
    if (GetParam().daemon) {
      server = std::make_unique<GitDaemon>(srv());
      url = server->url("pin.git");
    } else {
      url = (srv() / "pin.git").string();
    }
  }

  // ws/DIR registered with `branch`, then checked out by mr.
  RunResult check_out(const std::string& dir, const std::string& branch) {
    register_repo(ws() / dir, "url = \"" + url + "\"\nbranch = \"" + branch + "\"\ntransport = \"" +
                                  GetParam().transport + "\"\n");
    return mr({"checkout"}, ws());
  }

  // What git makes: git clone, with `clone_options`, then git checkout `checkout` if any.
  fs::path by_git(const std::string& name, const std::vector<std::string>& clone_options,
                  const std::vector<std::string>& checkout = {}) {
    const auto dir = root() / "by-git" / name;
    std::vector<std::string> args{"clone", "-q"};
    args.insert(args.end(), clone_options.begin(), clone_options.end());
    args.insert(args.end(), {url, dir.string()});
    git(root(), args);
    if (!checkout.empty()) {
      git(dir, checkout);
    }
    return dir;
  }

  std::unique_ptr<GitDaemon> server;
  std::string url;
};

std::string way_name(const ::testing::TestParamInfo<Way>& info) {
  return info.param.transport + (info.param.daemon ? "_daemon" : "_path");
}

void PrintTo(const Way& way, std::ostream* out) {
  *out << way.transport << (way.daemon ? " over git://" : " from the path");
}

INSTANTIATE_TEST_SUITE_P(Transports, BranchPin,
                         ::testing::Values(Way{"libgit2", false}, Way{"libgit2", true},
                                           Way{"git", true}),
                         way_name);

} // namespace

TEST_P(BranchPin, ABranchIsCheckedOutTrackingItAsGitCloneB) {
  const auto r = check_out("dev", "dev");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_file(ws() / "dev/dev.txt"), "dev\n");
  EXPECT_EQ(git(ws() / "dev", {"rev-parse", "--abbrev-ref", "dev@{upstream}"}), "origin/dev\n");
  EXPECT_EQ(state_of(ws() / "dev"), state_of(by_git("dev", {"-b", "dev"})));
  EXPECT_FALSE(fs::exists(ws() / "dev/.git/refs/heads/main")) << "no branch git -b does not make";
}

TEST_P(BranchPin, ATagIsADetachedHeadAtItsCommitAsGitCloneB) {
  for (const std::string tag : {"light", "annotated"}) {
    const auto r = check_out(tag, tag);
    ASSERT_EQ(r.exit_code, 0) << tag << r.out << r.err;
    EXPECT_EQ(read_file(ws() / tag / ".git/HEAD"), first + "\n") << tag;
    EXPECT_EQ(read_file(ws() / tag / "a.txt"), "a\n") << tag;
    EXPECT_EQ(state_of(ws() / tag), state_of(by_git(tag, {"-b", tag}))) << tag;
  }
}

TEST_P(BranchPin, ACommitIsCheckedOutDetachedAsCloneThenCheckoutDetach) {
  const std::vector<std::pair<std::string, std::string>> cases{{"full", second},
                                                               {"short", second.substr(0, 7)}};
  for (const auto& [dir, id] : cases) {
    const auto r = check_out(dir, id);
    ASSERT_EQ(r.exit_code, 0) << dir << r.out << r.err;
    EXPECT_EQ(read_file(ws() / dir / ".git/HEAD"), second + "\n") << dir;
    EXPECT_EQ(read_file(ws() / dir / "a.txt"), "two\n") << dir;
    EXPECT_EQ(state_of(ws() / dir), state_of(by_git(dir, {}, {"checkout", "-q", "--detach", id})))
        << dir;
  }
}

TEST_P(BranchPin, ANameOfABranchAndATagIsTheBranchAsWithGitCloneB) {
  for (const std::string name : {"both", "deadbee"}) {
    const auto r = check_out(name, name);
    ASSERT_EQ(r.exit_code, 0) << name << r.out << r.err;
    EXPECT_EQ(read_file(ws() / name / ".git/HEAD"), "ref: refs/heads/" + name + "\n");
    EXPECT_EQ(state_of(ws() / name), state_of(by_git(name, {"-b", name}))) << name;
  }
  EXPECT_EQ(read_file(ws() / "both/a.txt"), "three\n");
  EXPECT_EQ(read_file(ws() / "deadbee/a.txt"), "two\n");
}

TEST_P(BranchPin, NothingOfThatNameOnTheRemoteFailsAndLeavesNoDirectory) {
  const auto elsewhere = make_repo(root() / "elsewhere", false);
  const auto foreign = rev(elsewhere, "HEAD"); // a commit the remote never had
  const std::vector<std::pair<std::string, std::string>> cases{
      {"nosuch", "no branch or tag \"nosuch\""},
      {foreign, "no branch, tag or commit \"" + foreign + "\""},
      {foreign.substr(0, 7), "no branch, tag or commit \"" + foreign.substr(0, 7) + "\""}};
  for (const auto& [name, message] : cases) {
    const auto r = check_out("x" + name, name);
    EXPECT_EQ(r.exit_code, 1) << name << r.out << r.err;
    EXPECT_NE(r.err.find("mr checkout: " + message + " at " + url + " (the registry's branch)\n"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(ws() / ("x" + name))) << name;
  }
  expect_no_clone_debris();
}

// ---- update --------------------------------------------------------------------------------

class PinnedUpdate : public PinnedRemote {
protected:
  void SetUp() override { make_remote(); }

  void register_pinned(const std::string& dir, const std::string& branch) {
    register_repo(ws() / dir,
                  "url = \"" + (srv() / "pin.git").string() + "\"\nbranch = \"" + branch + "\"\n");
  }
};

TEST_F(PinnedUpdate, ATagOrACommitPinIsSkippedNeitherFetchedNorMoved) {
  register_pinned("tagged", "annotated");
  register_pinned("commit", second.substr(0, 9));
  // update clones what is missing, as checkout would.
  const auto cloned = mr({"update"}, ws());
  ASSERT_EQ(cloned.exit_code, 0) << cloned.out << cloned.err;
  EXPECT_EQ(rev(ws() / "tagged", "HEAD"), first);
  EXPECT_EQ(rev(ws() / "commit", "HEAD"), second);
  const auto tip = rev(ws() / "commit", "origin/main");
  push_change("pin", "a.txt", "four\n");

  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("mr update: " + (ws() / "tagged").string() +
                       ": pinned to tag annotated (registry branch); not updated\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("mr update: " + (ws() / "commit").string() + ": pinned to commit " +
                       second.substr(0, 9) + " (registry branch); not updated\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("mr update: finished (2 skipped)"), std::string::npos) << r.out;
  EXPECT_EQ(rev(ws() / "tagged", "HEAD"), first);
  EXPECT_EQ(rev(ws() / "commit", "HEAD"), second);
  EXPECT_EQ(rev(ws() / "commit", "origin/main"), tip) << "not fetched";
  expect_consistent(ws() / "tagged");

  const auto json = mr({"--json", "update"}, ws());
  EXPECT_NE(json.out.find("\"result\":\"pinned\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"status\":\"skipped\""), std::string::npos) << json.out;
}

// A pinned repository whose HEAD is elsewhere (the user checked out a branch there) is
// neither moved back nor updated: the skip says where HEAD is and how to go back.
TEST_F(PinnedUpdate, APinnedRepositoryMovedAwayIsNotUpdatedAndSaysWhereHeadIs) {
  register_pinned("tagged", "light");
  ASSERT_EQ(mr({"checkout"}, ws()).exit_code, 0);
  const auto tagged = ws() / "tagged";
  git(tagged, {"checkout", "-q", "main"});
  git(tagged, {"reset", "-q", "--hard", first});
  push_change("pin", "a.txt", "four\n");
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find(tagged.string() +
                       ": pinned to tag light (registry branch), but HEAD is on branch main; not "
                       "updated (git checkout --detach light goes back to the pin)\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(rev(tagged, "HEAD"), first);
  EXPECT_EQ(git(tagged, {"symbolic-ref", "HEAD"}), "refs/heads/main\n");

  git(tagged, {"checkout", "-q", "--detach", second});
  const auto detached = mr({"update"}, ws());
  EXPECT_NE(detached.err.find("but HEAD is at " + second.substr(0, 7) + "; not updated"),
            std::string::npos)
      << detached.err;
  EXPECT_EQ(rev(tagged, "HEAD"), second);
}

// The registry's pin moved on to a commit the clone has not fetched: not fetched and moved
// there behind the user's back either.
TEST_F(PinnedUpdate, ACommitPinTheCloneLacksIsSkippedSayingSo) {
  register_pinned("commit", second);
  ASSERT_EQ(mr({"checkout"}, ws()).exit_code, 0);
  const auto next = push_change("pin", "a.txt", "four\n");
  write_file(registry(), "");
  register_pinned("commit", next);
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find((ws() / "commit").string() + ": pinned to commit " + next +
                       " (registry branch), which is not in this clone; not updated (git fetch, "
                       "then git checkout --detach " +
                       next + ")\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(rev(ws() / "commit", "HEAD"), second);
}

TEST_F(PinnedUpdate, ABranchPinStillFastForwards) {
  register_pinned("dev", "dev");
  register_pinned("both", "both"); // a branch and a tag: the branch
  ASSERT_EQ(mr({"checkout"}, ws()).exit_code, 0);
  const auto seed = root() / "seed" / "pin";
  git(seed, {"checkout", "-q", "dev"});
  const auto new_dev = commit(seed, "dev.txt", "dev 2\n");
  git(seed, {"push", "-q", "origin", "dev"});
  git(seed, {"checkout", "-q", "both"});
  const auto new_both = commit(seed, "a.txt", "both 2\n");
  git(seed, {"push", "-q", "origin", "refs/heads/both"});
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("mr update: finished (2 ok)"), std::string::npos) << r.out;
  EXPECT_EQ(rev(ws() / "dev", "HEAD"), new_dev);
  EXPECT_EQ(rev(ws() / "both", "HEAD"), new_both);
  expect_consistent(ws() / "dev");
}

} // namespace mr::test
