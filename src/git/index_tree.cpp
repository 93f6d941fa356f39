#include "index_tree.hpp"

#include <cstdio>

#include <git2.h>

namespace mr::git {

namespace {

class TreeHasher {
public:
  explicit TreeHasher(const IndexFile& index) : m_index(index), m_entries(index.entries()) {}

  // The tree of entries [first, last), which all start with a directory prefix of
  // `prefix` bytes: "MODE NAME\0ID" per entry, subdirectories as "40000 NAME\0ID", in the
  // index's order (which is git's tree order: a directory sorts as its name and '/').
  std::optional<std::string> hash(std::size_t first, std::size_t last, std::size_t prefix) {
    std::string content;
    for (std::size_t i = first; i < last;) {
      const std::string_view rest = m_index.path(m_entries[i]).substr(prefix);
      const auto slash = rest.find('/');
      if (slash == std::string_view::npos) {
        if (rest.empty()) {
          return std::nullopt;
        }
        append(content, mode_text(m_entries[i].mode), rest, m_index.oid(m_entries[i]));
        ++i;
        continue;
      }
      const std::string_view dir = rest.substr(0, slash + 1); // "name/"
      if (slash == 0) {
        return std::nullopt;
      }
      std::size_t end = i + 1;
      while (end < last && m_index.path(m_entries[end]).substr(prefix).starts_with(dir)) {
        ++end;
      }
      const auto sub = hash(i, end, prefix + dir.size());
      if (!sub) {
        return std::nullopt;
      }
      append(content, "40000", dir.substr(0, slash), *sub);
      i = end;
    }
    git_oid id{};
    if (git_odb_hash(&id, content.data(), content.size(), GIT_OBJECT_TREE) != 0) {
      return std::nullopt;
    }
    return std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
  }

private:
  static std::string mode_text(std::uint32_t mode) {
    char buf[16];
    const int n = std::snprintf(buf, sizeof buf, "%o", mode);
    return std::string(buf, static_cast<std::size_t>(n));
  }

  static void append(std::string& out, std::string_view mode, std::string_view name,
                     std::string_view id) {
    out += mode;
    out += ' ';
    out += name;
    out += '\0';
    out += id;
  }

  const IndexFile& m_index;
  const std::vector<IndexEntry>& m_entries;
};

} // namespace

std::optional<std::string> index_tree_id(const IndexFile& index) {
  return TreeHasher(index).hash(0, index.entries().size(), 0);
}

} // namespace mr::git
