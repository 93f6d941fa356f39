#include "git_states.hpp"

#include <sys/stat.h>

namespace mr::test {

fs::path GitStates::cloned(const std::string& name) {
  const auto seed = root() / "seed" / name;
  fs::create_directories(seed);
  g(seed, {"init", "-q", "-b", "main"});
  put(seed, "README", "hello\nworld\n");
  put(seed, "src/lib.c",
      "int add(int a, int b)\n{\n  return a + b;\n}\n\nint sub(int a, int b)\n{\n  return a - "
      "b;\n}\n");
  put(seed, "data.bin", std::string("\x00\x01\x02binary\x00\xff", 11));
  put(seed, "notes.txt", "no newline at the end");
  put(seed, "a-b", "dash\n");
  put(seed, "script.sh", "#!/bin/sh\necho hi\n");
  g(seed, {"add", "-A"});
  g(seed, {"commit", "-q", "-m", "initial import"});
  commit_change(seed, "README", "hello\nworld\nagain\n", "second commit\n\nwith a body");
  const auto bare = root() / "remotes" / (name + ".git");
  fs::create_directories(bare.parent_path());
  g(root(), {"clone", "-q", "--bare", seed.string(), bare.string()});
  const auto repo = root() / "ws" / name;
  fs::create_directories(repo.parent_path());
  g(root(), {"clone", "-q", bare.string(), repo.string()});
  return repo;
}

void GitStates::put(const fs::path& dir, const std::string& rel, const std::string& content) {
  write_file(dir / rel, content);
}

void GitStates::commit_change(const fs::path& dir, const std::string& file,
                              const std::string& content, const std::string& message) {
  put(dir, file, content);
  g(dir, {"add", file});
  g(dir, {"commit", "-q", "-m", message});
}

std::string GitStates::git_status_text(const fs::path& cwd) {
  RunOptions options;
  options.cwd = cwd;
  options.env = env_for(cwd);
  options.env["GIT_PAGER"] = "cat";
  const auto r = run({"sh", "-c",
                      "git status -s || true; git --no-pager log --branches --not --remotes "
                      "--simplify-by-decoration --decorate --oneline || true; git --no-pager "
                      "stash list"},
                     options);
  return r.out + r.err;
}

void GitStates::register_only(const fs::path& cwd) {
  auto top = g(cwd, {"rev-parse", "--show-toplevel"});
  top.pop_back();
  write_file(registry(), "[repos.\"" + top + "\"]\n");
}

std::string GitStates::one_block(const std::vector<std::string>& args, const fs::path& cwd,
                                 const std::map<std::string, std::string>& env) {
  const auto r = mr(args, cwd, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // The action is the first word that is neither an option nor an option's value.
  std::string action;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--color" || a == "-c" || a == "-d" || a == "-g" || a == "--order" ||
        a == "--timeout") {
      ++i;
    } else if (a.empty() || a[0] != '-') {
      action = a;
      break;
    }
  }
  const auto first_nl = r.out.find('\n');
  const auto end = r.out.rfind("\n\nmr " + action + ": finished");
  if (first_nl == std::string::npos || end == std::string::npos || end < first_nl) {
    ADD_FAILURE() << "unexpected output:\n" << r.out << r.err;
    return {};
  }
  return r.out.substr(first_nl + 1, end + 1 - (first_nl + 1));
}

namespace {

// A second clone that pushes a commit, so the first one can fetch and be behind.
void push_from_elsewhere(GitStates& t, const std::string& name, const std::string& file,
                         const std::string& content) {
  const auto other = t.root() / "others" / name;
  fs::create_directories(other.parent_path());
  t.g(t.root(), {"clone", "-q", (t.root() / "remotes" / (name + ".git")).string(), other.string()});
  t.commit_change(other, file, content, "upstream change to " + file);
  t.g(other, {"push", "-q", "origin", "main"});
}

} // namespace

// The states libgit2 reads as git does by itself.
static std::vector<RepoState> base_states();

std::vector<RepoState> repo_states() {
  auto states = base_states();
  for (auto& s : exact_states()) {
    states.push_back(std::move(s));
  }
  return states;
}

