#include "update_plan.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <set>
#include <unistd.h>

#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>

#include "handles.hpp"
#include "repository.hpp"

namespace mr::git {

namespace {

std::optional<TreeItem> side(const git_diff_file& f) {
  if (f.mode == 0 || (f.flags & GIT_DIFF_FLAG_EXISTS) == 0) {
    return std::nullopt;
  }
  return TreeItem{static_cast<std::uint32_t>(f.mode), f.id};
}

// git's verify_path, the part that matters on Linux: no empty, "." or ".." component and
// nothing that some file system would take for ".git" (core.protectNTFS and
// core.protectHFS default to true in git).
bool valid_path(std::string_view path) {
  std::size_t start = 0;
  for (;;) {
    const auto slash = path.find('/', start);
    std::string part(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (part.empty() || part == "." || part == "..") {
      return false;
    }
    while (!part.empty() && (part.back() == '.' || part.back() == ' ')) {
      part.pop_back();
    }
    // HFS ignores some zero-width characters; git rejects names that fold to .git.
    const std::string lower = util::ascii_lower(part);
    if (lower == ".git" || lower == "git~1" || lower.starts_with(".git\xe2\x80")) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    start = slash + 1;
  }
}

} // namespace

Result<std::vector<PathChange>> changed_paths(git_repository* repo, git_tree* from, git_tree* to) {
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
  git_diff* raw = nullptr;
  if (const int rc = git_diff_tree_to_tree(&raw, repo, from, to, &opts); rc != 0) {
    return fail("cannot compare the commits: " + last_error(rc));
  }
  DiffPtr diff(raw);
  std::vector<PathChange> changes;
  const std::size_t n = git_diff_num_deltas(diff.get());
  for (std::size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    const std::string path = d->new_file.path != nullptr ? d->new_file.path : d->old_file.path;
    if (!changes.empty() && changes.back().path == path) {
      // A type change reported as a deletion and an addition.
      auto& c = changes.back();
      const auto old_side = side(d->old_file);
      const auto new_side = side(d->new_file);
      if ((c.from && old_side) || (c.to && new_side)) {
        // Not a type change: a tree that lists the path twice (git fsck: duplicateEntries).
        return fail("a tree of the update lists " + path + " twice (git refuses such trees)");
      }
      c.from = c.from ? c.from : old_side;
      c.to = c.to ? c.to : new_side;
      continue;
    }
    changes.push_back({path, side(d->old_file), side(d->new_file)});
  }
  std::sort(changes.begin(), changes.end(),
            [](const PathChange& a, const PathChange& b) { return a.path < b.path; });
  return changes;
}

bool same_entry(const IndexFile& index, const IndexEntry* e, const std::optional<TreeItem>& t) {
  if (e == nullptr || !t) {
    return e == nullptr && !t;
  }
  return e->mode == t->mode &&
         index.oid(*e) == std::string_view(reinterpret_cast<const char*>(t->id.id), k_oid_bytes);
}

std::string first_few(const std::vector<std::string>& paths) {
  std::vector<std::string> shown(paths.begin(),
                                 paths.begin() + std::min<std::ptrdiff_t>(5, std::ssize(paths)));
  std::string out = util::join(shown, ", ");
  if (paths.size() > shown.size()) {
    out += " and " + std::to_string(paths.size() - shown.size()) + " more";
  }
  return out;
}

std::string UpdatePlan::refusal() const {
  std::vector<std::string> parts;
  const auto add = [&](const std::vector<std::string>& paths, const std::string& what,
                       const std::string& advice) {
    if (!paths.empty()) {
      parts.push_back(what + ": " + first_few(paths) + " (" + advice + ")");
    }
  };
  add(local_changes, "local changes would be overwritten by the update",
      "commit or stash them, then update again");
  add(untracked_overwritten, "untracked files would be overwritten by the update",
      "move or remove them, then update again");
  add(untracked_removed, "untracked files would be removed by the update",
      "move or remove them, then update again");
  add(dirs_losing_untracked, "updating these directories would lose untracked files in them",
      "move or remove those files, then update again");
  add(behind_link, "the update changes paths beyond a symbolic link",
      "mr never writes through a link; replace it by a directory, or use git pull --ff-only");
  add(invalid, "the update has paths git refuses to check out", "nothing was changed");
  add(unsupported, "a submodule changes type", "use git pull --ff-only");
  add(sparse, "the update changes paths of a sparse checkout", "use git pull --ff-only");
  add(filtered,
      "the update changes paths whose filter driver (" +
          util::join(std::vector<std::string>(filter_drivers.begin(), filter_drivers.end()), ", ") +
          ") mr does not run",
      "use git pull --ff-only");
  return util::join(parts, "; ");
}

namespace {

// plan_fast_forward's two passes over one plan: every change first, then the paths the
// update adds, which can be judged only once every removal is known (a new file may take
// the place of a directory the update empties).
class FastForwardPlanner {
public:
  FastForwardPlanner(Worktree& wt, const IndexFile& index, std::vector<PathChange> changes)
      : m_wt(wt), m_index(index) {
    m_plan.changes = std::move(changes);
  }

