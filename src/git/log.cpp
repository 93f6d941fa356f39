// The unpushed log of myrepos' status, in process, following git's revision.c step by step:
//  1. limit_list(): tips in a list ordered by commit date, uninteresting (remote) ancestry
//     propagated as it is discovered, the walk ending a few steps (SLOP) after only
//     uninteresting commits remain;
//  2. --simplify-by-decoration makes an undecorated commit TREESAME (a root: when its tree
//     is empty) and turns on --topo-order and --simplify-merges:
//  3. sort_in_topological_order() in graph order;
//  4. simplify_merges(): parents rewritten to what they simplify to, duplicate, redundant
//     and TREESAME-root parents dropped, TREESAME commits folded into their parent;
//  5. get_commit_action(): what remains is shown, except TREESAME commits that are not
//     merges of two relevant lines.
// Decorations list refs in reverse name order with HEAD first, as `git log --decorate`.
#include "log.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <unordered_map>

#include "handles.hpp"
#include "refs.hpp"
#include "repository.hpp"
#include "revision_walk.hpp"

namespace mr::git {

namespace {

struct Ref {
  std::string name;
  git_oid commit{};
  bool has_commit = false;
};

// Every ref, sorted by name, with the commit it finally points at (tags peeled).
std::vector<Ref> all_refs(git_repository* repo) {
  std::vector<Ref> refs;
  git_reference_iterator* it_raw = nullptr;
  if (git_reference_iterator_new(&it_raw, repo) != 0) {
    return refs;
  }
  const RefIteratorPtr it(it_raw);
  git_reference* raw = nullptr;
  while (git_reference_next(&raw, it.get()) == 0) {
    RefPtr ref(raw);
    Ref r;
    r.name = git_reference_name(ref.get());
    git_object* target = nullptr;
    if (git_reference_peel(&target, ref.get(), GIT_OBJECT_COMMIT) == 0) {
      const ObjectPtr commit(target);
      r.commit = *git_object_id(commit.get());
      r.has_commit = true;
    }
    refs.push_back(std::move(r));
  }
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.name < b.name; });
  return refs;
}

// Whether `git log --decorate` shows `refname`. Since git 2.38 it decorates only HEAD,
// branches, tags, remote-tracking branches and refs/stash (a ref elsewhere under refs/,
// symbolic or not, notes included, is no decoration and does not stop
// --simplify-by-decoration from folding its commit away); log.initialDecorationSet=all
// brings back every ref. refs/replace/ is handled apart (ref_decorations()).
bool decorates(std::string_view refname, bool all_refs) {
  if (refname.starts_with(k_replace)) {
    return false;
  }
  if (all_refs || is_branch_ref(refname) || is_tag_ref(refname) || is_remote_ref(refname)) {
    return true;
  }
  constexpr std::string_view k_stash = "refs/stash";
  return refname.starts_with(k_stash) &&
         (refname.size() == k_stash.size() || refname[k_stash.size()] == '/');
}

Decoration decoration_of(const std::string& refname) {
  if (is_branch_ref(refname)) {
    return {Decoration::Kind::branch, refname.substr(k_heads.size()), {}};
  }
  if (is_remote_ref(refname)) {
    return {Decoration::Kind::remote, refname.substr(k_remotes.size()), {}};
  }
  if (is_tag_ref(refname)) {
    return {Decoration::Kind::tag, refname.substr(k_tags.size()), {}};
  }
  return {Decoration::Kind::other, refname, {}};
}

// The commits the refs under `prefix` (k_heads, k_remotes) point at (symbolic refs
// resolved), without reading any object.
std::vector<git_oid> tips(git_repository* repo, std::string_view prefix) {
  std::vector<git_oid> out;
  git_reference_iterator* it_raw = nullptr;
  const std::string glob = std::string(prefix) + "*";
  if (git_reference_iterator_glob_new(&it_raw, repo, glob.c_str()) != 0) {
    return out;
  }
  const RefIteratorPtr it(it_raw);
  git_reference* raw = nullptr;
  while (git_reference_next(&raw, it.get()) == 0) {
    RefPtr ref(raw);
    if (const git_oid* id = git_reference_target(ref.get())) {
      out.push_back(*id);
    } else if (git_reference* target = nullptr; git_reference_resolve(&target, ref.get()) == 0) {
      const RefPtr resolved(target);
      out.push_back(*git_reference_target(resolved.get()));
    }
  }
  return out;
}

// The usual case, decided from the refs alone: every branch sits exactly on its upstream
// remote-tracking branch (read cheaply through RefStore), or failing that on some
// remote-tracking branch (libgit2's listing), so nothing is unpushed. Saves peeling every
// tag and walking history.
bool nothing_unpushed(git_repository* repo) {
  RefStore store(git_repository_commondir(repo));
  if (const auto branches = store.branches()) {
    const bool all_on_upstream =
        std::all_of(branches->begin(), branches->end(), [&](const auto& branch) {
          const auto up = upstream_ref(repo, branch_name(branch.first));
          if (!up || !is_remote_ref(*up)) {
            return false;
          }
          const auto id = store.resolve(*up);
          return id && git_oid_equal(&*id, &branch.second) != 0;
        });
    if (all_on_upstream) {
      return true;
    }
  }
  const auto branches = tips(repo, k_heads);
  if (branches.empty()) {
    return true;
  }
  const auto remotes = tips(repo, k_remotes);
  return std::all_of(branches.begin(), branches.end(), [&](const git_oid& b) {
    return std::any_of(remotes.begin(), remotes.end(),
                       [&](const git_oid& r) { return git_oid_equal(&b, &r) != 0; });
  });
}

