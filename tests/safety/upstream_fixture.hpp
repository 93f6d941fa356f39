// The fixture of the fetch and clone safety tests: a bare upstream srv/up.git holding main
// with one commit (a.txt), and the clone root()/seed that pushes to it.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "cli_fixture.hpp"

namespace mr::test {

class Upstream : public CliTest {
protected:
  void SetUp() override {
    m_bare = root() / "srv" / "up.git";
    git(root(), {"init", "-q", "--bare", "-b", "main", m_bare.string()});
    git(root(), {"clone", "-q", m_bare.string(), seed().string()});
    push("a.txt", "a\n", "one");
  }

  fs::path seed() const { return root() / "seed"; }

  // A commit writing `content` to `file`, pushed upstream.
  void push(const std::string& file, const std::string& content, const std::string& message) {
    write_file(seed() / file, content);
    git(seed(), {"add", "."});
    git(seed(), {"commit", "-q", "-m", message});
    git(seed(), {"push", "-q", "origin", "main"});
  }

  // How a test that starts mr itself runs it: in `dir`, in the fixture's environment.
  RunOptions in(const fs::path& dir) const {
    RunOptions o;
    o.cwd = dir;
    o.env = env_for(dir);
    return o;
  }

  fs::path m_bare;
};

} // namespace mr::test
