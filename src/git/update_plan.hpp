// Private to src/git: what a fast-forward from commit H to commit M may do to the index
// and the work tree, decided before anything is touched, with git's two-way merge rules
// (unpack-trees' twoway_merge, as `git pull --ff-only` applies them). For every path that
// differs between H and M:
//
//   - the index already holds M's version: kept as it is, work tree included;
//   - the index holds H's version: updated to M, if the work tree file is up to date
//     with the index (or missing); a path M adds needs nothing untracked in its way;
//   - anything else (a staged change, a staged deletion, a path added in the index): the
//     update is refused, naming the paths as git does.
//
// mr is stricter than git in three respects: an ignored file in the way is refused, not
// overwritten (it may be someone's .env); a changed path beyond a symbolic link in the work
// tree is refused (git may replace the link; mr never writes or deletes through one); and
// a sparse checkout, or a skip-worktree path the update changes, is left to git, which
// alone knows which paths belong in the work tree.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <git2.h>

#include <mr/util/fd.hpp>
#include <mr/util/result.hpp>

#include "index_file.hpp"

namespace mr::git {

struct TreeItem {
  std::uint32_t mode = 0;
  git_oid id{};
  bool gitlink() const { return mode == GIT_FILEMODE_COMMIT; }
};

// One path whose content or mode differs between the two commits.
struct PathChange {
  std::string path;
  std::optional<TreeItem> from; // in H
  std::optional<TreeItem> to;   // in M
};

// Every changed path (no rename detection), in the index's order.
Result<std::vector<PathChange>> changed_paths(git_repository* repo, git_tree* from, git_tree* to);

bool same_entry(const IndexFile& index, const IndexEntry* e, const std::optional<TreeItem>& t);

// Looks at the work tree files for the update, as git does: an entry's file is up to date
// when its stat data matches (and the entry is not racily clean) or its content hashes to
// the entry's object.
class Worktree {
public:
  Worktree(git_repository* repo, const IndexFile& index);
  Worktree(const Worktree&) = delete;
  Worktree& operator=(const Worktree&) = delete;

  enum class State { missing, matches, differs, unreadable };
  // git's verify_uptodate for a tracked entry.
  State check(const IndexEntry& e);
  // Does the file hold exactly this blob (content, file type, executable bit)?
  bool holds(const std::string& path, const TreeItem& item);
  // Is the file the first bytes of what checkout writes for this blob (a write cut short)?
  bool holds_prefix(const std::string& path, const TreeItem& item);
  // lstat relative to the work tree; 0 or the errno.
  int lstat(const std::string& path, struct stat& st) const;
  // Is one of the directories leading to `path` a symbolic link? git never follows one
  // (its has_symlink_leading_path): a file behind it is not the tracked file.
  bool beyond_symlink(const std::string& path);
  // core.sparseCheckout: which paths belong in the work tree is git's to decide.
  bool sparse() const { return m_sparse; }
  // Is a file of status `st` of the type an entry of `mode` records (and, with
  // core.filemode, of its executable bit)?
  bool type_matches(std::uint32_t mode, const struct stat& st) const;
  // The object name of the file's content as git would store it (through the clean
  // filters; a symlink's target), for an entry of `mode`; nullopt when it cannot be read.
  std::optional<git_oid> content_id(const std::string& path, std::uint32_t mode,
                                    const struct stat& st);
  const std::string& dir() const { return m_dir; }
  git_repository* repo() const { return m_repo; }
  // The stat data of every file check() found up to date, as it found it.
  const std::map<std::string, IndexStat>& seen() const { return m_seen; }
  // Those of `paths` whose file is no longer as check() saw it.
  std::vector<std::string> changed_since(const std::vector<std::string>& paths) const;
  // Are all the files in directory `path` ones `removable` accepts (empty dirs included)?
  // False too when there are more than a bound's worth of them.
  bool only_contains(const std::string& path,
                     const std::function<bool(const std::string&)>& removable) const;

private:
  git_repository* m_repo;
  const IndexFile& m_index;
  std::string m_dir;
  util::FdGuard m_dirfd;
  bool m_filemode = true;
  bool m_trustctime = true;
  bool m_symlinks = true;
  bool m_sparse = false;
  std::map<std::string, IndexStat> m_seen;
  std::map<std::string, bool> m_dir_is_link; // leading directories looked at, and the answer
};

struct UpdatePlan {
  std::vector<PathChange> changes;
  std::vector<std::size_t> apply; // the changes the update makes (the index holds H's version)
  // Refusals, by git's reason.
  std::vector<std::string> local_changes;
  std::vector<std::string> untracked_overwritten;
  std::vector<std::string> untracked_removed;
  std::vector<std::string> dirs_losing_untracked;
  std::vector<std::string> unsupported; // what mr leaves to git (a submodule changing type)
  std::vector<std::string> sparse;      // skip-worktree paths, or any in a sparse checkout
  std::vector<std::string> invalid;     // paths git refuses to check out (".git/...")
  std::vector<std::string> behind_link; // paths beyond a symbolic link in the work tree
  std::vector<std::string> filtered;    // paths whose filter driver (git-lfs, ...) mr cannot run
  std::set<std::string> filter_drivers; // their drivers' names

  bool refused() const {
    return !local_changes.empty() || !untracked_overwritten.empty() || !untracked_removed.empty() ||
           !dirs_losing_untracked.empty() || !unsupported.empty() || !sparse.empty() ||
           !invalid.empty() || !behind_link.empty() || !filtered.empty();
  }
  // One line naming the paths, as git's reasons.
  std::string refusal() const;
};

UpdatePlan plan_fast_forward(Worktree& wt, const IndexFile& index, std::vector<PathChange> changes);

// The paths of `changes` the update writes whose `filter` attribute (in the work tree, the
// index or the commit `target`) names a driver configured with a smudge or process
// command: git runs it (git-lfs fetches the real content), libgit2 does not, so such an
// update is left to git. The driver's names go in `drivers`.
std::vector<std::string> paths_with_filter_drivers(git_repository* repo, const git_oid& target,
                                                   const std::vector<PathChange>& changes,
                                                   std::set<std::string>& drivers);

// "a, b, c and 4 more"
std::string first_few(const std::vector<std::string>& paths);

} // namespace mr::git
