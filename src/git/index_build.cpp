#include "index_build.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include <mr/util/sha1.hpp>

namespace mr::git {

namespace {

constexpr std::uint16_t k_name_mask = 0x0fff;

void put_be32(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

void put_be16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

// git's varint (varint.c), the inverse of the reader's decode.
void put_varint(std::string& out, std::uint64_t value) {
  unsigned char buf[16];
  std::size_t pos = sizeof buf - 1;
  buf[pos] = value & 127;
  while ((value >>= 7) != 0) {
    buf[--pos] = static_cast<unsigned char>(128 | (--value & 127));
  }
  out.append(reinterpret_cast<const char*>(buf + pos), sizeof buf - pos);
}

// One cache-tree node: a directory, how many index entries it covers (-1: invalid, to be
// recomputed by git) and its tree object when valid.
struct TreeNode {
  std::string name;
  long entries = -1;
  std::string oid;
  std::vector<TreeNode> children;
};

constexpr int k_max_tree_depth = 512;

bool parse_tree(std::string_view& data, TreeNode& node, int depth) {
  if (depth > k_max_tree_depth) {
    return false;
  }
  const auto nul = data.find('\0');
  const auto lf = data.find('\n');
  if (nul == std::string_view::npos || lf == std::string_view::npos || lf < nul) {
    return false;
  }
  node.name = std::string(data.substr(0, nul));
  const std::string_view counts = data.substr(nul + 1, lf - nul - 1);
  const auto space = counts.find(' ');
  long subtrees = 0;
  if (space == std::string_view::npos ||
      std::from_chars(counts.data(), counts.data() + space, node.entries).ec != std::errc{} ||
      std::from_chars(counts.data() + space + 1, counts.data() + counts.size(), subtrees).ec !=
          std::errc{} ||
      subtrees < 0 || node.entries < -1) {
    return false;
  }
  data.remove_prefix(lf + 1);
  if (node.entries >= 0) {
    if (data.size() < k_oid_bytes) {
      return false;
    }
    node.oid = std::string(data.substr(0, k_oid_bytes));
    data.remove_prefix(k_oid_bytes);
  }
  // Each child takes at least four bytes: a bound before reserving anything.
  if (static_cast<std::size_t>(subtrees) > data.size() / 4) {
    return false;
  }
  node.children.resize(static_cast<std::size_t>(subtrees));
  for (auto& child : node.children) {
    if (!parse_tree(data, child, depth + 1)) {
      return false;
    }
  }
  return true;
}

void write_tree(std::string& out, const TreeNode& node) {
  out += node.name;
  out += '\0';
  out += std::to_string(node.entries) + " " + std::to_string(node.children.size()) + "\n";
  if (node.entries >= 0) {
    out += node.oid;
  }
  for (const auto& child : node.children) {
    write_tree(out, child);
  }
}

// Every directory on the way to `path` no longer describes its tree (git's
// cache_tree_invalidate_path).
void invalidate(TreeNode& root, std::string_view path) {
  TreeNode* node = &root;
  for (;;) {
    node->entries = -1;
    node->oid.clear();
    const auto slash = path.find('/');
    if (slash == std::string_view::npos) {
      return;
    }
    const std::string_view dir = path.substr(0, slash);
    const auto child = std::find_if(node->children.begin(), node->children.end(),
                                    [&](const TreeNode& c) { return c.name == dir; });
    if (child == node->children.end()) {
      return;
    }
    node = &*child;
    path.remove_prefix(slash + 1);
  }
}

// The TREE extension with the changed paths invalidated; empty when it cannot be read (a
// cache: dropping it loses nothing).
std::string updated_tree(std::string_view data, const std::vector<IndexEdit>& edits) {
  TreeNode root;
  std::string_view rest = data;
  if (!parse_tree(rest, root, 0) || !rest.empty()) {
    return {};
  }
  for (const auto& edit : edits) {
    invalidate(root, edit.path);
  }
  std::string out;
  write_tree(out, root);
  return out;
}

struct Writer {
  std::uint32_t version;
  std::string out;
  std::string previous; // version 4: the last path written

  void path_of_entry(std::string_view path, std::size_t fixed) {
    if (version == 4) {
      std::size_t common = 0;
      while (common < previous.size() && common < path.size() && previous[common] == path[common]) {
        ++common;
      }
      put_varint(out, previous.size() - common);
      out += path.substr(common);
      out += '\0';
      previous = std::string(path);
      return;
    }
    out += path;
    const std::size_t size = (fixed + path.size() + 8) & ~std::size_t{7};
    out.append(size - fixed - path.size(), '\0');
  }

  void kept(const IndexFile& old, const IndexEntry& e, bool smudge) {
    const std::size_t start = out.size();
    if (version != 4) {
      out += old.raw(e);
    } else {
      out += old.raw(e).substr(0, 62);
      if ((e.flags & 0x4000) != 0) {
        put_be16(out, e.extended);
      }
      path_of_entry(old.path(e), 0);
    }
    if (smudge) {
      store_be32(out, start + 36, 0);
    }
  }

  void added(std::string_view path, const NewEntry& n) {
    IndexStat s = n.stat;
    put_be32(out, s.ctime_sec);
    put_be32(out, s.ctime_nsec);
    put_be32(out, s.mtime_sec);
    put_be32(out, s.mtime_nsec);
    put_be32(out, s.dev);
    put_be32(out, s.ino);
    put_be32(out, n.mode);
    put_be32(out, s.uid);
    put_be32(out, s.gid);
    put_be32(out, s.size);
    out += n.oid;
    put_be16(out, static_cast<std::uint16_t>(std::min<std::size_t>(path.size(), k_name_mask)));
    path_of_entry(path, 62);
  }
};

bool is_dir_of(std::string_view dir, std::string_view path) {
  return path.size() > dir.size() && path[dir.size()] == '/' && path.starts_with(dir);
}

} // namespace

std::optional<std::string> cannot_rewrite(const IndexFile& index) {
  for (const auto& ext : index.extensions()) {
    if (ext.signature == "link") {
      return "a split index (core.splitIndex)";
    }
    if (ext.signature == "sdir") {
      return "a sparse index";
    }
    if (!ext.optional()) {
      return "index extension '" + ext.signature + "'";
    }
  }
  return std::nullopt;
}

namespace {

// Writes the entries of the new index: the old ones merged, in path order, with the edits;
// returns the paths written, in order.
std::vector<std::string_view> write_entries(Writer& w, const IndexFile& old,
                                            const std::vector<IndexEdit>& edits,
                                            const std::vector<std::size_t>& smudge) {
  const std::set<std::size_t> smudged(smudge.begin(), smudge.end());
  const auto& entries = old.entries();
  std::vector<std::string_view> paths;
  std::size_t i = 0;
  std::size_t k = 0;
  while (i < entries.size() || k < edits.size()) {
    const bool take_old =
        k == edits.size() || (i < entries.size() && old.path(entries[i]) < edits[k].path);
    if (take_old) {
      w.kept(old, entries[i], smudged.count(i) != 0);
      paths.push_back(old.path(entries[i]));
      ++i;
      continue;
    }
    const auto& edit = edits[k++];
    // The edit replaces every entry of its path (only stage 0 exists: unmerged indexes
    // are refused before anything is planned).
    while (i < entries.size() && old.path(entries[i]) == edit.path) {
      ++i;
    }
    if (edit.entry) {
      w.added(edit.path, *edit.entry);
      paths.push_back(edit.path);
    }
  }
  return paths;
}

// An added path that would be both a file and a directory, or nullopt. The old index had
// no file inside another file's name; only an added path can bring one: a file where a
// directory's files are, or a file on the way to another.
std::optional<std::string> file_directory_clash(const std::vector<IndexEdit>& edits,
                                                const std::vector<std::string_view>& paths) {
  const auto present = [&](std::string_view p) {
    return std::binary_search(paths.begin(), paths.end(), p);
  };
  for (const auto& edit : edits) {
    if (!edit.entry) {
      continue;
    }
    const std::string_view p = edit.path;
    const auto below = std::lower_bound(paths.begin(), paths.end(), std::string(p) + "/");
    bool clash = below != paths.end() && is_dir_of(p, *below);
    for (auto slash = p.find('/'); !clash && slash != std::string_view::npos;
         slash = p.find('/', slash + 1)) {
      clash = present(p.substr(0, slash));
    }
    if (clash) {
      return edit.path;
    }
  }
  return std::nullopt;
}

// The extensions the new index keeps, in their old order: the cache tree with the changed
// paths invalidated, and the resolve-undo records as they were.
std::string kept_extensions(const IndexFile& old, const std::vector<IndexEdit>& edits) {
  std::string out;
  for (const auto& ext : old.extensions()) {
    std::string data;
    if (ext.signature == "TREE") {
      data = updated_tree(old.data(ext), edits);
      if (data.empty()) {
        continue;
      }
    } else if (ext.signature == "REUC") {
      data = std::string(old.data(ext));
    } else {
      continue;
    }
    out += ext.signature;
    put_be32(out, static_cast<std::uint32_t>(data.size()));
    out += data;
  }
  return out;
}

} // namespace

Result<std::string> build_index(const IndexFile& old, const std::vector<IndexEdit>& edits,
                                const std::vector<std::size_t>& smudge) {
  if (auto why = cannot_rewrite(old)) {
    return fail("mr does not rewrite " + *why);
  }
  Writer w{old.version(), {}, {}};
  w.out = "DIRC";
  put_be32(w.out, w.version);
  put_be32(w.out, 0); // the count, once known
  const auto paths = write_entries(w, old, edits, smudge);
  if (const auto clash = file_directory_clash(edits, paths)) {
    return fail("'" + *clash + "' would be both a file and a directory");
  }
  store_be32(w.out, 8, static_cast<std::uint32_t>(paths.size()));
  w.out += kept_extensions(old, edits);
  const auto digest = util::Sha1::of(w.out);
  w.out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return std::move(w.out);
}

} // namespace mr::git