// The walk's start: the branches (interesting) and the remote-tracking branches
// (uninteresting, their ancestry marked so), each parsed. Empty when there is no branch.
Result<std::vector<Node*>> unpushed_walk_starts(Walk& walk, const std::vector<Ref>& refs) {
  std::vector<Node*> starts;
  for (const auto& r : refs) {
    if (r.has_commit && is_branch_ref(r.name)) {
      starts.push_back(walk.node(r.commit));
    }
  }
  if (starts.empty()) {
    return starts;
  }
  for (const auto& r : refs) {
    if (r.has_commit && is_remote_ref(r.name)) {
      Node* n = walk.node(r.commit);
      n->flags |= k_uninteresting | k_bottom;
      starts.push_back(n);
    }
  }
  for (Node* n : starts) {
    if (!walk.parse(n)) {
      return fail("cannot read commit " + std::string(git_oid_tostr_s(&n->id)));
    }
  }
  for (Node* n : starts) {
    if ((n->flags & k_uninteresting) != 0) {
      walk.mark_parents_uninteresting(n);
    }
  }
  return starts;
}

using LogDecorations = std::unordered_map<git_oid, std::vector<Decoration>, OidHash, OidEq>;

// Each commit's decorations as git log --decorate lists them: refs in reverse name order;
// a commit that a replace ref replaces is "replaced" (unless git is told not to use
// replace refs: core.useReplaceRefs=false, GIT_NO_REPLACE_OBJECTS).
LogDecorations ref_decorations(git_repository* repo, const std::vector<Ref>& refs) {
  const Config config(repo);
  const bool all = config.string("log.initialdecorationset") == "all";
  const bool replace = config.boolean("core.usereplacerefs").value_or(true) &&
                       std::getenv("GIT_NO_REPLACE_OBJECTS") == nullptr;
  LogDecorations decorations;
  for (auto it = refs.rbegin(); it != refs.rend(); ++it) {
    git_oid original{};
    if (it->name.starts_with(k_replace)) {
      const std::string hex = it->name.substr(k_replace.size());
      git_commit* raw = nullptr;
      if (replace && hex.size() == GIT_OID_HEXSZ && git_oid_fromstr(&original, hex.c_str()) == 0 &&
          git_commit_lookup(&raw, repo, &original) == 0) {
        const CommitPtr commit(raw);
        decorations[original].push_back({Decoration::Kind::grafted, "replaced", {}});
      }
    } else if (it->has_commit && decorates(it->name, all)) {
      decorations[it->commit].push_back(decoration_of(it->name));
    }
  }
  return decorations;
}

// Puts HEAD in front of its commit's decorations; on a branch, as "HEAD -> branch" in
// place of that branch's own decoration.
void decorate_head(git_repository* repo, LogDecorations& decorations) {
  git_reference* head_raw = nullptr;
  if (git_repository_head(&head_raw, repo) != 0) {
    return;
  }
  RefPtr head(head_raw);
  const git_oid* target = git_reference_target(head.get());
  if (target == nullptr) {
    return;
  }
  Decoration d{Decoration::Kind::head, "HEAD", {}};
  auto& list = decorations[*target];
  if (!git_repository_head_detached(repo)) {
    const std::string branch = git_reference_shorthand(head.get());
    const auto current = std::find_if(list.begin(), list.end(), [&](const Decoration& x) {
      return x.kind == Decoration::Kind::branch && x.name == branch;
    });
    if (current != list.end()) {
      d.target = branch;
      list.erase(current);
    }
  }
  list.insert(list.begin(), d);
}

// The lines of the commits the walk shows, in its order: abbreviated name, decorations,
// subject.
Result<std::vector<LogLine>> unpushed_lines(git_repository* repo, const std::vector<Node*>& ordered,
                                            const LogDecorations& decorations) {
  Abbreviator abbrev(repo);
  std::vector<LogLine> lines;
  for (Node* n : ordered) {
    if (!Walk::shown(n)) {
      continue;
    }
    const auto found = decorations.find(n->id);
    const bool decorated = found != decorations.end() && !found->second.empty();
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &n->id) != 0) {
      return fail(last_error(-1));
    }
    CommitPtr commit(raw);
    LogLine line;
    line.abbrev = abbrev(n->id);
    if (decorated) {
      line.decorations = found->second;
    }
    line.subject = subject_of(git_commit_message_raw(commit.get()));
    lines.push_back(std::move(line));
  }
  return lines;
}

} // namespace

Result<std::vector<LogLine>> unpushed_log(git_repository* repo) {
  if (nothing_unpushed(repo)) {
    return std::vector<LogLine>{};
  }
  const auto refs = all_refs(repo);
  Walk walk(repo);
  MR_TRY_VAR(starts, unpushed_walk_starts(walk, refs));
  if (starts->empty()) {
    return std::vector<LogLine>{};
  }
  LogDecorations decorations = ref_decorations(repo, refs);
  decorate_head(repo, decorations);
  for (const auto& [id, list] : decorations) {
    walk.node(id)->decorated = !list.empty();
  }

  MR_TRY_VAR(walked, walk.limit(*starts));
  const auto ordered = walk.simplify_merges(Walk::topo_sort(*walked));
  return unpushed_lines(repo, ordered, decorations);
}

} // namespace mr::git
