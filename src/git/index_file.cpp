#include "index_file.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <mr/util/fd.hpp>
#include <mr/util/sha1.hpp>
#include <mr/util/strings.hpp>

namespace mr::git {

namespace {

constexpr std::size_t k_header = 12;
constexpr std::size_t k_trailer = 20;
constexpr std::size_t k_entry_fixed = 62; // stat data, object name and flags
constexpr std::uint16_t k_extended_flag = 0x4000;
constexpr std::uint16_t k_name_mask = 0x0fff;

// git's varint (varint.c): seven bits a byte, most significant group first, each
// continuation adding one so that every number has exactly one encoding.
std::optional<std::uint64_t> decode_varint(std::string_view bytes, std::size_t& pos) {
  if (pos >= bytes.size()) {
    return std::nullopt;
  }
  auto c = static_cast<unsigned char>(bytes[pos++]);
  std::uint64_t value = c & 127;
  while ((c & 128) != 0) {
    value += 1;
    if (value == 0 || (value >> 57) != 0 || pos >= bytes.size()) {
      return std::nullopt; // overflow or truncated
    }
    c = static_cast<unsigned char>(bytes[pos++]);
    value = (value << 7) + (c & 127);
  }
  return value;
}

tl::unexpected<Error> bad(const std::string& name, const std::string& what) {
  return fail(name + ": not a valid git index: " + what);
}

} // namespace

std::uint32_t load_be32(std::string_view bytes, std::size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at);
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

void store_be32(std::string& bytes, std::size_t at, std::uint32_t value) {
  bytes[at] = static_cast<char>(value >> 24);
  bytes[at + 1] = static_cast<char>(value >> 16);
  bytes[at + 2] = static_cast<char>(value >> 8);
  bytes[at + 3] = static_cast<char>(value);
}

IndexStat IndexStat::from(const struct stat& st, std::uint32_t mode) {
  IndexStat s;
  s.ctime_sec = static_cast<std::uint32_t>(st.st_ctim.tv_sec);
  s.ctime_nsec = static_cast<std::uint32_t>(st.st_ctim.tv_nsec);
  s.mtime_sec = static_cast<std::uint32_t>(st.st_mtim.tv_sec);
  s.mtime_nsec = static_cast<std::uint32_t>(st.st_mtim.tv_nsec);
  s.dev = static_cast<std::uint32_t>(st.st_dev);
  s.ino = static_cast<std::uint32_t>(st.st_ino);
  s.mode = mode;
  s.uid = static_cast<std::uint32_t>(st.st_uid);
  s.gid = static_cast<std::uint32_t>(st.st_gid);
  s.size = static_cast<std::uint32_t>(st.st_size);
  return s;
}

bool IndexStat::same_file_data(const IndexStat& o) const {
  return ctime_sec == o.ctime_sec && ctime_nsec == o.ctime_nsec && mtime_sec == o.mtime_sec &&
         mtime_nsec == o.mtime_nsec && ino == o.ino && uid == o.uid && gid == o.gid &&
         size == o.size;
}

Result<IndexFile> IndexFile::read(const std::filesystem::path& file,
                                  const IndexReadOptions& options) {
  const util::FdGuard fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.open()) {
    if (errno == ENOENT) {
      return IndexFile{};
    }
    return fail(file.string() + ": " + util::errno_text(errno));
  }
  struct stat st {};
  std::string bytes;
  int err = 0;
  if (::fstat(fd.get(), &st) != 0) {
    err = errno;
  } else if (!S_ISREG(st.st_mode)) {
    return fail(file.string() + ": not a regular file");
  } else if (static_cast<std::uint64_t>(st.st_size) > options.max_bytes) {
    return fail(file.string() + ": " + std::to_string(st.st_size) +
                " bytes, more than mr reads in an index (" + std::to_string(options.max_bytes) +
                ")");
  } else {
    // git replaces the index by rename, never in place: this inode's content is final.
    bytes.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        err = n < 0 ? errno : EIO;
        break;
      }
      done += static_cast<std::size_t>(n);
    }
  }
  if (err != 0) {
    return fail(file.string() + ": " + util::errno_text(err));
  }
  auto parsed = parse(std::move(bytes), file.string(), options);
  if (parsed) {
    parsed->m_file_stat = st;
  }
  return parsed;
}

