// Private to src/git: git's index file (.git/index) read as git writes it, without
// libgit2, so mr can patch it in place (refreshing stat data keeps every extension and
// offset valid) and build the index of a fast-forward itself.
//
// Versions 2, 3 (extended flags) and 4 (prefix-compressed paths) are understood. The
// SHA-1 trailer is verified; an all-zero trailer (index.skipHash) is accepted as such.
// Everything is bounded: sizes, counts, path lengths and extension sizes are checked
// against the file before they are used, and a file that does not add up is refused with
// one line naming it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::git {

// The stat data of an entry as git stores it: ten 32-bit fields, truncated as git
// truncates them (a 5 GiB file records its size modulo 2^32).
struct IndexStat {
  std::uint32_t ctime_sec = 0;
  std::uint32_t ctime_nsec = 0;
  std::uint32_t mtime_sec = 0;
  std::uint32_t mtime_nsec = 0;
  std::uint32_t dev = 0;
  std::uint32_t ino = 0;
  std::uint32_t mode = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint32_t size = 0;

  // What git records for a file with status `st`; the mode field is the entry's own
  // (git never takes it from the file system when it refreshes).
  static IndexStat from(const struct stat& st, std::uint32_t mode);
  // The fields git and libgit2 compare to decide whether a file may have changed: the
  // times, inode, owner and size (not the device, not the mode).
  bool same_file_data(const IndexStat& other) const;
  bool operator==(const IndexStat&) const = default;
};

inline constexpr std::size_t k_stat_bytes = 40; // the stat fields, at the entry's start
inline constexpr std::size_t k_oid_bytes = 20;

struct IndexEntry {
  std::uint32_t offset = 0; // where the entry (its stat data first) starts in the file
  std::uint32_t size = 0;   // bytes it takes in the file, padding included
  std::uint32_t path_at = 0;
  std::uint32_t path_size = 0;
  std::uint32_t mode = 0;
  std::uint16_t flags = 0;    // as stored: assume-valid, extended, stage, name length
  std::uint16_t extended = 0; // version 3 and up: skip-worktree, intent-to-add

  int stage() const { return (flags >> 12) & 3; }
  bool assume_valid() const { return (flags & 0x8000) != 0; }
  bool skip_worktree() const { return (extended & 0x4000) != 0; }
  bool intent_to_add() const { return (extended & 0x2000) != 0; }
  bool gitlink() const { return (mode & 0170000) == 0160000; }
  bool symlink() const { return (mode & 0170000) == 0120000; }
};

struct IndexExtension {
  std::string signature;    // "TREE", "UNTR", "link", ...
  std::uint32_t offset = 0; // of its data, after the 8-byte header
  std::uint32_t size = 0;
  // git may ignore an extension whose signature starts with 'A'..'Z'; others are required.
  bool optional() const { return !signature.empty() && signature[0] >= 'A' && signature[0] <= 'Z'; }
};

struct IndexReadOptions {
  std::size_t max_bytes = std::size_t{1} << 30; // a 1 GiB index is millions of files
  bool verify_checksum = true;
  // A split index's own file names the entries it replaces in the shared index with an
  // empty path and keeps them in the shared index's order: accepted when set (for reading
  // the extensions; such entries are not looked up by path).
  bool split_entries = false;
};

class IndexFile {
public:
  // A missing file reads as an empty index that is not on disk, as git treats it.
  static Result<IndexFile> read(const std::filesystem::path& file, const IndexReadOptions& = {});
  // `name` is what errors call the bytes.
  static Result<IndexFile> parse(std::string bytes, const std::string& name,
                                 const IndexReadOptions& = {});

  bool on_disk() const { return m_on_disk; }
  std::uint32_t version() const { return m_version; }
  const std::vector<IndexEntry>& entries() const { return m_entries; }
  std::string_view path(const IndexEntry& e) const;
  IndexStat stat(const IndexEntry& e) const;
  std::string_view oid(const IndexEntry& e) const; // 20 raw bytes
  std::string_view raw(const IndexEntry& e) const; // the entry's bytes in the file
  const std::vector<IndexExtension>& extensions() const { return m_extensions; }
  const IndexExtension* extension(std::string_view signature) const;
  std::string_view data(const IndexExtension& ext) const;
  std::string_view checksum() const; // the trailer: 20 bytes, or empty when not on disk
  bool skip_hash() const { return m_skip_hash; }
  const std::string& bytes() const { return m_bytes; }
  // Where the entries end and the extensions begin.
  std::uint32_t entries_end() const { return m_entries_end; }

  // The file as it was when read (from fstat on the descriptor read): its mtime decides
  // which entries are racily clean.
  const struct stat& file_stat() const { return m_file_stat; }

  // The entry of `path` at `stage`, by binary search.
  std::optional<std::size_t> find(std::string_view path, int stage = 0) const;
  // The entries of `path` at any stage: [first, last).
  std::pair<std::size_t, std::size_t> range(std::string_view path) const;

private:
  Result<void> parse_entries(const std::string& name);
  Result<IndexEntry> parse_entry_header(const std::string& name, std::uint32_t i, std::size_t pos,
                                        std::size_t& name_at) const;
  Result<std::string_view> parse_compressed_path(const std::string& name, std::uint32_t i,
                                                 std::size_t name_at, std::string& previous,
                                                 IndexEntry& e);
  Result<std::string_view> parse_padded_path(const std::string& name, std::uint32_t i,
                                             std::size_t name_at, IndexEntry& e) const;
  Result<void> parse_extensions(const std::string& name, std::size_t pos);

  std::string m_bytes;
  std::string m_paths; // version 4: the decoded paths, back to back
  std::vector<IndexEntry> m_entries;
  std::vector<IndexExtension> m_extensions;
  std::uint32_t m_version = 2;
  std::uint32_t m_entries_end = 0;
  bool m_on_disk = false;
  bool m_skip_hash = false;
  bool m_split_entries = false;
  struct stat m_file_stat {};
};

// Big-endian fields, as every number in the index is stored.
std::uint32_t load_be32(std::string_view bytes, std::size_t at);
void store_be32(std::string& bytes, std::size_t at, std::uint32_t value);

} // namespace mr::git
