// Broken repositories among good ones (issue #4): each broken one gives a failed block with a
// one-line reason, and every other repository's output stays exactly what git prints.
#include <sys/stat.h>
#include <unistd.h>

#include "git_states.hpp"

namespace mr::test {

namespace {

// What a broken repository must say, per action; empty: the action works there (as git's).
struct Broken {
  std::string name;
  std::string status_reason;
  std::string diff_reason;
};

class BrokenRepos : public GitStates {
protected:
  fs::path ws() const { return root() / "ws"; }

  // A clone with a modified file, so status and diff have something to say.
  fs::path good(const std::string& name) {
    const auto r = cloned(name);
    put(r, "README", "changed in " + name + "\n");
    return r;
  }

  static fs::path object_file(const fs::path& repo, const std::string& sha) {
    return repo / ".git/objects" / sha.substr(0, 2) / sha.substr(2);
  }

  void register_all(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& n : names) {
      text += "[repos.\"" + (ws() / n).string() + "\"]\n";
    }
    write_file(registry(), text);
  }

  // The blocks of a text run: repository path -> body (between header and blank line).
  static std::map<std::string, std::string> blocks(const std::string& out,
                                                   const std::string& action) {
    std::map<std::string, std::string> result;
    const std::string header = "mr " + action + ": /";
    std::size_t pos = 0;
    while ((pos = out.find(header, pos)) != std::string::npos) {
      const auto eol = out.find('\n', pos);
      const auto path = out.substr(pos + header.size() - 1, eol - (pos + header.size() - 1));
      auto end = out.find("\n\n", eol);
      // An empty body: the blank line follows the header at once.
      const std::size_t body_start = eol + 1;
      if (out.compare(body_start, 1, "\n") == 0) {
        end = eol;
      }
      result[path] = end == eol ? "" : out.substr(body_start, end + 1 - body_start);
      pos = end + 1;
    }
    return result;
  }

  std::string git_diff_text(const fs::path& cwd) {
    RunOptions options;
    options.cwd = cwd;
    options.env = env_for(cwd);
    const auto r = run({"git", "diff"}, options);
    return r.out;
  }
};

} // namespace

