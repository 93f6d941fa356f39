// What state a repository is in, read in process through libgit2 (no git child process):
// the facts behind `mr status` (the same text as myrepos' `git status -s`, unpushed
// branches and `git stash list`) and `mr summary` (branch, upstream, counts, operation in
// progress).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::git {

// One line of `git status -s`: X (index) and Y (work tree) as git prints them, '?' '?'
// for untracked, the path relative to the repository's top, and for a rename its source.
struct StatusEntry {
  char index = ' ';
  char worktree = ' ';
  std::string path;
  std::string from;
  bool unmerged = false;
};

struct Decoration {
  enum class Kind { head, branch, remote, tag, other, grafted };
  Kind kind;
  std::string name;   // as git prints it: "main", "origin/main", "v1.0", "refs/stash", "replaced"
  std::string target; // for "HEAD -> main": "main"; empty otherwise
};

// One line of `git log --oneline --decorate`.
struct LogLine {
  std::string abbrev;
  std::vector<Decoration> decorations;
  std::string subject;
};

enum class Operation { none, merge, rebase, cherry_pick, revert, bisect, apply_mailbox };

struct Upstream {
  std::string name;                 // "origin/main"
  bool gone = false;                // configured, but the remote-tracking branch does not exist
  std::optional<std::size_t> ahead; // unknown in shallow repositories
  std::optional<std::size_t> behind;
};

// An mr update interrupted in this repository (it left its note), or still running.
struct UpdateInProgress {
  std::string branch; // "main"
  std::string from;   // abbreviated commits: where the branch was, where it goes
  std::string to;
  bool running = false;  // the process that wrote the note still runs
  bool planning = false; // it had not changed anything yet (it only held index.lock)
  long pid = 0;
};

// git's colours for this text: escape sequences as the repository's configuration sets
// them (git's defaults when unset), and git's colour settings, which decide with mr's own
// choice whether they are used (git_colors()).
struct StatusColors {
  std::optional<std::string> status_setting; // color.status, else color.ui
  std::optional<std::string> log_setting;    // color.diff, else color.ui (git log's)
  std::string header;                        // color.status.header
  std::string added = "\033[32m";            // color.status.added (or .updated)
  std::string changed = "\033[31m";          // color.status.changed
  std::string untracked = "\033[31m";        // color.status.untracked
  std::string unmerged = "\033[31m";         // color.status.unmerged
  std::string local_branch = "\033[32m";     // color.status.localBranch
  std::string remote_branch = "\033[31m";    // color.status.remoteBranch
  std::string no_branch = "\033[31m";        // color.status.noBranch
  std::string commit = "\033[33m";           // color.diff.commit
  std::string head = "\033[1;36m";           // color.decorate.HEAD
  std::string branch = "\033[1;32m";         // color.decorate.branch
  std::string remote = "\033[1;31m";         // color.decorate.remoteBranch
  std::string tag = "\033[1;33m";            // color.decorate.tag
  std::string stash = "\033[1;35m";          // color.decorate.stash
  std::string grafted = "\033[1;34m";        // color.decorate.grafted
};

struct RepoStatus {
  std::vector<StatusEntry> changes;   // tracked paths, in git's order
  std::vector<StatusEntry> untracked; // then these
  std::vector<LogLine> unpushed;      // git log --branches --not --remotes --simplify-by-decoration
  std::vector<std::string> stashes;   // "stash@{0}: WIP on main: 1a2b3c4 subject"

  std::string branch; // the current branch ("" when detached)
  bool detached = false;
  bool unborn = false;
  std::string head_abbrev; // the commit HEAD points at, abbreviated; "" when unborn
  std::optional<Upstream> upstream;
  Operation operation = Operation::none;
  bool quote_path = true;     // core.quotePath
  bool relative_paths = true; // status.relativePaths: paths relative to where mr runs
  bool show_branch = false;   // status.branch: the "## branch...upstream" line first
  StatusColors colors;
  // What git status would print on stderr: tracked files that cannot be looked at
  // ("PATH: Permission denied") and directories that cannot be opened.
  std::vector<std::string> warnings;
  std::optional<UpdateInProgress> update; // an interrupted (or running) mr update

  std::size_t staged = 0;
  std::size_t modified = 0; // work tree changes to tracked files
  std::size_t conflicted = 0;
  std::size_t untracked_count = 0;
};

enum class Untracked { no, normal, all }; // git status -u<mode>

// Runs body(i) for every i in [0, n), possibly on several threads at once, and returns when
// every call has returned (the caller's executor lends its idle workers; see
// mr/task/parallel.hpp). Empty: the caller runs the loop itself.
using ParallelFor =
    std::function<void(std::size_t n, const std::function<void(std::size_t)>& body)>;

struct StatusRequest {
  std::filesystem::path repo;         // the work tree's top
  std::string prefix;                 // where mr runs, relative to the top ("" or "sub/dir/")
  bool unpushed_log = true;           // the unpushed commits (mr status)
  bool stashes = true;                // the stash list
  bool upstream = true;               // upstream, ahead and behind
  bool operation = true;              // the operation in progress (merge, rebase, ...)
  std::optional<Untracked> untracked; // override of status.showUntrackedFiles
  // The fast path: a repository proven clean (every tracked file's stat data matches the
  // index, nothing untracked, every branch on a remote-tracking branch, no stash, no
  // operation) is answered without libgit2's status machinery. Off: libgit2 always.
  bool fast_path = true;
  ParallelFor parallel; // lends idle workers to the stat work of a big repository
};

// Everything in RepoStatus, or one line saying why the repository cannot be read (not a
// repository, corrupt objects, a HEAD that names a missing commit, ...).
Result<RepoStatus> read_status(const StatusRequest& request, const std::stop_token& stop);

// Why libgit2 cannot read the index of the repository whose top is `repo` while git can:
// a required extension libgit2 1.5 does not know (a split index's "link", a sparse index's
// "sdir") or no checksum (index.skipHash). nullopt when none of these, and when the index
// is missing or damaged: then libgit2's own error stands. The actions that meet such a
// repository hand it to the git binary.
std::optional<std::string> index_libgit2_cannot_read(const std::filesystem::path& repo);

// What `mr summary` shows, from `git status --porcelain=v2 --branch` and `git stash list`
// (a repository libgit2 cannot read): branch, upstream, ahead and behind, the counts and
// the stashes. The operation in progress is not part of git's output (Operation::none);
// a detached HEAD is named by its first 7 hexadecimal digits.
RepoStatus status_from_porcelain_v2(std::string_view porcelain, std::string_view stash_list);

// The text `git status -s; git log ...; git stash list` prints (myrepos' `mr status`),
// with paths relative to `prefix`, quoted as git quotes them. `color` is mr's choice for
// its own output; git's colour settings in `status.colors` may override it, as they would
// for git itself.
std::string format_status(const RepoStatus& status, const std::string& prefix, bool color);

// "origin/main diverged: ahead 1, behind 2": how mr words a branch and its upstream that
// both have commits the other lacks, in `mr summary` and in the refusal of `mr update`.
std::string diverged_text(std::string_view upstream, std::size_t ahead, std::size_t behind);

// git's quoting of a path in status output (core.quotePath, spaces quoted).
std::string quote_path(const std::string& path, const std::string& prefix, bool quote_high);

} // namespace mr::git
