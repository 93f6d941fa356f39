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
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <unordered_map>

#include "handles.hpp"
#include "refs.hpp"

namespace mr::git {

namespace {

constexpr int k_slop = 5;

struct OidHash {
  std::size_t operator()(const git_oid& id) const noexcept {
    std::size_t h;
    std::memcpy(&h, id.id, sizeof h);
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const noexcept {
    return git_oid_equal(&a, &b) != 0;
  }
};

enum : unsigned {
  k_seen = 1,
  k_uninteresting = 2,
  k_bottom = 4, // a tip given after --not (a remote-tracking branch)
  k_treesame = 8,
  k_tmp_mark = 16,
};

struct Node;
struct SimplifyState {
  Node* simplified = nullptr;
};

struct Node {
  git_oid id{};
  git_time_t date = 0;
  std::vector<Node*> parents;
  std::vector<bool> treesame; // per parent, for merges (revision.c treesame_state)
  bool parsed = false;
  bool root = false; // no parents
  bool empty_tree = false;
  bool decorated = false;
  unsigned flags = 0;
  SimplifyState state;
  int indegree = 0; // topological sort
};

// relevant_commit(): not uninteresting, or a bottom (--not) tip.
bool relevant(const Node* n) {
  return (n->flags & (k_uninteresting | k_bottom)) != k_uninteresting;
}

class Walk {
public:
  explicit Walk(git_repository* repo) : m_repo(repo) {}

  Node* node(const git_oid& id) {
    auto [it, inserted] = m_nodes.try_emplace(id);
    if (inserted) {
      it->second.id = id;
    }
    return &it->second;
  }

  // Reads the commit (date, parents) once. False if the object cannot be read.
  bool parse(Node* n) {
    if (n->parsed) {
      return true;
    }
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, m_repo, &n->id) != 0) {
      m_error = last_error(-1);
      return false;
    }
    CommitPtr commit(raw);
    n->date = git_commit_time(commit.get());
    const unsigned count = git_commit_parentcount(commit.get());
    n->root = count == 0;
    if (n->root) {
      n->empty_tree = git_oid_is_zero(git_commit_tree_id(commit.get())) != 0 ||
                      git_oid_streq(git_commit_tree_id(commit.get()),
                                    "4b825dc642cb6eb9a060e54bf8d69288fbee4904") == 0;
    }
    for (unsigned i = 0; i < count; ++i) {
      n->parents.push_back(node(*git_commit_parent_id(commit.get(), i)));
    }
    n->parsed = true;
    return true;
  }

  // commit_list_insert_by_date: after every commit at least as new.
  void insert_by_date(Node* n) {
    auto it = std::find_if(m_list.begin(), m_list.end(),
                           [n](const Node* other) { return other->date < n->date; });
    m_list.insert(it, n);
  }

  void mark_parents_uninteresting(Node* n) {
    std::vector<Node*> stack(n->parents.begin(), n->parents.end());
    while (!stack.empty()) {
      Node* p = stack.back();
      stack.pop_back();
      if ((p->flags & k_uninteresting) != 0) {
        continue;
      }
      p->flags |= k_uninteresting;
      if (p->parsed) {
        stack.insert(stack.end(), p->parents.begin(), p->parents.end());
      }
    }
  }

  bool add_parents_to_list(Node* c) {
    if ((c->flags & k_uninteresting) != 0) {
      for (Node* p : c->parents) {
        p->flags |= k_uninteresting;
        if (!parse(p)) {
          continue; // git skips unparseable parents of uninteresting commits
        }
        if (!p->parents.empty()) {
          mark_parents_uninteresting(p);
        }
        if ((p->flags & k_seen) != 0) {
          continue;
        }
        p->flags |= k_seen;
        insert_by_date(p);
      }
      return true;
    }
    for (Node* p : c->parents) {
      if (!parse(p)) {
        return false;
      }
      if ((p->flags & k_seen) != 0) {
        continue;
      }
      p->flags |= k_seen;
      insert_by_date(p);
    }
    try_to_simplify(c);
    return true;
  }

  // try_to_simplify_commit() under --simplify-by-decoration: a commit differs from its
  // parents exactly when a ref points at it; a root, when its tree is not empty.
  static void try_to_simplify(Node* c) {
    if (c->root) {
      if (c->empty_tree) {
        c->flags |= k_treesame;
      }
      return;
    }
    if (c->parents.size() > 1) {
      c->treesame.assign(c->parents.size(), !c->decorated);
    }
    if (!c->decorated) {
      c->flags |= k_treesame;
    }
  }

  bool everybody_uninteresting() const {
    return std::all_of(m_list.begin(), m_list.end(),
                       [](const Node* n) { return (n->flags & k_uninteresting) != 0; });
  }