Result<IndexFile> IndexFile::parse(std::string bytes, const std::string& name,
                                   const IndexReadOptions& options) {
  IndexFile index;
  index.m_bytes = std::move(bytes);
  index.m_on_disk = true;
  const std::string_view b = index.m_bytes;
  if (b.size() > options.max_bytes || b.size() > UINT32_MAX) {
    return bad(name, "too large");
  }
  if (b.size() < k_header + k_trailer) {
    return bad(name, "too short");
  }
  if (!b.starts_with("DIRC")) {
    return bad(name, "bad signature");
  }
  index.m_version = load_be32(b, 4);
  if (index.m_version < 2 || index.m_version > 4) {
    return bad(name, "version " + std::to_string(index.m_version) + " is not 2, 3 or 4");
  }
  const std::string_view trailer = b.substr(b.size() - k_trailer);
  index.m_skip_hash = std::all_of(trailer.begin(), trailer.end(), [](char c) { return c == 0; });
  if (options.verify_checksum && !index.m_skip_hash) {
    const auto digest = util::Sha1::of(b.substr(0, b.size() - k_trailer));
    if (!std::equal(digest.begin(), digest.end(), trailer.begin(),
                    [](unsigned char d, char t) { return d == static_cast<unsigned char>(t); })) {
      return bad(name, "checksum mismatch");
    }
  }
  index.m_split_entries = options.split_entries;
  MR_TRY(index.parse_entries(name));
  MR_TRY(index.parse_extensions(name, index.m_entries_end));
  return index;
}

// The fixed part of entry `i` at `pos`: mode, flags and (version 3+) extended flags. Sets
// `name_at` to where its path starts.
Result<IndexEntry> IndexFile::parse_entry_header(const std::string& name, std::uint32_t i,
                                                 std::size_t pos, std::size_t& name_at) const {
  const std::string_view b = m_bytes;
  const std::size_t end = b.size() - k_trailer;
  if (pos + k_entry_fixed > end) {
    return bad(name, "entry " + std::to_string(i) + " is cut short");
  }
  IndexEntry e;
  e.offset = static_cast<std::uint32_t>(pos);
  e.mode = load_be32(b, pos + 24);
  e.flags = static_cast<std::uint16_t>((static_cast<unsigned char>(b[pos + 60]) << 8) |
                                       static_cast<unsigned char>(b[pos + 61]));
  name_at = pos + k_entry_fixed;
  if ((e.flags & k_extended_flag) != 0) {
    if (m_version < 3) {
      return bad(name, "extended flags in a version 2 index");
    }
    if (name_at + 2 > end) {
      return bad(name, "entry " + std::to_string(i) + " is cut short");
    }
    e.extended = static_cast<std::uint16_t>((static_cast<unsigned char>(b[name_at]) << 8) |
                                            static_cast<unsigned char>(b[name_at + 1]));
    name_at += 2;
  }
  return e;
}

// Version 4: the path is the previous entry's minus a number of bytes (a varint) plus a
// NUL-terminated suffix, and nothing pads the entry. The whole path is kept in m_paths.
Result<std::string_view> IndexFile::parse_compressed_path(const std::string& name, std::uint32_t i,
                                                          std::size_t name_at,
                                                          std::string& previous, IndexEntry& e) {
  const std::string_view b = m_bytes;
  const std::size_t end = b.size() - k_trailer;
  std::size_t p = name_at;
  const auto strip = decode_varint(b.substr(0, end), p);
  if (!strip || *strip > previous.size()) {
    return bad(name, "entry " + std::to_string(i) + " has a bad path prefix");
  }
  const std::size_t nul = b.find('\0', p);
  if (nul == std::string_view::npos || nul >= end) {
    return bad(name, "entry " + std::to_string(i) + " has an unterminated path");
  }
  previous.resize(previous.size() - *strip);
  previous.append(b.substr(p, nul - p));
  e.path_at = static_cast<std::uint32_t>(m_paths.size());
  e.path_size = static_cast<std::uint32_t>(previous.size());
  m_paths += previous;
  e.size = static_cast<std::uint32_t>(nul + 1 - e.offset);
  return std::string_view(m_paths).substr(e.path_at, e.path_size);
}

// Versions 2 and 3: the path in full, its length in the flags (or, past 0xfff, up to its
// NUL), then 1 to 8 NULs that pad the entry to a multiple of eight bytes.
Result<std::string_view> IndexFile::parse_padded_path(const std::string& name, std::uint32_t i,
                                                      std::size_t name_at, IndexEntry& e) const {
  const std::string_view b = m_bytes;
  const std::size_t end = b.size() - k_trailer;
  std::size_t len = e.flags & k_name_mask;
  if (len == k_name_mask) {
    const std::size_t nul = b.find('\0', name_at);
    if (nul == std::string_view::npos || nul >= end) {
      return bad(name, "entry " + std::to_string(i) + " has an unterminated path");
    }
    len = nul - name_at;
  } else if (name_at + len >= end || b[name_at + len] != '\0') {
    return bad(name, "entry " + std::to_string(i) + " has a bad path length");
  }
  const std::size_t size = (name_at - e.offset + len + 8) & ~std::size_t{7};
  if (e.offset + size > end) {
    return bad(name, "entry " + std::to_string(i) + " is cut short");
  }
  e.path_at = static_cast<std::uint32_t>(name_at);
  e.path_size = static_cast<std::uint32_t>(len);
  e.size = static_cast<std::uint32_t>(size);
  return b.substr(name_at, len);
}

