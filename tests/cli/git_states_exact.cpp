// States where libgit2's view of a repository departs from git's unless mr corrects it:
// paths deleted in the index but kept in the work tree, rename pairing, which refs
// `git log --decorate` shows, and index extensions libgit2 cannot read (such repositories
// are handed to the git binary).
#include <fstream>

#include "git_states.hpp"

namespace mr::test {

namespace {

// `lines` numbered lines starting at `from`, each `tag`ged: text with a known similarity.
std::string numbered(int from, int lines, const std::string& tag = "line") {
  std::string out;
  for (int i = from; i < from + lines; ++i) {
    out += tag + " " + std::to_string(i) + " of a file long enough to compare\n";
  }
  return out;
}

fs::path fresh(GitStates& t, const std::string& name) {
  const auto r = t.root() / "ws" / name;
  fs::create_directories(r);
  t.g(r, {"init", "-q", "-b", "main"});
  return r;
}

} // namespace

std::vector<RepoState> exact_states() {
  using T = GitStates;
  return {
      {"index_deletions_kept_on_disk",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.commit_change(r, ".gitignore", "*.o\n", "ignore objects");
         t.put(r, "dir/a", "a\n");
         t.put(r, "dir/deeper/b", "b\n");
         t.put(r, "part/kept", "k\n");
         t.put(r, "part/gone", "g\n");
         t.put(r, "obj.o", "o\n");
         t.g(r, {"add", "-f", "dir", "part", "obj.o"});
         t.g(r, {"commit", "-q", "-m", "more files"});
         // A whole directory, one file of another, an ignored file: "D " and (unless
         // ignored) "??", the directory collapsed under -unormal.
         t.g(r, {"rm", "-q", "-r", "--cached", "dir", "part/gone", "obj.o"});
         // A rename whose source stays on disk: "R  src/lib.c -> lib2.c" and "?? src/lib.c".
         fs::copy_file(r / "src/lib.c", r / "lib2.c");
         t.g(r, {"add", "lib2.c"});
         t.g(r, {"rm", "-q", "--cached", "src/lib.c"});
         return r;
       }},
      {"rename_pairing_as_git",
       [](T& t, const std::string& n) {
         auto r = fresh(t, n);
         t.put(r, "a/x", numbered(1, 30));
         t.put(r, "b/y", numbered(1, 30)); // the same content as a/x
         t.put(r, "a/p", numbered(100, 30));
         t.put(r, "b/q", numbered(100, 30)); // the same content as a/p
         t.put(r, "one/foo.c", numbered(200, 20));
         t.put(r, "src/A", numbered(300, 20, "alpha"));
         t.put(r, "src/B", numbered(300, 20, "beta"));
         t.put(r, "empty1", "");
         t.g(r, {"add", "-A"});
         t.g(r, {"commit", "-q", "-m", "files to rename"});
         // Exact renames: the source with the destination's basename wins.
         fs::create_directories(r / "c");
         fs::create_directories(r / "d");
         t.g(r, {"mv", "a/x", "c/y"});
         t.g(r, {"mv", "b/y", "d/x"});
         // Equal scores: the same basename first.
         t.g(r, {"rm", "-q", "a/p", "b/q"});
         t.put(r, "c/q", numbered(100, 30) + "extra\n");
         t.put(r, "d/p", numbered(100, 30) + "other\n");
         // The same basename is paired before a more similar other name (at 75%).
         t.g(r, {"rm", "-q", "one/foo.c"});
         t.put(r, "two/foo.c", numbered(200, 17) + numbered(900, 3));
         t.put(r, "two/bar.c", numbered(200, 20) + "x\n");
         // libgit2's greedy pairing drops a pair git's global order keeps.
         t.g(r, {"rm", "-q", "src/A", "src/B"});
         t.put(r, "dst/X",
               numbered(300, 12, "alpha") + numbered(300, 8, "gamma") + numbered(310, 2, "beta"));
         t.put(r, "dst/Y", numbered(300, 18, "beta") + numbered(312, 3, "alpha"));
         // An empty file renamed.
         t.g(r, {"mv", "empty1", "empty2"});
         // Sizes too different to reach the minimum score.
         t.put(r, "small", numbered(400, 3));
         t.g(r, {"add", "small"});
         t.g(r, {"commit", "-q", "-m", "small file"});
         t.g(r, {"rm", "-q", "small"});
         t.put(r, "large", numbered(400, 3) + numbered(500, 4, "padding"));
         t.g(r, {"add", "-A"});
         return r;
       }},
      {"decorations_git_shows",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.commit_change(r, "README", "unpushed 1\n", "unpushed one");
         t.g(r, {"symbolic-ref", "refs/foo/bar", "refs/heads/main"});
         t.g(r, {"update-ref", "refs/other/plain", "HEAD"});
         t.commit_change(r, "README", "unpushed 2\n", "unpushed two");
         t.g(r, {"notes", "add", "-m", "a note", "HEAD"});
         t.g(r, {"update-ref", "refs/keep/old", "HEAD~1"}); // alone: no decoration
         t.g(r, {"symbolic-ref", "refs/heads/alias", "refs/heads/main"});
         t.g(r, {"tag", "v2"});
         t.commit_change(r, "README", "unpushed 3\n", "unpushed three");
         // A replace ref: its original is decorated "replaced".
         const auto tree = t.g(r, {"rev-parse", "HEAD^{tree}"});
         const auto parent = t.g(r, {"rev-parse", "HEAD~1"});
         auto replacement = t.g(r, {"commit-tree", tree.substr(0, tree.size() - 1), "-p",
                                    parent.substr(0, parent.size() - 1), "-m", "unpushed three"});
         replacement.pop_back();
         t.g(r, {"replace", "HEAD", replacement});
         t.put(r, "README", "stashed\n");
         t.g(r, {"stash", "-q"});
         return r;
       }},
      {"split_index",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"config", "core.splitIndex", "true"});
         t.g(r, {"update-index", "--split-index"}); // the "link" extension
         t.put(r, "README", "changed\n");
         t.put(r, "new.txt", "n\n");
         t.g(r, {"add", "new.txt"});
         t.put(r, "untracked.txt", "u\n");
         t.commit_change(r, "a-b", "unpushed\n", "unpushed work");
         return r;
       }},
      {"sparse_index",
       [](T& t, const std::string& n) {
         auto r = t.cloned(n);
         t.g(r, {"sparse-checkout", "init", "--cone", "--sparse-index"}); // "sdir"
         t.g(r, {"sparse-checkout", "set", "src"});
         t.put(r, "src/lib.c", "changed\n");
         t.put(r, "README", "changed\n");
         return r;
       }},
  };
}

} // namespace mr::test
