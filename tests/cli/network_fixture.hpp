// The fixture of the network tests: bare upstreams in srv/, working copies in ws/, someone
// else pushing, and the checks that a repository was left consistent.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

#include "cli_fixture.hpp"

namespace mr::test {

using namespace std::chrono_literals;

class Network : public CliTest {
protected:
  Network() {
    fs::create_directories(srv());
    fs::create_directories(ws());
  }
  fs::path srv() const { return root() / "srv"; }
  fs::path ws() const { return root() / "ws"; }

  // A bare upstream srv/NAME.git holding main with one commit (README, a.txt).
  fs::path upstream(const std::string& name) {
    const auto bare = srv() / (name + ".git");
    fs::create_directories(bare);
    git(bare, {"init", "-q", "--bare", "-b", "main"});
    const auto seed = root() / "seed" / name;
    git(root(), {"clone", "-q", bare.string(), seed.string()});
    write_file(seed / "README", "hello\n");
    write_file(seed / "a.txt", "a\n");
    git(seed, {"add", "."});
    git(seed, {"commit", "-q", "-m", "initial"});
    git(seed, {"push", "-q", "origin", "main"});
    return bare;
  }

  // ws/NAME cloned by git from the upstream; its origin then set to `url` (the address
  // the test reaches the server by).
  fs::path working_copy(const std::string& name, const std::string& url = {},
                        const std::string& from = {}) {
    const auto dir = ws() / name;
    git(root(),
        {"clone", "-q", (srv() / ((from.empty() ? name : from) + ".git")).string(), dir.string()});
    if (!url.empty()) {
      git(dir, {"remote", "set-url", "origin", url});
    }
    return dir;
  }

  // Someone else pushes a commit changing `file` upstream.
  std::string push_change(const std::string& name, const std::string& file,
                          const std::string& content) {
    const auto seed = root() / "seed" / name;
    git(seed, {"pull", "-q", "--ff-only"});
    write_file(seed / file, content);
    git(seed, {"add", "."});
    git(seed, {"commit", "-q", "-m", "change " + file});
    git(seed, {"push", "-q", "origin", "main"});
    return rev(seed, "HEAD");
  }

  // How the tests that start mr themselves run it: in ws/, in the fixture's environment.
  RunOptions in_ws() const {
    RunOptions o;
    o.cwd = ws();
    o.env = env_for(ws());
    return o;
  }

  std::string rev(const fs::path& dir, const std::string& what) {
    auto out = git(dir, {"rev-parse", what});
    out.pop_back();
    return out;
  }

  void register_repo(const fs::path& dir, const std::string& extra = {}) {
    std::string text = fs::exists(registry()) ? read_file(registry()) : std::string();
    text += "[repos.\"" + dir.string() + "\"]\n" + extra;
    write_file(registry(), text);
  }

  // No lock files, objects intact, nothing changed in the work tree.
  void expect_consistent(const fs::path& repo) {
    const auto fsck = git_result(repo, {"fsck", "--no-progress"});
    EXPECT_EQ(fsck.exit_code, 0) << fsck.err;
    for (const auto& e : fs::recursive_directory_iterator(repo / ".git")) {
      EXPECT_NE(e.path().extension(), ".lock") << e.path();
    }
    EXPECT_EQ(git(repo, {"status", "--porcelain"}), "");
  }

  // A repository worth a few seconds on a slow line: 3 MB that does not compress.
  void push_big_commit(const std::string& name) {
    const auto seed = root() / "seed" / name;
    write_file(seed / "big.bin", incompressible(3 * 1024 * 1024));
    git(seed, {"add", "big.bin"});
    git(seed, {"commit", "-q", "-m", "big"});
    git(seed, {"push", "-q", "origin", "main"});
  }
};

inline bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

} // namespace mr::test