  // limit_list(): the interesting commits, in output order.
  Result<std::vector<Node*>> limit(const std::vector<Node*>& starts) {
    for (Node* n : starts) {
      if ((n->flags & k_seen) == 0) {
        n->flags |= k_seen;
        m_list.push_back(n);
      }
    }
    std::stable_sort(m_list.begin(), m_list.end(),
                     [](const Node* a, const Node* b) { return a->date > b->date; });
    std::vector<Node*> out;
    int slop = k_slop;
    git_time_t date = std::numeric_limits<git_time_t>::max();
    bool date_set = false;
    while (!m_list.empty()) {
      Node* c = m_list.front();
      m_list.pop_front();
      if (!add_parents_to_list(c)) {
        return fail(m_error);
      }
      if ((c->flags & k_uninteresting) != 0) {
        mark_parents_uninteresting(c);
        // still_interesting()
        if (m_list.empty()) {
          slop = 0;
        } else if ((date_set && date <= m_list.front()->date) || !everybody_uninteresting()) {
          slop = k_slop;
        } else {
          --slop;
        }
        if (slop != 0) {
          continue;
        }
        break;
      }
      date = c->date;
      date_set = true;
      out.push_back(c);
    }
    return out;
  }

  // sort_in_topological_order(..., REV_SORT_IN_GRAPH_ORDER): Kahn's algorithm with a
  // stack, the tips taken in list order.
  static std::vector<Node*> topo_sort(const std::vector<Node*>& list) {
    for (Node* n : list) {
      n->indegree = 1;
    }
    for (Node* n : list) {
      for (Node* p : n->parents) {
        if (p->indegree != 0) {
          ++p->indegree;
        }
      }
    }
    std::vector<Node*> stack;
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      if ((*it)->indegree == 1) {
        stack.push_back(*it); // reversed, so the first tip pops first
      }
    }
    std::vector<Node*> out;
    while (!stack.empty()) {
      Node* c = stack.back();
      stack.pop_back();
      for (Node* p : c->parents) {
        if (p->indegree == 0) {
          continue;
        }
        if (--p->indegree == 1) {
          stack.push_back(p);
        }
      }
      c->indegree = 0;
      out.push_back(c);
    }
    return out;
  }

  // reduce_heads(): drop parents that are ancestors of another parent.
  int mark_redundant_parents(Node* c) {
    int marked = 0;
    for (Node* p : c->parents) {
      for (Node* q : c->parents) {
        if (p != q && git_graph_descendant_of(m_repo, &q->id, &p->id) == 1) {
          p->flags |= k_tmp_mark;
          ++marked;
          break;
        }
      }
    }
    return marked;
  }

  static int mark_treesame_root_parents(Node* c) {
    int marked = 0;
    for (Node* p : c->parents) {
      if (p->root && (p->flags & k_treesame) != 0) {
        p->flags |= k_tmp_mark;
        ++marked;
      }
    }
    return marked;
  }

  // If we are TREESAME only to parents marked for removal, keep the first of them.
  static int leave_one_treesame_to_parent(Node* c) {
    Node* marked = nullptr;
    for (std::size_t n = 0; n < c->parents.size() && n < c->treesame.size(); ++n) {
      if (!c->treesame[n]) {
        continue;
      }
      Node* p = c->parents[n];
      if ((p->flags & k_tmp_mark) == 0) {
        return 0; // TREESAME to a parent that stays
      }
      if (marked == nullptr) {
        marked = p;
      }
    }
    if (marked != nullptr) {
      marked->flags &= ~k_tmp_mark;
      return 1;
    }
    return 0;
  }

  static std::size_t remove_marked_parents(Node* c) {
    std::vector<Node*> kept;
    std::vector<bool> kept_treesame;
    for (std::size_t n = 0; n < c->parents.size(); ++n) {
      Node* p = c->parents[n];
      if ((p->flags & k_tmp_mark) != 0) {
        p->flags &= ~k_tmp_mark;
        continue;
      }
      kept.push_back(p);
      if (n < c->treesame.size()) {
        kept_treesame.push_back(c->treesame[n]);
      }
    }
    c->parents = std::move(kept);
    c->treesame = std::move(kept_treesame);
    return c->parents.size();
  }

  static std::size_t remove_duplicate_parents(Node* c) {
    std::vector<Node*> kept;
    std::vector<bool> kept_treesame;
    for (std::size_t n = 0; n < c->parents.size(); ++n) {
      if (std::find(kept.begin(), kept.end(), c->parents[n]) != kept.end()) {
        continue;
      }
      kept.push_back(c->parents[n]);
      if (n < c->treesame.size()) {
        kept_treesame.push_back(c->treesame[n]);
      }
    }
    c->parents = std::move(kept);
    c->treesame = std::move(kept_treesame);
    return c->parents.size();
  }

  // one_relevant_parent(): the single parent of a non-merge; of a merge, its only
  // relevant parent, if exactly one is.
  static Node* one_relevant_parent(const Node* c) {
    if (c->parents.empty()) {
      return nullptr;
    }
    if (c->parents.size() == 1) {
      return c->parents.front();
    }
    Node* found = nullptr;
    for (Node* p : c->parents) {
      if (relevant(p)) {
        if (found != nullptr) {
          return nullptr;
        }
        found = p;
      }
    }
    return found;
  }

