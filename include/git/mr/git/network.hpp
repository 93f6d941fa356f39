// The network actions, in process through libgit2: `mr fetch`, `mr update` (fetch, then
// fast-forward only, never touching local work) and `mr checkout` (clone). Nothing ever
// prompts: credentials come from ssh-agent, the ssh key files and git's credential
// helpers; host keys are checked against known_hosts and an unknown or changed key fails.
// Cancellation (Ctrl-C, --timeout, --fail-fast) reaches a transfer wherever it is blocked.
//
// What these need from the layers above comes in through NetContext: a way to run helper
// programs (git credential, ssh -G, ssh-keygen, and git itself for remotes libgit2 cannot
// serve), progress reporting and the per-host connection limit.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::git {

namespace fs = std::filesystem;

// How a repository's remotes are reached: `automatic` uses libgit2 unless the remote needs
// what it lacks (an ssh ProxyCommand or ProxyJump, a transport helper such as
// "ext::"), then the git binary; the others force one way.
enum class Transport { automatic, libgit2, git };

struct TransferProgress {
  std::size_t received_objects = 0;
  std::size_t total_objects = 0;
  std::size_t indexed_deltas = 0;
  std::size_t total_deltas = 0;
  std::size_t received_bytes = 0;
  bool checking_out = false; // clone: writing the work tree
  std::size_t checked_out = 0;
  std::size_t to_check_out = 0;
};

struct ProgramResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

struct NetContext {
  std::stop_token stop;
  // Runs a helper program in `cwd` with `input` on its stdin; never prompts (the caller
  // sets GIT_TERMINAL_PROMPT=0 and friends). Cancelled by `stop`.
  std::function<Result<ProgramResult>(const std::vector<std::string>& argv,
                                      const std::string& input, const fs::path& cwd)>
      run;
  std::function<void(const TransferProgress&)> progress; // may be empty
  // Holds one of the host's connection slots while the returned handle lives; a null
  // handle means the wait was cancelled. May be empty (no limit).
  std::function<std::shared_ptr<void>(const std::string& host)> host_slot;
  Transport transport = Transport::automatic;
  // A connection that moves no byte for this long fails (zero: no limit).
  std::chrono::milliseconds idle{0};
  fs::path home; // ~ for ~/.ssh and the known_hosts files
};

struct FetchResult {
  std::string text;        // what git fetch prints: "Fetching NAME", "From URL", ref lines
  std::string out;         // the part of it git prints on stdout ("Fetching NAME")
  std::string err;         // and on stderr (the rest), each in order
  std::size_t updated = 0; // refs created, moved or pruned
};

// `git fetch --all --prune --tags`, except that tags are never pruned (a tag made here and
// not pushed is the user's work).
Result<FetchResult> fetch_all(const fs::path& repo, const NetContext& net);

struct UpdateResult {
  enum class Kind { up_to_date, fast_forwarded, skipped };
  Kind kind = Kind::up_to_date;
  std::string text;   // the fetch's lines, then git pull's: "Already up to date." or
                      // "Updating A..B", "Fast-forward" and the diffstat
  std::string out;    // the part of it git pull prints on stdout (its own lines)
  std::string err;    // and on stderr (the fetch's)
  std::string reason; // for skipped: why (detached HEAD, unborn branch, no upstream)
};

// Fetches the current branch's remote, then fast-forwards the branch to its upstream if,
// and only if, no local change is in the way; otherwise fails naming the files, with
// nothing changed. A diverged branch fails with diverged_text() (status.hpp). A lock file
// or an operation in progress fails before anything is touched. `stat_width` is the
// diffstat's width (git's term_columns()).
Result<UpdateResult> update(const fs::path& repo, const NetContext& net, std::size_t stat_width);

// Clones `url` (its `branch`, else the remote's HEAD) into `dest`, which must not exist.
// `parent` is dest's parent directory, open (O_DIRECTORY; for a path an untrusted registry
// names, opened beneath the confining directory without following symlinks: see
// util::open_directories_beneath): the clone is made in that directory, whatever is
// renamed or swapped into its path meanwhile. It is made beside `dest` and renamed into
// place when complete, so a failed or cancelled clone leaves nothing behind. Returns git
// clone's lines ("Cloning into...").
Result<std::string> clone(const std::string& url, const std::optional<std::string>& branch,
                          int parent, const fs::path& dest, const NetContext& net);

} // namespace mr::git
