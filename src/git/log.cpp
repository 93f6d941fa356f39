// The unpushed log of myrepos' status, in process. The walk follows git's limit_list()
// (revision.c): tips in a list ordered by commit date, uninteresting (remote) ancestry
// propagated as it is discovered, the walk ending a few steps (SLOP) after only
// uninteresting commits remain; then --simplify-by-decoration keeps decorated commits and
// root commits with a non-empty tree. Decorations list refs in reverse name order with
// HEAD first, as `git log --decorate` prints them.
#include "log.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <unordered_map>

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

enum : unsigned { k_seen = 1, k_uninteresting = 2 };

struct Node {
  git_oid id{};
  git_time_t date = 0;
  std::vector<Node*> parents;
  bool parsed = false;
  bool root = false; // no parents
  bool empty_tree = false;
  unsigned flags = 0;
};

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
    return true;
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
  git_reference_iterator* it = nullptr;
  if (git_reference_iterator_new(&it, repo) != 0) {
    return refs;
  }
  git_reference* raw = nullptr;
  while (git_reference_next(&raw, it) == 0) {
    RefPtr ref(raw);
    Ref r;
    r.name = git_reference_name(ref.get());
    git_object* target = nullptr;
    if (git_reference_peel(&target, ref.get(), GIT_OBJECT_COMMIT) == 0) {
      r.commit = *git_object_id(target);
      r.has_commit = true;
      git_object_free(target);
    }
    refs.push_back(std::move(r));
  }
  git_reference_iterator_free(it);
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.name < b.name; });
  return refs;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

Decoration decoration_of(const std::string& refname) {
  if (starts_with(refname, "refs/heads/")) {
    return {Decoration::Kind::branch, refname.substr(11), {}};
  }
  if (starts_with(refname, "refs/remotes/")) {
    return {Decoration::Kind::remote, refname.substr(13), {}};
  }
  if (starts_with(refname, "refs/tags/")) {
    return {Decoration::Kind::tag, refname.substr(10), {}};
  }
  return {Decoration::Kind::other, refname, {}};
}

} // namespace

Result<std::vector<LogLine>> unpushed_log(git_repository* repo) {
  const auto refs = all_refs(repo);
  Walk walk(repo);
  std::vector<Node*> starts;
  for (const auto& r : refs) {
    if (r.has_commit && starts_with(r.name, "refs/heads/")) {
      starts.push_back(walk.node(r.commit));
    }
  }
  if (starts.empty()) {
    return std::vector<LogLine>{};
  }
  for (const auto& r : refs) {
    if (r.has_commit && starts_with(r.name, "refs/remotes/")) {
      Node* n = walk.node(r.commit);
      n->flags |= k_uninteresting;
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
  auto walked = walk.limit(starts);
  if (!walked) {
    return tl::unexpected(walked.error());
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

  Abbreviator abbrev(repo);
  std::vector<LogLine> lines;
  for (Node* n : *walked) {
    if ((n->flags & k_uninteresting) != 0) {
      continue;
    }
    const auto found = decorations.find(n->id);
    const bool decorated = found != decorations.end() && !found->second.empty();
    if (n->root ? n->empty_tree : !decorated) {
      continue; // TREESAME under --simplify-by-decoration
    }
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
