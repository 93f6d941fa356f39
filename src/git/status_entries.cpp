// The per-file lines of `mr status`: git status --short's letters for each entry of
// libgit2's status list (see status_entries.hpp).
#include "status_entries.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/util/fd.hpp>
#include <mr/util/strings.hpp>

#include "error.hpp"
#include "handles.hpp"

namespace mr::git {

namespace {

// The two letters git shows for an unmerged path (wt-status.c): which stages exist.
std::pair<char, char> unmerged_letters(git_index* index, const char* path) {
  const git_index_entry* ancestor = nullptr;
  const git_index_entry* ours = nullptr;
  const git_index_entry* theirs = nullptr;
  if (index == nullptr || git_index_conflict_get(&ancestor, &ours, &theirs, index, path) != 0) {
    return {'U', 'U'};
  }
  const int mask =
      (ancestor != nullptr ? 1 : 0) | (ours != nullptr ? 2 : 0) | (theirs != nullptr ? 4 : 0);
  switch (mask) {
  case 1:
    return {'D', 'D'};
  case 2:
    return {'A', 'U'};
  case 3:
    return {'U', 'D'};
  case 4:
    return {'U', 'A'};
  case 5:
    return {'D', 'U'};
  case 6:
    return {'A', 'A'};
  default:
    return {'U', 'U'};
  }
}

char index_letter(unsigned s) {
  if ((s & GIT_STATUS_INDEX_NEW) != 0) {
    return 'A';
  }
  if ((s & GIT_STATUS_INDEX_RENAMED) != 0) {
    return 'R';
  }
  if ((s & GIT_STATUS_INDEX_DELETED) != 0) {
    return 'D';
  }
  if ((s & GIT_STATUS_INDEX_TYPECHANGE) != 0) {
    return 'T';
  }
  if ((s & GIT_STATUS_INDEX_MODIFIED) != 0) {
    return 'M';
  }
  return ' ';
}

// The index column, with the renames git pairs: 'R' for a destination, nothing for its
// source (its line is the destination's).
char staged_letter(const Scan& scan, unsigned s, const std::string& path) {
  if ((s & GIT_STATUS_INDEX_NEW) != 0 && scan.renames.from.count(path) != 0) {
    return 'R';
  }
  if ((s & GIT_STATUS_INDEX_DELETED) != 0 && scan.renames.sources.count(path) != 0) {
    return ' ';
  }
  return index_letter(s);
}

char worktree_letter(unsigned s) {
  if ((s & GIT_STATUS_WT_DELETED) != 0) {
    return 'D';
  }
  if ((s & GIT_STATUS_WT_TYPECHANGE) != 0) {
    return 'T';
  }
  if ((s & GIT_STATUS_WT_RENAMED) != 0) {
    return 'R';
  }
  if ((s & GIT_STATUS_WT_MODIFIED) != 0) {
    return 'M';
  }
  return ' ';
}

// A submodule's work tree column (wt-status.c, short format): 'M' new commits, 'm'
// modified content, '?' untracked content.
char submodule_letter(git_repository* repo, const char* path, bool untracked) {
  unsigned int st = 0;
  if (git_submodule_status(&st, repo, path,
                           untracked ? GIT_SUBMODULE_IGNORE_UNSPECIFIED
                                     : GIT_SUBMODULE_IGNORE_UNTRACKED) != 0) {
    return 'M';
  }
  if ((st & GIT_SUBMODULE_STATUS_WD_MODIFIED) != 0) {
    return 'M';
  }
  if ((st & (GIT_SUBMODULE_STATUS_WD_INDEX_MODIFIED | GIT_SUBMODULE_STATUS_WD_WD_MODIFIED)) != 0) {
    return 'm';
  }
  if ((st & GIT_SUBMODULE_STATUS_WD_UNTRACKED) != 0) {
    return '?';
  }
  return ' ';
}

// The extended flags (skip-worktree, intent-to-add) of the stage-0 index entry for `path`.
unsigned short index_flags(git_index* index, const char* path) {
  const git_index_entry* e = index != nullptr ? git_index_get_bypath(index, path, 0) : nullptr;
  return e != nullptr ? e->flags_extended : 0;
}

// lstat's errno for a path in the work tree (0: it is there).
int lstat_error(const std::string& workdir, const std::string& path) {
  struct stat st {};
  return ::lstat((workdir + path).c_str(), &st) == 0 ? 0 : errno;
}

// The work-tree letter of a tracked entry (`entry.path`, status `s`), as git shows it.
char tracked_worktree_letter(Scan& scan, unsigned s, const git_diff_delta* unstaged,
                             const std::string& path) {
  char letter = 0;
  if (unstaged != nullptr &&
      (unstaged->old_file.mode == GIT_FILEMODE_COMMIT ||
       unstaged->new_file.mode == GIT_FILEMODE_COMMIT) &&
      (s & GIT_STATUS_WT_MODIFIED) != 0) {
    letter = submodule_letter(scan.repo, unstaged->old_file.path, scan.untracked_in_submodules);
  } else {
    letter = worktree_letter(s);
  }
  // libgit2 cannot tell a file it may not look at from a deleted one; git says
  // "PATH: Permission denied" and leaves it out.
  if (letter == 'D') {
    if (const int err = lstat_error(scan.workdir, path); err == 0) {
      letter = 'M'; // there, but not a file libgit2 reads (a FIFO): git's " M"
    } else if (err != ENOENT && err != ENOTDIR) {
      scan.unreadable.push_back({path, err});
      letter = ' ';
    }
  }
  return letter;
}

} // namespace

// What git prints on stderr for tracked files it may not look at: one line per file, then
// one per directory it cannot open (the outermost one on the file's path).
std::vector<std::string> unreadable_warnings(const std::string& workdir,
                                             const std::vector<Unreadable>& files) {
  std::vector<std::string> lines;
  std::vector<std::string> dirs;
  const util::FdGuard top(
      files.empty() ? -1 : ::open(workdir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  for (const auto& f : files) {
    lines.push_back(f.path + ": " + util::errno_text(f.error));
    for (auto slash = f.path.find('/'); top.open() && slash != std::string::npos;
         slash = f.path.find('/', slash + 1)) {
      const std::string dir = f.path.substr(0, slash);
      if (::faccessat(top.get(), dir.c_str(), R_OK | X_OK, AT_EACCESS) != 0) {
        const std::string line =
            "warning: could not open directory '" + dir + "/': " + util::errno_text(errno);
        if (std::find(dirs.begin(), dirs.end(), line) == dirs.end()) {
          dirs.push_back(line);
        }
        break;
      }
    }
  }
  lines.insert(lines.end(), dirs.begin(), dirs.end());
  return lines;
}

// One entry of libgit2's status list into `st`.
void add_entry(Scan& scan, const git_status_entry* e, RepoStatus& st) {
  constexpr unsigned k_worktree_changed = GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_DELETED |
                                          GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_WT_RENAMED |
                                          GIT_STATUS_WT_UNREADABLE | GIT_STATUS_CONFLICTED;
  const unsigned s = e->status;
  const git_diff_delta* staged = e->head_to_index;
  const git_diff_delta* unstaged = e->index_to_workdir;
  const char* path = staged != nullptr ? staged->new_file.path
                                       : (unstaged != nullptr ? unstaged->old_file.path : "");
  if ((s & k_worktree_changed) != 0) {
    scan.changed.insert(unstaged != nullptr ? unstaged->old_file.path : path);
  }
  StatusEntry entry;
  entry.path = path;
  if ((s & GIT_STATUS_CONFLICTED) != 0) {
    std::tie(entry.index, entry.worktree) = unmerged_letters(scan.index, path);
    entry.unmerged = true;
    ++st.conflicted;
    st.changes.push_back(std::move(entry));
    return;
  }
  if ((s & GIT_STATUS_WT_NEW) != 0) {
    // Untracked; or deleted from the index and still there (git rm --cached), which git
    // shows twice: "D  PATH" and "?? PATH".
    StatusEntry untracked{entry};
    untracked.index = untracked.worktree = '?';
    ++st.untracked_count;
    st.untracked.push_back(std::move(untracked));
    if (staged_letter(scan, s, entry.path) == ' ') {
      return;
    }
  }
  const unsigned short extended = index_flags(scan.index, path);
  if ((extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0) {
    // git add -N: not staged, "about to be added" in the work tree (git's " A").
    entry.worktree = (s & GIT_STATUS_WT_DELETED) != 0 ? 'D' : 'A';
    ++st.modified;
    st.changes.push_back(std::move(entry));
    return;
  }
  entry.index = staged_letter(scan, s, entry.path);
  if (const auto from = scan.renames.from.find(entry.path);
      entry.index == 'R' && from != scan.renames.from.end()) {
    entry.from = from->second;
  }
  entry.worktree = tracked_worktree_letter(scan, s, unstaged, entry.path);
  if ((extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0) {
    entry.worktree = ' '; // sparse: git does not look at the work tree for it
  }
  if (entry.index == ' ' && entry.worktree == ' ') {
    return;
  }
  st.staged += entry.index != ' ' ? 1 : 0;
  st.modified += entry.worktree != ' ' ? 1 : 0;
  st.changes.push_back(std::move(entry));
}

} // namespace mr::git