  UpdatePlan run() && {
    for (std::size_t i = 0; i < m_plan.changes.size(); ++i) {
      judge_change(i);
    }
    for (const auto i : m_adds) {
      judge_add(i);
    }
    std::sort(m_plan.apply.begin(), m_plan.apply.end());
    return std::move(m_plan);
  }

private:
  // First pass: refused (what mr leaves to git, or what the index says against it),
  // applied, kept, or (a new path) left for the second pass.
  void judge_change(std::size_t i) {
    const auto& c = m_plan.changes[i];
    if ((c.to && !valid_path(c.path))) {
      m_plan.invalid.push_back(c.path);
      return;
    }
    if (c.from && c.to && c.from->gitlink() != c.to->gitlink()) {
      m_plan.unsupported.push_back(c.path);
      return;
    }
    const auto at = m_index.find(c.path, 0);
    const IndexEntry* e = at ? &m_index.entries()[*at] : nullptr;
    if (m_wt.sparse() || (e != nullptr && e->skip_worktree())) {
      m_plan.sparse.push_back(c.path);
      return;
    }
    // A tracked file behind a link (the user replaced a directory by one) is not the file the
    // index records. A new path behind a link is refused below, as a file in its way, unless
    // the update removes the (tracked) link.
    if (e != nullptr && m_wt.beyond_symlink(c.path)) {
      m_plan.behind_link.push_back(c.path);
      return;
    }
    if (e == nullptr) {
      judge_untracked(i);
    } else {
      judge_tracked(i, *e);
    }
  }

  // A changed path the index does not hold.
  void judge_untracked(std::size_t i) {
    const auto& c = m_plan.changes[i];
    if (c.from && c.to) {
      m_plan.local_changes.push_back(c.path); // a staged deletion of a file M changes
    } else if (c.from) {
      struct stat st {};
      if (m_wt.lstat(c.path, st) == 0) {
        m_plan.untracked_removed.push_back(c.path); // removed from the index, kept on disk
      }
    } else {
      m_adds.push_back(i);
    }
  }

  // A changed path the index holds as entry `e`.
  void judge_tracked(std::size_t i, const IndexEntry& e) {
    const auto& c = m_plan.changes[i];
    if (same_entry(m_index, &e, c.to)) {
      return; // already what the update brings (staged by hand): kept as it is
    }
    if (!same_entry(m_index, &e, c.from)) {
      m_plan.local_changes.push_back(c.path); // a staged change
      return;
    }
    const auto state = m_wt.check(e);
    if (state != Worktree::State::missing && state != Worktree::State::matches) {
      m_plan.local_changes.push_back(c.path);
      return;
    }
    m_plan.apply.push_back(i);
    if (!c.to && !e.gitlink()) {
      m_removing.insert(c.path);
    }
  }

