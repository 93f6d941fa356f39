// The corpus of myrepos registries for `mr import` (tests/data/myrepos-import/CASE/), and
// what the import tests share: laying a case out in a throwaway $HOME, running both tools,
// and checking what `mr import` promises about its own output.
//
// A case is a directory holding `home/` (copied into $HOME: the .mrconfig and whatever it
// includes or chains) and `case.txt`, one directive a line (# starts a comment):
//   repo PATH                a git repository (one commit on main, an origin remote)
//   bare PATH [KEY=VALUE]    a bare repository, with that git config set
//   dir PATH                 a plain directory (a fake svn/hg checkout: dir src/x/.svn)
//   remote NAME [BRANCH...]  a bare remote ROOT/remotes/NAME.git with main and BRANCHes
//   submodule NAME SUB PATH  adds remote SUB as a submodule at PATH to remote NAME's main
//   symlink LINK TARGET      a symbolic link in $HOME
//   env NAME=VALUE           in the environment of every run, of both tools
//   import ARG...            the arguments after `mr import` (default: none)
//   import-exit N            its expected exit status (default 0)
//   run [@DIR] ARG...        run both tools from DIR (default $HOME) with ARGs; their stdout
//                            and exit status must be the same
//   rm PATH                  remove PATH (between runs; replayed for each tool)
// In case.txt and in every file under home/, @HOME@, @ROOT@ and @REMOTES@ stand for the
// temporary $HOME, the test's root directory and ROOT/remotes.
#pragma once

#include <string>
#include <vector>

#include "myrepos_fixture.hpp"

namespace mr::test {

// Where the corpus lives in the source tree.
inline fs::path import_corpus_dir() {
  return fs::path(MR_SOURCE_DIR) / "tests" / "data" / "myrepos-import";
}

// The names of the corpus cases, sorted.
std::vector<std::string> import_corpus_cases();

// One `run` or `rm` step of a case.
struct CorpusStep {
  bool remove = false;
  fs::path dir; // relative to $HOME; empty for $HOME
  std::vector<std::string> args;
};

struct CorpusCase {
  std::vector<std::vector<std::string>> setup; // repo/bare/dir/remote/symlink directives
  std::map<std::string, std::string> env;
  std::vector<std::string> import_args;
  int import_exit = 0;
  std::vector<CorpusStep> steps;
};

// What one `mr import` wrote: the files named by its `mr import: wrote OUT (N repositories)`
// lines, in order.
std::vector<fs::path> written_files(const std::string& import_stdout);

class ImportTest : public MyreposTest {
protected:
  // `text` with the @...@ placeholders replaced.
  std::string substitute(std::string text) const;
  // Reads tests/data/myrepos-import/NAME/case.txt.
  CorpusCase load_case(const std::string& name) const;
  // Copies the case's home/ into $HOME, then builds its repositories.
  void lay_out(const std::string& name, const CorpusCase& c);

  // A bare remote ROOT/remotes/NAME.git with a commit on main and one on each of `branches`.
  fs::path make_remote(const std::string& name, const std::vector<std::string>& branches);
  void add_submodule(const std::string& remote, const std::string& sub, const std::string& path);

  RunResult import(const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env = {});
  // Every file under $HOME (and the test root's other directories), with its contents, so
  // a test can tell that a run wrote nothing.
  std::map<std::string, std::string> snapshot() const;

  // What every import promises: stderr holds only `mr import: FILE:LINE: WHAT; SUGGESTION`
  // reports (and `mr: error:` lines when it failed).
  void check_report_lines(const RunResult& r) const;
  // `mr import --dry-run` printed (`dry_out`) exactly the files the import wrote (each after
  // a `# ==> PATH <==` line when there are several).
  void expect_dry_run_matches(const std::string& dry_out,
                              const std::vector<fs::path>& written) const;
};

} // namespace mr::test
