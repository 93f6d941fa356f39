// Private to src/git: git's revision walk (revision.c), as far as the unpushed log of
// `mr status` needs it: commits as nodes with git's flags, limit_list() with SLOP,
// --simplify-by-decoration TREESAME marks, the topological sort in graph order,
// --simplify-merges, and get_commit_action(). The caller seeds the tips and reads shown().
#pragma once

#include <cstddef>
#include <cstring>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include <git2.h>

#include <mr/util/result.hpp>

namespace mr::git {

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
inline bool relevant(const Node* n) {
  return (n->flags & (k_uninteresting | k_bottom)) != k_uninteresting;
}

// The revision walk of `git log --branches --not --remotes --simplify-by-decoration`:
// revision.c's steps (see log.cpp for their order), over nodes it owns.
class Walk {
public:
  explicit Walk(git_repository* repo) : m_repo(repo) {}

  Node* node(const git_oid& id);

  // Reads the commit (date, parents) once. False if the object cannot be read.
  bool parse(Node* n);

  // commit_list_insert_by_date: after every commit at least as new.
  void insert_by_date(Node* n);

  void mark_parents_uninteresting(Node* n);

  bool add_parents_to_list(Node* c);

  // try_to_simplify_commit() under --simplify-by-decoration: a commit differs from its
  // parents exactly when a ref points at it; a root, when its tree is not empty.
  static void try_to_simplify(Node* c);

  bool everybody_uninteresting() const;

  // limit_list(): the interesting commits, in output order.
  Result<std::vector<Node*>> limit(const std::vector<Node*>& starts);

  // sort_in_topological_order(..., REV_SORT_IN_GRAPH_ORDER): Kahn's algorithm with a
  // stack, the tips taken in list order.
  static std::vector<Node*> topo_sort(const std::vector<Node*>& list);

  // reduce_heads(): drop parents that are ancestors of another parent.
  int mark_redundant_parents(Node* c);

  static int mark_treesame_root_parents(Node* c);

  // If we are TREESAME only to parents marked for removal, keep the first of them.
  static int leave_one_treesame_to_parent(Node* c);

  static std::size_t remove_marked_parents(Node* c);

  static std::size_t remove_duplicate_parents(Node* c);

  // one_relevant_parent(): the single parent of a non-merge; of a merge, its only
  // relevant parent, if exactly one is.
  static Node* one_relevant_parent(const Node* c);

  // simplify_one(): false when a parent still needs simplifying first.
  bool simplify_one(Node* c, std::vector<Node*>& again);

  // simplify_merges(): the commits that simplify to themselves, in list order.
  std::vector<Node*> simplify_merges(const std::vector<Node*>& list);

  // get_commit_action() for a simplified, topologically sorted commit.
  static bool shown(const Node* c);

private:
  git_repository* m_repo;
  std::unordered_map<git_oid, Node, OidHash, OidEq> m_nodes;
  std::deque<Node*> m_list;
  std::string m_error;
};

} // namespace mr::git