  // Second pass: a path the update adds, and whatever is in its way in the work tree.
  void judge_add(std::size_t i) {
    const auto& c = m_plan.changes[i];
    struct stat st {};
    const int err = m_wt.lstat(c.path, st);
    if (err == 0) {
      if (!S_ISDIR(st.st_mode)) {
        m_plan.untracked_overwritten.push_back(c.path);
      } else if (c.to->gitlink() || m_wt.only_contains(c.path, [&](const std::string& f) {
                   return m_removing.count(f) != 0;
                 })) {
        m_plan.apply.push_back(i);
      } else {
        m_plan.dirs_losing_untracked.push_back(c.path);
      }
      return;
    }
    if (err != ENOENT && err != ENOTDIR) {
      m_plan.local_changes.push_back(c.path);
      return;
    }
    if (way_is_clear(c.path)) {
      m_plan.apply.push_back(i);
    }
  }

  // A missing new path: every directory on its way must be one, or a file the update
  // removes. What is in the way is refused.
  bool way_is_clear(const std::string& path) {
    for (auto slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      const std::string dir = path.substr(0, slash);
      struct stat dst {};
      const int derr = m_wt.lstat(dir, dst);
      if (derr == ENOENT) {
        return true;
      }
      if (derr != 0) {
        m_plan.local_changes.push_back(path);
        return false;
      }
      if (!S_ISDIR(dst.st_mode)) {
        if (m_removing.count(dir) == 0) {
          if (std::find(m_plan.untracked_overwritten.begin(), m_plan.untracked_overwritten.end(),
                        dir) == m_plan.untracked_overwritten.end()) {
            m_plan.untracked_overwritten.push_back(dir);
          }
          return false;
        }
        return true;
      }
    }
    return true;
  }

  Worktree& m_wt;
  const IndexFile& m_index;
  UpdatePlan m_plan;
  std::set<std::string> m_removing; // files the update deletes from the work tree
  std::vector<std::size_t> m_adds;  // new paths: checked once every removal is known
};

} // namespace

UpdatePlan plan_fast_forward(Worktree& wt, const IndexFile& index,
                             std::vector<PathChange> changes) {
  return FastForwardPlanner(wt, index, std::move(changes)).run();
}

} // namespace mr::git

namespace mr::git {

std::vector<std::string> paths_with_filter_drivers(git_repository* repo, const git_oid& target,
                                                   const std::vector<PathChange>& changes,
                                                   std::set<std::string>& drivers) {
  const Config config(repo);
  std::map<std::string, bool> configured; // driver name -> has a smudge or process command
  git_attr_options opts = GIT_ATTR_OPTIONS_INIT;
  opts.flags = GIT_ATTR_CHECK_FILE_THEN_INDEX | GIT_ATTR_CHECK_INCLUDE_COMMIT;
  opts.attr_commit_id = target;
  std::vector<std::string> paths;
  for (const auto& c : changes) {
    if (!c.to || (c.to->mode & 0170000) != 0100000) {
      continue;
    }
    const char* value = nullptr;
    if (git_attr_get_ext(&value, repo, &opts, c.path.c_str(), "filter") != 0) {
      git_error_clear();
      continue;
    }
    if (git_attr_value(value) != GIT_ATTR_VALUE_STRING) {
      continue;
    }
    const std::string name = value;
    auto known = configured.find(name);
    if (known == configured.end()) {
      const auto key = [&](const char* what) { return "filter." + name + "." + what; };
      known = configured
                  .emplace(name, config.string(key("smudge").c_str()).has_value() ||
                                     config.string(key("process").c_str()).has_value())
                  .first;
    }
    if (known->second) {
      paths.push_back(c.path);
      drivers.insert(name);
    }
  }
  return paths;
}

} // namespace mr::git
