#include "commit_tree.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>

#include <mr/util/dir_entries.hpp>
#include <mr/util/fd.hpp>

#include "handles.hpp"

namespace mr::git {

namespace {

constexpr std::size_t k_fanout = 256 * 4;
constexpr std::size_t k_idx_header = 8;
constexpr unsigned k_commit_type = 1;
constexpr unsigned k_tree_type = 2;
// An .idx range larger than this (objects sharing a first byte) is left to libgit2.
constexpr std::size_t k_max_range = std::size_t{1} << 20;

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

bool pread_all(int fd, void* buf, std::size_t size, off_t at) {
  return ::pread(fd, buf, size, at) == static_cast<ssize_t>(size);
}

// The start of a zlib stream, inflated: enough for "tree HEX\n" (and a loose object's
// header before it).
std::optional<std::string> inflate_start(const unsigned char* data, std::size_t size) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) {
    return std::nullopt;
  }
  std::array<unsigned char, 128> out{};
  z.next_in = const_cast<unsigned char*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_SYNC_FLUSH);
  const std::size_t produced = out.size() - z.avail_out;
  inflateEnd(&z);
  if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(out.data()), produced);
}

// "tree HEX\n..." -> 20 raw bytes.
std::optional<std::string> tree_of(std::string_view commit) {
  git_oid id{};
  if (!commit.starts_with("tree ") || commit.size() < 5 + GIT_OID_HEXSZ + 1 ||
      commit[5 + GIT_OID_HEXSZ] != '\n' ||
      git_oid_fromstrn(&id, commit.data() + 5, GIT_OID_HEXSZ) != 0) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
}

enum class Found { yes, no, unsure };

// The start of an object as stored: its type and the first bytes of its content (for a
// deltified pack entry, the type only: 6 or 7, and no content).
struct ObjectStart {
  unsigned type = 0; // git's: 1 commit, 2 tree, 3 blob, 4 tag, 6 and 7 deltas
  std::string content;
};