Result<void> IndexFile::parse_entries(const std::string& name) {
  const std::string_view b = m_bytes;
  const std::size_t end = b.size() - k_trailer;
  const std::uint32_t count = load_be32(b, 8);
  // Every entry takes at least 62 bytes and a path byte: a count the file cannot hold is
  // refused before anything is allocated for it.
  if (count > (end - k_header) / (k_entry_fixed + 1)) {
    return bad(name, std::to_string(count) + " entries do not fit in " + std::to_string(b.size()) +
                         " bytes");
  }
  m_entries.reserve(count);
  std::string previous; // version 4: the path the next one is compressed against
  std::size_t pos = k_header;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::size_t name_at = 0;
    MR_TRY_VAR(e, parse_entry_header(name, i, pos, name_at));
    MR_TRY_VAR(entry_path, m_version == 4 ? parse_compressed_path(name, i, name_at, previous, *e)
                                          : parse_padded_path(name, i, name_at, *e));
    const std::size_t stored_len = e->flags & k_name_mask;
    if ((entry_path->empty() && !m_split_entries) ||
        entry_path->find('\0') != std::string_view::npos ||
        (stored_len != k_name_mask && stored_len != entry_path->size())) {
      return bad(name, "entry " + std::to_string(i) + " has a bad path");
    }
    if (!m_entries.empty() && !m_split_entries) {
      const auto& prev = m_entries.back();
      const int order = path(prev).compare(*entry_path);
      if (order > 0 || (order == 0 && prev.stage() >= e->stage())) {
        return bad(name, "entries out of order at '" + std::string(*entry_path) + "'");
      }
    }
    m_entries.push_back(*e);
    pos += e->size;
  }
  m_entries_end = static_cast<std::uint32_t>(pos);
  return {};
}

Result<void> IndexFile::parse_extensions(const std::string& name, std::size_t pos) {
  const std::string_view b = m_bytes;
  const std::size_t end = b.size() - k_trailer;
  while (pos < end) {
    if (pos + 8 > end) {
      return bad(name, "an extension header is cut short");
    }
    IndexExtension ext;
    ext.signature = std::string(b.substr(pos, 4));
    ext.size = load_be32(b, pos + 4);
    if (ext.size > end - pos - 8) {
      return bad(name, "extension " + ext.signature + " runs past the end");
    }
    ext.offset = static_cast<std::uint32_t>(pos + 8);
    pos += 8 + ext.size;
    m_extensions.push_back(std::move(ext));
  }
  return {};
}

std::string_view IndexFile::path(const IndexEntry& e) const {
  const std::string_view from = m_version == 4 ? std::string_view(m_paths) : m_bytes;
  return from.substr(e.path_at, e.path_size);
}

IndexStat IndexFile::stat(const IndexEntry& e) const {
  const std::string_view b = m_bytes;
  const std::size_t at = e.offset;
  IndexStat s;
  s.ctime_sec = load_be32(b, at);
  s.ctime_nsec = load_be32(b, at + 4);
  s.mtime_sec = load_be32(b, at + 8);
  s.mtime_nsec = load_be32(b, at + 12);
  s.dev = load_be32(b, at + 16);
  s.ino = load_be32(b, at + 20);
  s.mode = load_be32(b, at + 24);
  s.uid = load_be32(b, at + 28);
  s.gid = load_be32(b, at + 32);
  s.size = load_be32(b, at + 36);
  return s;
}

std::string_view IndexFile::oid(const IndexEntry& e) const {
  return std::string_view(m_bytes).substr(e.offset + k_stat_bytes, k_oid_bytes);
}

std::string_view IndexFile::raw(const IndexEntry& e) const {
  return std::string_view(m_bytes).substr(e.offset, e.size);
}

const IndexExtension* IndexFile::extension(std::string_view signature) const {
  for (const auto& ext : m_extensions) {
    if (ext.signature == signature) {
      return &ext;
    }
  }
  return nullptr;
}

std::string_view IndexFile::data(const IndexExtension& ext) const {
  return std::string_view(m_bytes).substr(ext.offset, ext.size);
}

std::string_view IndexFile::checksum() const {
  if (!m_on_disk) {
    return {};
  }
  return std::string_view(m_bytes).substr(m_bytes.size() - k_trailer);
}

std::pair<std::size_t, std::size_t> IndexFile::range(std::string_view p) const {
  const auto first = std::partition_point(m_entries.begin(), m_entries.end(),
                                          [&](const IndexEntry& e) { return path(e) < p; });
  auto last = first;
  while (last != m_entries.end() && path(*last) == p) {
    ++last;
  }
  return {static_cast<std::size_t>(first - m_entries.begin()),
          static_cast<std::size_t>(last - m_entries.begin())};
}

std::optional<std::size_t> IndexFile::find(std::string_view p, int stage) const {
  const auto [first, last] = range(p);
  for (std::size_t i = first; i < last; ++i) {
    if (m_entries[i].stage() == stage) {
      return i;
    }
  }
  return std::nullopt;
}

} // namespace mr::git