  // simplify_one(): false when a parent still needs simplifying first.
  bool simplify_one(Node* c, std::vector<Node*>& again) {
    if (c->state.simplified != nullptr) {
      return true;
    }
    if ((c->flags & k_uninteresting) != 0 || c->parents.empty()) {
      c->state.simplified = c;
      return true;
    }
    bool ready = true;
    for (Node* p : c->parents) {
      if (p->state.simplified == nullptr) {
        again.push_back(p);
        ready = false;
      }
    }
    if (!ready) {
      again.push_back(c);
      return false;
    }
    for (Node*& p : c->parents) {
      p = p->state.simplified;
    }
    std::size_t count = remove_duplicate_parents(c);
    if (count > 1) {
      int marked = mark_redundant_parents(c);
      marked += mark_treesame_root_parents(c);
      if (marked != 0) {
        marked -= leave_one_treesame_to_parent(c);
      }
      if (marked != 0) {
        count = remove_marked_parents(c);
      }
    }
    Node* parent = nullptr;
    if (count == 0 || (c->flags & k_uninteresting) != 0 || (c->flags & k_treesame) == 0 ||
        (parent = one_relevant_parent(c)) == nullptr) {
      c->state.simplified = c;
    } else {
      c->state.simplified = parent->state.simplified;
    }
    return true;
  }

  // simplify_merges(): the commits that simplify to themselves, in list order.
  std::vector<Node*> simplify_merges(const std::vector<Node*>& list) {
    std::vector<Node*> todo(list.rbegin(), list.rend()); // fed reversed
    while (!todo.empty()) {
      std::vector<Node*> again;
      for (Node* c : todo) {
        simplify_one(c, again);
      }
      todo = std::move(again);
    }
    std::vector<Node*> out;
    for (Node* c : list) {
      if (c->state.simplified == c) {
        out.push_back(c);
      }
    }
    return out;
  }

  // get_commit_action() for a simplified, topologically sorted commit.
  static bool shown(const Node* c) {
    if ((c->flags & k_uninteresting) != 0) {
      return false;
    }
    if ((c->flags & k_treesame) == 0) {
      return true;
    }
    if (c->parents.size() < 2) {
      return false;
    }
    // With --simplify-merges a TREESAME merge still ties two relevant lines together.
    const auto relevant_parents = std::count_if(c->parents.begin(), c->parents.end(),
                                                [](const Node* p) { return relevant(p); });
    return relevant_parents >= 2;
  }

private:
  git_repository* m_repo;
  std::unordered_map<git_oid, Node, OidHash, OidEq> m_nodes;
  std::deque<Node*> m_list;
  std::string m_error;
};

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

// The commits the refs matching `glob` point at (symbolic refs resolved), without reading
// any object.
std::vector<git_oid> tips(git_repository* repo, const char* glob) {
  std::vector<git_oid> out;
  git_reference_iterator* it_raw = nullptr;
  if (git_reference_iterator_glob_new(&it_raw, repo, glob) != 0) {
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
  const auto branches = tips(repo, "refs/heads/*");
  if (branches.empty()) {
    return true;
  }
  const auto remotes = tips(repo, "refs/remotes/*");
  return std::all_of(branches.begin(), branches.end(), [&](const git_oid& b) {
    return std::any_of(remotes.begin(), remotes.end(),
                       [&](const git_oid& r) { return git_oid_equal(&b, &r) != 0; });
  });
}

} // namespace

Result<std::vector<LogLine>> unpushed_log(git_repository* repo) {
  if (nothing_unpushed(repo)) {
    return std::vector<LogLine>{};
  }
  const auto refs = all_refs(repo);
  Walk walk(repo);
  std::vector<Node*> starts;
  for (const auto& r : refs) {
    if (r.has_commit && is_branch_ref(r.name)) {
      starts.push_back(walk.node(r.commit));
    }
  }
  if (starts.empty()) {
    return std::vector<LogLine>{};
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
  // Decorations: refs in reverse name order, then HEAD in front.
  std::unordered_map<git_oid, std::vector<Decoration>, OidHash, OidEq> decorations;
  for (auto it = refs.rbegin(); it != refs.rend(); ++it) {
    if (it->has_commit) {
      decorations[it->commit].push_back(decoration_of(it->name));
    }
  }
  git_reference* head_raw = nullptr;
  if (git_repository_head(&head_raw, repo) == 0) {
    RefPtr head(head_raw);
    const git_oid* target = git_reference_target(head.get());
    if (target != nullptr) {
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
  }
  for (const auto& [id, list] : decorations) {
    walk.node(id)->decorated = !list.empty();
  }

  MR_TRY_VAR(walked, walk.limit(starts));
  const auto ordered = walk.simplify_merges(Walk::topo_sort(*walked));

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

} // namespace mr::git
