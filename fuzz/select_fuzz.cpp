// Fuzz target: which registered repositories an invocation acts on (registry::select and
// registry::find_enclosing), for fuzzed registry paths, current directory, -d, -n and -g.
//
// Input, one item per line:
//   CWD            the current directory (relative to home; must exist)
//   DIR            -d DIR, or empty for none
//   DEPTH          -n DEPTH, or empty for none
//   TAGS           -g TAG ..., separated by spaces, or empty for none
//   KEY[\tTAG...]  one registered repository per line: its key as in the registry (relative
//                  to home, "~/...", or absolute), then its tags
// Paths live in a scratch tree with real directories and symlinks (relative, absolute, to
// a parent, a loop, a dangling one); an absolute path "/x" means the tree's "/x".
//
// Selection is checked against a model written from its contract: every repo at or below
// the directory (in any pairing of logical and physical forms) within DEPTH levels; else the
// deepest repo containing it, alone, with the subdirectory that leads there.
#include <algorithm>
#include <optional>
#include <set>

#include <mr/registry/select.hpp>
#include <mr/util/strings.hpp>

#include "support/fuzz_support.hpp"

namespace {

namespace fs = std::filesystem;
using mr::fuzz::require;
using mr::registry::Repo;
using mr::util::Place;

struct Tree {
  fs::path root;
  fs::path home;
};

const Tree& tree() {
  static const Tree t = [] {
    const fs::path root = mr::fuzz::scratch_dir() / "tree";
    const fs::path home = root / "home";
    for (const char* dir : {"home/src/a/sub/deep", "home/src/b", "storage/code/x/y"}) {
      fs::create_directories(root / dir);
    }
    fs::create_directory_symlink("src", home / "work");
    fs::create_directory_symlink(root / "storage/code", home / "code");
    fs::create_directory_symlink("..", home / "src/a/up");
    fs::create_symlink("loop", home / "loop");
    fs::create_symlink("nowhere", home / "dangling");
    mr::fuzz::write_file(home / "file", "");
    return Tree{root, home};
  }();
  return t;
}

// "~..." against home, "/..." inside the tree, anything else as written.
fs::path in_tree(std::string_view p) {
  if (p == "~" || p.starts_with("~/")) {
    return tree().home / fs::path(p.substr(std::min<std::size_t>(2, p.size())));
  }
  if (p.starts_with("/")) {
    return fs::path(tree().root.native() + std::string(p));
  }
  return fs::path(p);
}

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= line.size()) {
    const auto end = std::min(line.find(' ', start), line.size());
    if (end > start) {
      out.emplace_back(line.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

// A key the loader would accept, turned into a repo as the loader does; nullopt otherwise.
std::optional<Repo> repo_of(std::string_view line) {
  const auto tab = line.find('\t');
  const auto key = line.substr(0, tab);
  const bool control = std::any_of(key.begin(), key.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (key.empty() || control) {
    return std::nullopt;
  }
  if (key.front() != '/' && key.front() != '~') {
    for (const auto& part : fs::path(key)) {
      if (part == "..") {
        return std::nullopt;
      }
    }
  }
  Repo repo;
  repo.key = std::string(key);
  repo.path = mr::util::absolute_normal(in_tree(key), tree().home);
  if (tab != std::string_view::npos) {
    repo.tags = words(line.substr(tab + 1));
  }
  return repo;
}

struct Input {
  Place directory;
  std::optional<std::size_t> max_depth;
  std::vector<std::string> tags;
  mr::registry::Registry registry;
  std::vector<Place> forms; // of each repo's path, computed once: physical() stats

  const Place& forms_of(const Repo& repo) const {
    return forms[static_cast<std::size_t>(&repo - registry.repos.data())];
  }
};

std::optional<Input> input_of(const std::uint8_t* data, std::size_t size) {
  const auto lines = mr::fuzz::split(data, size, '\n', size + 1);
  if (lines.size() < 4) {
    return std::nullopt;
  }
  Input in;
  const Place home{tree().home, tree().home};
  auto cwd = mr::util::place_of(in_tree(lines[0]), home);
  if (!cwd) {
    return std::nullopt; // mr always runs in a directory that exists
  }
  in.directory = *cwd;
  if (!lines[1].empty()) {
    auto dir = mr::util::place_of(in_tree(lines[1]), *cwd);
    if (!dir) {
      return std::nullopt; // mr stops with "-d DIR: not a directory"
    }
    in.directory = *dir;
  }
  unsigned long depth = 0;
  if (!lines[2].empty() && mr::util::parse_unsigned(lines[2], depth)) {
    in.max_depth = depth;
  }
  in.tags = words(lines[3]);
  std::set<fs::path> seen;
  for (std::size_t i = 4; i < lines.size(); ++i) {
    if (auto repo = repo_of(lines[i]); repo && seen.insert(repo->path).second) {
      in.registry.repos.push_back(std::move(*repo));
    }
  }
  std::stable_sort(in.registry.repos.begin(), in.registry.repos.end(),
                   [](const Repo& a, const Repo& b) { return a.path.native() < b.path.native(); });
  for (const auto& repo : in.registry.repos) {
    in.forms.push_back({repo.path, mr::util::physical(repo.path)});
  }
  return in;
}

// How many levels `p` lies below `base` (0: the same), by string comparison of the
// absolute, lexically normal forms.
std::optional<std::size_t> levels_below(const fs::path& p, const fs::path& base) {
  const auto& ps = p.native();
  const auto& bs = base.native();
  if (ps == bs) {
    return 0;
  }
  const std::string prefix = bs == "/" ? bs : bs + "/";
  if (!ps.starts_with(prefix)) {
    return std::nullopt;
  }
  const auto rest = std::string_view(ps).substr(prefix.size());
  return 1 + static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '/'));
}

// Which pairing of the logical and physical forms of a repo and the directory decides how
// many levels lie between them. The contract: the pairing with the fewest. The code takes
// the first pairing that relates them, in the order (repo, dir): (logical, logical),
// (logical, physical), (physical, physical), (physical, logical). The two differ only when
// a path goes through a symlink to one of its own ancestors. Until registry/select.cpp
// takes the fewest levels, a selection that follows the first pairing is accepted too,
// except with MR_FUZZ_STRICT=1 (reproducer: fuzz/known-crashes/select/).
enum class Pairing { fewest, first };

struct Relation {
  std::size_t levels;
  fs::path subdir; // the directory relative to the repo, when the repo contains it
};

std::optional<Relation> relate(const Place& r, const Place& dir, bool repo_contains_dir,
                               Pairing how) {
  const std::pair<const fs::path*, const fs::path*> pairings[] = {
      {&r.logical, &dir.logical},
      {&r.logical, &dir.physical},
      {&r.physical, &dir.physical},
      {&r.physical, &dir.logical},
  };
  std::optional<Relation> best;
  for (const auto& [rp, dp] : pairings) {
    const auto levels = repo_contains_dir ? levels_below(*dp, *rp) : levels_below(*rp, *dp);
    if (levels && (!best || *levels < best->levels)) {
      best = Relation{*levels, repo_contains_dir ? dp->lexically_relative(*rp) : fs::path()};
      if (how == Pairing::first) {
        break;
      }
    }
  }
  return best;
}

bool tagged(const Repo& repo, const std::vector<std::string>& tags) {
  return tags.empty() ||
         std::any_of(tags.begin(), tags.end(), [&](const auto& t) { return repo.has_tag(t); });
}

// The deepest repo containing the directory (the first in registry order on a tie).
std::optional<std::pair<const Repo*, Relation>> deepest_containing(const Input& in, bool by_tag,
                                                                   Pairing how) {
  std::optional<std::pair<const Repo*, Relation>> best;
  for (const auto& repo : in.registry.repos) {
    if (by_tag && !tagged(repo, in.tags)) {
      continue;
    }
    auto rel = relate(in.forms_of(repo), in.directory, true, how);
    if (rel && (!best || rel->levels < best->second.levels)) {
      best.emplace(&repo, std::move(*rel));
    }
  }
  return best;
}

struct Expected {
  std::vector<const Repo*> repos;
  std::optional<fs::path> subdir; // set when the directory is inside the one repo
};

Expected expected_selection(const Input& in, Pairing how) {
  Expected e;
  for (const auto& repo : in.registry.repos) {
    const auto rel =
        tagged(repo, in.tags) ? relate(in.forms_of(repo), in.directory, false, how) : std::nullopt;
    if (rel && (!in.max_depth || rel->levels <= *in.max_depth)) {
      e.repos.push_back(&repo);
    }
  }
  if (e.repos.empty()) {
    if (auto best = deepest_containing(in, true, how)) {
      e.repos.push_back(best->first);
      e.subdir = best->second.subdir;
    }
  }
  return e;
}

// The subdir must lead from the repo to the directory in some pairing of their forms; with
// the first pairing it must be exactly that pairing's.
bool subdir_matches(const Input& in, const Expected& e, const mr::registry::Selected& got,
                    Pairing how) {
  if (!got.subdir || got.subdir->empty() || !fs::path(*got.subdir).is_relative()) {
    return false;
  }
  if (how == Pairing::first) {
    return fs::path(*got.subdir) == *e.subdir;
  }
  const Place& r = in.forms_of(*got.repo);
  bool leads_there = false;
  for (const auto* d : {&in.directory.logical, &in.directory.physical}) {
    for (const auto* p : {&r.logical, &r.physical}) {
      leads_there = leads_there || (*p / *got.subdir).lexically_normal() == *d;
    }
  }
  return leads_there;
}

bool selection_matches(const Input& in, const std::vector<mr::registry::Selected>& got,
                       Pairing how) {
  const auto e = expected_selection(in, how);
  if (got.size() != e.repos.size()) {
    return false;
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].repo != e.repos[i]) {
      return false;
    }
    if (e.subdir ? !subdir_matches(in, e, got[i], how) : got[i].subdir.has_value()) {
      return false;
    }
  }
  return true;
}

bool enclosing_matches(const Input& in, const Repo* got, Pairing how) {
  const auto best = deepest_containing(in, false, how);
  return best ? got == best->first : got == nullptr;
}

void check(const Input& in, const std::vector<mr::registry::Selected>& selected,
           const Repo* enclosing) {
  const bool accept_first = !mr::fuzz::strict();
  require(selection_matches(in, selected, Pairing::fewest) ||
              (accept_first && selection_matches(in, selected, Pairing::first)),
          "select(): every tagged repo at or below the directory within -n levels, in registry "
          "order; else the deepest repo containing it, alone, with the subdir leading there");
  require(enclosing_matches(in, enclosing, Pairing::fewest) ||
              (accept_first && enclosing_matches(in, enclosing, Pairing::first)),
          "find_enclosing(): the deepest repo at or containing the directory");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = input_of(data, size);
  if (!in) {
    return 0;
  }
  const mr::registry::SelectOptions options{in->directory, in->max_depth, in->tags};
  check(*in, mr::registry::select(in->registry, options),
        mr::registry::find_enclosing(in->registry, in->directory));
  return 0;
}