// A loose object: "TYPE SIZE\0CONTENT", deflated.
Found loose(int git_fd, const std::string& hex, ObjectStart& out) {
  const std::string name = "objects/" + hex.substr(0, 2) + "/" + hex.substr(2);
  const util::FdGuard fd(::openat(git_fd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.open()) {
    return errno == ENOENT ? Found::no : Found::unsure;
  }
  std::array<unsigned char, 512> buf{};
  const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
  const auto text = n > 0 ? inflate_start(buf.data(), static_cast<std::size_t>(n)) : std::nullopt;
  const auto nul = text ? text->find('\0') : std::string::npos;
  if (nul == std::string::npos) {
    return Found::unsure;
  }
  const std::string_view header = std::string_view(*text).substr(0, nul);
  if (header.starts_with("commit ")) {
    out.type = k_commit_type;
  } else if (header.starts_with("tree ")) {
    out.type = k_tree_type;
  } else {
    return Found::unsure;
  }
  out.content = text->substr(nul + 1);
  return Found::yes;
}

// Where `id` is in the pack of this version-2 index, if it is there.
Found pack_offset(int idx_fd, const git_oid& id, std::uint64_t& offset) {
  std::array<unsigned char, k_idx_header + k_fanout> head{};
  if (!pread_all(idx_fd, head.data(), head.size(), 0) ||
      std::memcmp(head.data(), "\377tOc\0\0\0\2", k_idx_header) != 0) {
    return Found::unsure;
  }
  const unsigned first = id.id[0];
  const std::uint32_t lo = first == 0 ? 0 : be32(&head[k_idx_header + 4 * (first - 1)]);
  const std::uint32_t hi = be32(&head[k_idx_header + 4 * first]);
  const std::uint32_t total = be32(&head[k_idx_header + 4 * 255]);
  if (lo > hi || hi > total || std::size_t{hi - lo} * GIT_OID_RAWSZ > k_max_range) {
    return Found::unsure;
  }
  std::vector<unsigned char> ids(std::size_t{hi - lo} * GIT_OID_RAWSZ);
  const off_t ids_at =
      static_cast<off_t>(k_idx_header + k_fanout + std::size_t{lo} * GIT_OID_RAWSZ);
  if (!ids.empty() && !pread_all(idx_fd, ids.data(), ids.size(), ids_at)) {
    return Found::unsure;
  }
  for (std::uint32_t i = lo; i < hi; ++i) {
    if (std::memcmp(&ids[std::size_t{i - lo} * GIT_OID_RAWSZ], id.id, GIT_OID_RAWSZ) != 0) {
      continue;
    }
    // The 4-byte offsets follow the ids and their CRCs; a set top bit points into the
    // table of 8-byte offsets after them.
    const std::size_t offsets_at =
        k_idx_header + k_fanout + std::size_t{total} * (GIT_OID_RAWSZ + 4);
    unsigned char small[4];
    if (!pread_all(idx_fd, small, 4, static_cast<off_t>(offsets_at + 4 * std::size_t{i}))) {
      return Found::unsure;
    }
    offset = be32(small);
    if ((offset & 0x80000000U) != 0) {
      unsigned char large[8];
      const std::size_t at = offsets_at + 4 * std::size_t{total} + 8 * (offset & 0x7fffffffU);
      if (!pread_all(idx_fd, large, 8, static_cast<off_t>(at))) {
        return Found::unsure;
      }
      offset = (std::uint64_t{be32(large)} << 32) | be32(large + 4);
    }
    return Found::yes;
  }
  return Found::no;
}

// The entry at `offset` of a pack: its type and size header, then (unless it is a delta)
// the deflated content.
Found packed_entry(int pack_fd, std::uint64_t offset, ObjectStart& out) {
  std::array<unsigned char, 512> buf{};
  const ssize_t n = ::pread(pack_fd, buf.data(), buf.size(), static_cast<off_t>(offset));
  if (n < 2) {
    return Found::unsure;
  }
  std::size_t at = 0;
  out.type = (buf[0] >> 4) & 7;
  while (at < static_cast<std::size_t>(n) && (buf[at] & 0x80) != 0) {
    ++at; // the size's continuation bytes
  }
  ++at;
  if (out.type == 0 || out.type == 5 || at >= static_cast<std::size_t>(n)) {
    return Found::unsure;
  }
  if (out.type < 5) {
    const auto text = inflate_start(buf.data() + at, static_cast<std::size_t>(n) - at);
    if (!text) {
      return Found::unsure;
    }
    out.content = *text;
  }
  return Found::yes;
}

Found packed(int git_fd, const git_oid& id, ObjectStart& out) {
  const util::FdGuard dir(::openat(git_fd, "objects/pack", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.open()) {
    return errno == ENOENT ? Found::no : Found::unsure;
  }
  std::vector<std::string> indexes;
  if (util::for_each_entry(dir.get(), [&](std::string_view name, unsigned char) {
        if (name.starts_with("pack-") && name.ends_with(".idx")) {
          indexes.emplace_back(name);
        }
        return true;
      }) != 0) {
    return Found::unsure;
  }
  for (const auto& idx : indexes) {
    const util::FdGuard idx_fd(::openat(dir.get(), idx.c_str(), O_RDONLY | O_CLOEXEC));
    std::uint64_t offset = 0;
    const Found where = idx_fd.open() ? pack_offset(idx_fd.get(), id, offset) : Found::unsure;
    if (where == Found::no) {
      continue;
    }
    if (where == Found::unsure) {
      return Found::unsure;
    }
    const std::string pack = idx.substr(0, idx.size() - 4) + ".pack";
    const util::FdGuard pack_fd(::openat(dir.get(), pack.c_str(), O_RDONLY | O_CLOEXEC));
    return pack_fd.open() ? packed_entry(pack_fd.get(), offset, out) : Found::unsure;
  }
  return Found::no;
}

// libgit2's object database: alternates, deltas, whatever the direct reading left.
std::optional<std::string> through_libgit2(const std::string& git_dir, const git_oid& commit) {
  git_odb* odb_raw = nullptr;
  if (git_odb_open(&odb_raw, (git_dir + "objects").c_str()) != 0) {
    return std::nullopt;
  }
  const OdbPtr odb(odb_raw);
  git_odb_object* obj = nullptr;
  if (git_odb_read(&obj, odb.get(), &commit) != 0) {
    return std::nullopt;
  }
  std::optional<std::string> tree;
  if (git_odb_object_type(obj) == GIT_OBJECT_COMMIT) {
    tree = tree_of(std::string_view(static_cast<const char*>(git_odb_object_data(obj)),
                                    git_odb_object_size(obj)));
  }
  git_odb_object_free(obj);
  return tree;
}

} // namespace

namespace {

Found object_start(int git_fd, const git_oid& id, ObjectStart& out) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &id);
  const Found found = loose(git_fd, hex, out);
  return found == Found::no ? packed(git_fd, id, out) : found;
}

} // namespace

std::optional<std::string> commit_tree(int git_dir_fd, const std::string& git_dir,
                                       const git_oid& commit) {
  ObjectStart start;
  if (object_start(git_dir_fd, commit, start) == Found::yes && start.type == k_commit_type) {
    if (auto tree = tree_of(start.content)) {
      return tree;
    }
  }
  return through_libgit2(git_dir, commit);
}

bool tree_present(int git_dir_fd, const std::string& git_dir, const std::string& tree) {
  git_oid id{};
  git_oid_fromraw(&id, reinterpret_cast<const unsigned char*>(tree.data()));
  ObjectStart start;
  switch (object_start(git_dir_fd, id, start)) {
  case Found::yes:
    return start.type == k_tree_type || start.type == 6 || start.type == 7;
  case Found::unsure:
    return false;
  case Found::no:
    break;
  }
  git_odb* odb_raw = nullptr; // alternates
  if (git_odb_open(&odb_raw, (git_dir + "objects").c_str()) != 0) {
    return false;
  }
  const OdbPtr odb(odb_raw);
  return git_odb_exists(odb.get(), &id) != 0;
}

} // namespace mr::git