static std::vector<RepoState> base_states() {
  using T = GitStates;
  return {
      {"clean", [](T& t, const std::string& n) { return t.cloned(n); }},
      {"modified",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.put(r, "README", "changed\n");
         return r;
       }},
      {"staged",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.put(r, "src/lib.c", "changed\n");
         t.put(r, "new.txt", "new\n");
         t.g(r, {"add", "src/lib.c", "new.txt"});
         return r;
       }},
      {"staged_and_modified",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.put(r, "README", "one\n");
         t.g(r, {"add", "README"});
         t.put(r, "README", "two\n");
         t.put(r, "added.txt", "a\n");
         t.g(r, {"add", "added.txt"});
         t.put(r, "added.txt", "b\n");
         return r;
       }},
      {"deleted",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         fs::remove(r / "README");
         t.g(r, {"rm", "-q", "notes.txt"});
         t.put(r, "gone-later.txt", "x\n");
         t.g(r, {"add", "gone-later.txt"});
         fs::remove(r / "gone-later.txt");
         return r;
       }},
      {"removed_from_the_index_kept_on_disk",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"rm", "-q", "--cached", "notes.txt"}); // git: "D  notes.txt", "?? notes.txt"
         return r;
       }},
      {"intent_to_add",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.put(r, "later.txt", "x\n");
         t.put(r, "later-gone.txt", "y\n");
         t.g(r, {"add", "-N", "later.txt", "later-gone.txt"}); // git: " A later.txt"
         fs::remove(r / "later-gone.txt");
         return r;
       }},
      {"fifo_in_place_of_a_file",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         fs::remove(r / "notes.txt");
         if (::mkfifo((r / "notes.txt").c_str(), 0644) != 0) { // git: " M notes.txt"
           throw std::runtime_error("mkfifo failed");
         }
         return r;
       }},
      {"sparse_checkout",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"sparse-checkout", "set", "--no-cone", "src/"}); // the rest: skip-worktree
         return r;
       }},
      {"staged_rename",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"mv", "src/lib.c", "src/library.c"});
         t.g(r, {"mv", "README", "README.md"});
         return r;
       }},
      {"untracked_files_and_dirs",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.put(r, "loose.txt", "x\n");
         t.put(r, "newdir/a.txt", "a\n");
         t.put(r, "newdir/deeper/b.txt", "b\n");
         t.put(r, "src/extra.h", "h\n");
         fs::create_directories(r / "emptydir");
         return r;
       }},
      {"ignored",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.commit_change(r, ".gitignore", "*.o\nbuild/\n", "ignore build output");
         t.put(r, "main.o", "obj\n");
         t.put(r, "build/out.bin", "bin\n");
         t.put(r, "mixed/keep.txt", "k\n");
         t.put(r, "mixed/skip.o", "o\n");
         t.put(r, "onlyignored/x.o", "o\n");
         return r;
       }},
      {"merge_conflict",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"checkout", "-q", "-b", "topic"});
         t.commit_change(r, "README", "topic side\n", "topic edit");
         t.commit_change(r, "both-added.txt", "topic\n", "topic adds");
         t.g(r, {"rm", "-q", "notes.txt"});
         t.g(r, {"commit", "-q", "-m", "topic deletes notes"});
         t.g(r, {"checkout", "-q", "main"});
         t.commit_change(r, "README", "main side\n", "main edit");
         t.commit_change(r, "both-added.txt", "main\n", "main adds");
         t.commit_change(r, "notes.txt", "main edits notes\n", "main edits notes");
         t.g_result(r, {"merge", "-q", "topic"}); // conflicts
         return r;
       }},
      {"rebase_in_progress",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"checkout", "-q", "-b", "feature"});
         t.commit_change(r, "README", "feature\n", "feature edit");
         t.g(r, {"checkout", "-q", "main"});
         t.commit_change(r, "README", "main\n", "main edit");
         t.g(r, {"checkout", "-q", "feature"});
         t.g_result(r, {"rebase", "-q", "main"}); // stops on the conflict
         return r;
       }},
      {"detached_head",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"checkout", "-q", "--detach", "HEAD~1"});
         t.put(r, "README", "edit while detached\n");
         return r;
       }},
      {"unborn_branch",
       [](T& t, const std::string& n) {
         const auto r = t.root() / "ws" / n;
         fs::create_directories(r);
         t.g(r, {"init", "-q", "-b", "trunk"});
         t.put(r, "staged.txt", "s\n");
         t.g(r, {"add", "staged.txt"});
         t.put(r, "untracked.txt", "u\n");
         return r;
       }},
      {"no_upstream",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"checkout", "-q", "-b", "local-only"});
         t.commit_change(r, "README", "local\n", "local work");
         return r;
       }},
      {"upstream_gone",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"checkout", "-q", "-b", "feature"});
         t.commit_change(r, "README", "feature\n", "feature work");
         t.g(r, {"push", "-q", "-u", "origin", "feature"});
         t.g(t.root() / "remotes" / (n + ".git"), {"branch", "-q", "-D", "feature"});
         t.g(r, {"fetch", "-q", "--prune"});
         return r;
       }},
      {"ahead",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.commit_change(r, "README", "ahead 1\n", "ahead one");
         t.commit_change(r, "README", "ahead 2\n", "ahead two");
         t.g(r, {"tag", "v1.0"});
         t.g(r, {"tag", "-a", "-m", "annotated", "v1.1", "HEAD~1"});
         t.g(r, {"branch", "side", "HEAD~1"});
         return r;
       }},
      {"behind",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         push_from_elsewhere(t, n, "README", "upstream\n");
         t.g(r, {"fetch", "-q"});
         return r;
       }},
      {"diverged",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         push_from_elsewhere(t, n, "src/lib.c", "upstream\n");
         t.g(r, {"fetch", "-q"});
         t.commit_change(r, "README", "local\n", "local work");
         return r;
       }},
      {"stashes",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.put(r, "README", "stash one\n");
         t.g(r, {"stash", "-q"});
         t.put(r, "README", "stash two\n");
         t.g(r, {"stash", "push", "-q", "-m", "my message"});
         return r;
       }},
      {"submodule",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         const auto sub_remote = t.cloned(n + "-sub");
         t.g(r, {"-c", "protocol.file.allow=always", "submodule", "add", "-q",
                 (t.root() / "remotes" / (n + "-sub.git")).string(), "modules/sub"});
         t.g(r, {"commit", "-q", "-m", "add submodule"});
         (void)sub_remote;
         t.g(r, {"-c", "protocol.file.allow=always", "submodule", "add", "-q",
                 (t.root() / "remotes" / (n + "-sub.git")).string(), "modules/sub2"});
         t.g(r, {"-c", "protocol.file.allow=always", "submodule", "add", "-q",
                 (t.root() / "remotes" / (n + "-sub.git")).string(), "modules/sub3"});
         t.g(r, {"commit", "-q", "-m", "more submodules"});
         t.put(r / "modules/sub", "README", "modified inside\n");                   // m
         t.put(r / "modules/sub2", "untracked-inside", "u\n");                      // ?
         t.commit_change(r / "modules/sub3", "README", "x\n", "new commit inside"); // M
         return r;
       }},
      {"linked_worktree",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         const auto wt = t.root() / "ws" / (n + "-wt");
         t.g(r, {"worktree", "add", "-q", "-b", "wt-branch", wt.string()});
         t.put(wt, "README", "in the worktree\n");
         t.commit_change(wt, "wt.txt", "w\n", "worktree commit");
         t.put(wt, "untracked", "u\n");
         return wt;
       }},
      {"symlink",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         fs::create_symlink("README", r / "link");
         t.g(r, {"add", "link"});
         t.g(r, {"commit", "-q", "-m", "add a link"});
         fs::remove(r / "link");
         fs::create_symlink("notes.txt", r / "link");
         fs::remove(r / "a-b");
         fs::create_symlink("README", r / "a-b"); // file -> symlink: type change
         return r;
       }},
      {"exec_bit",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         ::chmod((r / "script.sh").c_str(), 0755);
         return r;
       }},
      {"crlf_autocrlf",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"config", "core.autocrlf", "true"});
         t.put(r, "README", "hello\r\nworld\r\nagain\r\n"); // same content, CRLF: clean
         t.put(r, "a-b", "dash\r\nmore\r\n");               // a real change
         return r;
       }},
      {"unicode_and_spaces",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.commit_change(r, "café ✓.txt", "u\n", "unicode name");
         t.commit_change(r, "with space.txt", "s\n", "space name");
         t.put(r, "café ✓.txt", "changed\n");
         t.put(r, "with space.txt", "changed\n");
         t.put(r, "new ünïcode dir/x", "x\n");
         t.put(r, "quote\"and\\back", "q\n");
         t.put(r, "tab\tname", "t\n");
         return r;
       }},
      {"touched_files",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         for (const char* f : {"README", "src/lib.c", "data.bin", "notes.txt", "a-b"}) {
           const auto p = r / f;
           fs::last_write_time(p, fs::last_write_time(p) + std::chrono::hours(1));
         }
         return r;
       }},
      {"binary_file",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.put(r, "data.bin", std::string("\x00\x09\x08changed\x00", 10));
         return r;
       }},
      {"no_newline_at_eof",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.put(r, "notes.txt", "no newline at the end, changed");
         t.put(r, "README", "hello\nworld\nagain");
         return r;
       }},
      {"from_a_subdirectory",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.put(r, "README", "changed\n");
         t.put(r, "src/lib.c", "changed\n");
         t.put(r, "src/new.c", "n\n");
         t.put(r, "src/deep/x.c", "x\n");
         t.put(r, "top.txt", "t\n");
         return r / "src";
       }},
      {"many_branches_unpushed",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"checkout", "-q", "-b", "b-one"});
         t.commit_change(r, "one.txt", "1\n", "one");
         t.g(r, {"checkout", "-q", "-b", "b-two", "main"});
         t.commit_change(r, "two.txt", "2\n", "two");
         t.commit_change(r, "two.txt", "22\n", "two again");
         t.g(r, {"checkout", "-q", "main"});
         t.g(r, {"merge", "-q", "--no-ff", "-m", "merge b-one", "b-one"});
         return r;
       }},
      {"undecorated_merge_joining_two_lines",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"checkout", "-q", "-b", "b1"});
         t.commit_change(r, "f1", "1\n", "b1 work");
         t.g(r, {"checkout", "-q", "-b", "b2", "main"});
         t.commit_change(r, "f2", "2\n", "b2 work");
         t.g(r, {"checkout", "-q", "main"});
         t.g(r, {"merge", "-q", "--no-ff", "-m", "merge b1", "b1"});
         t.g(r, {"merge", "-q", "--no-ff", "-m", "merge b2", "b2"});
         t.commit_change(r, "f3", "3\n", "on top");
         return r;
       }},
      {"upstream_merged_into_local_work",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         push_from_elsewhere(t, n, "src/lib.c", "upstream\n");
         t.commit_change(r, "README", "local\n", "local work");
         t.g(r, {"fetch", "-q"});
         t.g(r, {"merge", "-q", "--no-ff", "-m", "merge upstream", "origin/main"});
         t.commit_change(r, "README", "more local\n", "more local work");
         return r;
       }},
      {"detached_on_unpushed_commit",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.commit_change(r, "README", "a\n", "unpushed a");
         t.commit_change(r, "README", "b\n", "unpushed b");
         t.g(r, {"checkout", "-q", "--detach", "HEAD~1"});
         return r;
       }},
      {"no_remote_at_all",
       [](T& t, const std::string& n) {
         const auto r = t.root() / "ws" / n;
         fs::create_directories(r);
         t.g(r, {"init", "-q", "-b", "main"});
         t.commit_change(r, "a", "a\n", "first");
         t.commit_change(r, "b", "b\n", "second\n\nbody text");
         t.g(r, {"branch", "old", "HEAD~1"});
         t.g(r, {"checkout", "-q", "-b", "topic"});
         t.commit_change(r, "c", "c\n", "  topic   subject  \nsecond line of the subject");
         return r;
       }},
      {"empty_root_commit",
       [](T& t, const std::string& n) {
         const auto r = t.root() / "ws" / n;
         fs::create_directories(r);
         t.g(r, {"init", "-q", "-b", "main"});
         t.g(r, {"commit", "-q", "--allow-empty", "-m", "empty root"});
         t.commit_change(r, "a", "a\n", "real work");
         return r;
       }},
      {"independent_root_merged",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"checkout", "-q", "--orphan", "side"});
         t.g(r, {"rm", "-rq", "--cached", "."});
         t.commit_change(r, "side.txt", "s\n", "independent root");
         t.g(r, {"checkout", "-q", "-f", "main"});
         t.g(r, {"merge", "-q", "--allow-unrelated-histories", "-m", "merge side", "side"});
         t.g(r, {"branch", "-q", "-D", "side"});
         return r;
       }},
  };
}

} // namespace mr::test