TEST_F(BrokenRepos, EachFailsAloneWithOneLineWhileTheOthersStayCorrect) {
  good("good1");
  good("good2");

  const auto lock = good("lock");
  write_file(lock / ".git/index.lock", "");

  const auto corrupt = good("corrupt");
  const auto tree = g(corrupt, {"rev-parse", "HEAD^{tree}"}).substr(0, 40);
  // Loose objects are read-only; rewriting one with garbage is what a bad disk does.
  fs::remove(object_file(corrupt, tree));
  write_file(object_file(corrupt, tree), "this is not zlib data");

  const auto nohead = good("nohead");
  g(nohead, {"repack", "-q", "-d"}); // objects in a pack, except the new HEAD below
  g(nohead, {"commit", "-q", "--allow-empty", "-m", "lost"});
  const auto head = g(nohead, {"rev-parse", "HEAD"}).substr(0, 40);
  fs::remove(object_file(nohead, head));

  fs::create_directories(ws() / "notrepo");
  write_file(ws() / "notrepo/file", "x\n");

  const auto owned = good("owned");
  if (::geteuid() == 0) {
    ASSERT_EQ(std::system(("chown -R 65534:65534 '" + owned.string() + "'").c_str()), 0);
  }

  const std::vector<Broken> broken = {
      {"lock", "", ""}, // git status works beside a held index.lock, and so does mr
      {"corrupt", "the tree of HEAD cannot be read", ""},
      {"nohead", "HEAD names commit " + head + ", which cannot be read", ""},
      {"notrepo", "not a git repository", "not a git repository"},
      {"missing", "failed to chdir to " + (ws() / "missing").string(),
       "failed to chdir to " + (ws() / "missing").string()},
      {"owned", "owned by another user", "owned by another user"},
  };
  register_all({"corrupt", "good1", "lock", "missing", "nohead", "notrepo", "owned", "good2"});

  for (const std::string action : {"status", "diff"}) {
    const auto r = mr({action}, ws());
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    const auto body = blocks(r.out, action);
    for (const auto& good_repo : {"good1", "good2"}) {
      const auto dir = ws() / good_repo;
      const auto expected = action == "status" ? git_status_text(dir) : git_diff_text(dir);
      EXPECT_EQ(body.at(dir.string()), expected) << action << " " << good_repo;
    }
    const auto err = lines_of(r.err);
    std::size_t failing = 0;
    for (const auto& b : broken) {
      const auto dir = ws() / b.name;
      const auto& reason = action == "status" ? b.status_reason : b.diff_reason;
      // As myrepos, a repository that is not there gets its failure line but no header.
      const std::size_t headers = std::string_view(b.name) == "missing" ? 0 : 1;
      ASSERT_EQ(body.count(dir.string()), headers) << action << ": block for " << b.name;
      if (reason.empty()) {
        const auto expected = action == "status" ? git_status_text(dir) : git_diff_text(dir);
        EXPECT_EQ(body.at(dir.string()), expected) << action << " " << b.name;
        continue;
      }
      ++failing;
      std::size_t matches = 0;
      for (const auto& line : err) {
        if (line.rfind("mr " + action + ": ", 0) == 0 && line.find(reason) != std::string::npos) {
          ++matches;
        }
      }
      EXPECT_EQ(matches, 1U) << action << " " << b.name << ": wants one line with '" << reason
                             << "' in\n"
                             << r.err;
    }
    EXPECT_EQ(err.size(), failing) << r.err; // one line per failed repository, nothing else
    const std::size_t ok = 8 - failing;
    EXPECT_NE(r.out.find("mr " + action + ": finished (" + std::to_string(ok) + " ok; " +
                         std::to_string(failing) + " failed)\n"),
              std::string::npos)
        << r.out;
  }

  // summary: one line per repository; the broken ones say why, the good ones are intact.
  const auto s = mr({"--json", "summary"}, ws());
  EXPECT_EQ(s.exit_code, 1);
  const auto lines = lines_of(s.out);
  ASSERT_EQ(lines.size(), 9U) << s.out;
  for (const auto& line : lines) {
    const auto path = json_value(line, "path");
    if (path == "<missing>") {
      continue; // the closing summary object
    }
    const bool is_good =
        path.find("/good") != std::string::npos || path.find("/lock") != std::string::npos;
    EXPECT_EQ(json_value(line, "status"), is_good ? "\"ok\"" : "\"failed\"") << line;
    if (is_good) {
      EXPECT_EQ(json_value(line, "branch"), "\"main\"") << line;
      EXPECT_EQ(json_value(line, "modified"), "1") << line;
    } else {
      EXPECT_NE(json_value(line, "error"), "<missing>") << line;
    }
  }
}

TEST_F(BrokenRepos, AnUnreadableRepositoryFailsAlone) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to run mr as another user";
  }
  const auto ok = good("readable");
  const auto locked = good("unreadable");
  const auto expected = git_status_text(ok); // before the chown: git refuses others' repos
  ASSERT_EQ(std::system(("chown -R 65534:65534 '" + ws().string() + "'").c_str()), 0);
  ::chmod(locked.c_str(), 0);
  register_all({"readable", "unreadable"});
  for (const std::string action : {"status", "summary", "diff"}) {
    const auto r = mr({action}, ws(), {}, /*as_nobody=*/true);
    EXPECT_EQ(r.exit_code, 1) << action << r.out << r.err;
    // summary is a table: its failed row gives the reason in place of the counts.
    const auto& where = action == "summary" ? r.out : r.err;
    EXPECT_EQ(lines_of(r.err).size(), action == "summary" ? 0U : 1U) << action << r.err;
    EXPECT_NE(where.find("cannot read " + locked.string() + ": Permission denied"),
              std::string::npos)
        << action << where;
    EXPECT_NE(r.out.find("finished (1 ok; 1 failed)"), std::string::npos) << action << r.out;
    if (action == "status") {
      EXPECT_EQ(blocks(r.out, action).at(ok.string()), expected);
    }
  }
  ::chmod(locked.c_str(), 0755);
}

} // namespace mr::test
