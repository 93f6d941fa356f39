// git's revision walk for the unpushed log: see revision_walk.hpp.
#include "revision_walk.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "error.hpp"
#include "handles.hpp"

namespace mr::git {

namespace {

constexpr int k_slop = 5; // revision.c's SLOP: commits walked past the last interesting one

} // namespace

Node* Walk::node(const git_oid& id) {
  auto [it, inserted] = m_nodes.try_emplace(id);
  if (inserted) {
    it->second.id = id;
  }
  return &it->second;
}

bool Walk::parse(Node* n) {
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

void Walk::insert_by_date(Node* n) {
  auto it = std::find_if(m_list.begin(), m_list.end(),
                         [n](const Node* other) { return other->date < n->date; });
  m_list.insert(it, n);
}

void Walk::mark_parents_uninteresting(Node* n) {
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

bool Walk::add_parents_to_list(Node* c) {
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

void Walk::try_to_simplify(Node* c) {
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

bool Walk::everybody_uninteresting() const {
  return std::all_of(m_list.begin(), m_list.end(),
                     [](const Node* n) { return (n->flags & k_uninteresting) != 0; });
}

Result<std::vector<Node*>> Walk::limit(const std::vector<Node*>& starts) {
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

std::vector<Node*> Walk::topo_sort(const std::vector<Node*>& list) {
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

int Walk::mark_redundant_parents(Node* c) {
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

int Walk::mark_treesame_root_parents(Node* c) {
  int marked = 0;
  for (Node* p : c->parents) {
    if (p->root && (p->flags & k_treesame) != 0) {
      p->flags |= k_tmp_mark;
      ++marked;
    }
  }
  return marked;
}

int Walk::leave_one_treesame_to_parent(Node* c) {
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

std::size_t Walk::remove_marked_parents(Node* c) {
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

std::size_t Walk::remove_duplicate_parents(Node* c) {
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

Node* Walk::one_relevant_parent(const Node* c) {
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

bool Walk::simplify_one(Node* c, std::vector<Node*>& again) {
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

std::vector<Node*> Walk::simplify_merges(const std::vector<Node*>& list) {
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

bool Walk::shown(const Node* c) {
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

} // namespace mr::git
