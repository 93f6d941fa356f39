#include "index_refresh.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

#include <spdlog/spdlog.h>

#include <mr/util/fd.hpp>
#include <mr/util/sha1.hpp>
#include <mr/util/test_point.hpp>

#include "index_file.hpp"
#include "index_lock.hpp"
#include "update_plan.hpp"

namespace mr::git {

namespace {

// Times as git decides raciness with them: whole 32-bit seconds. git built without
// USE_NSEC (Debian's) takes an entry whose mtime is in the index file's second as racy,
// even when the nanoseconds say the file is older; were mr to compare nanoseconds, it could
// write an index in which such an entry, changed in that second, is neither smudged nor
// racy any more, and git would trust its stat data and miss the change. Comparing seconds is
// the stricter rule, so it is the safe one for every git.
struct Tick {
  std::uint32_t sec = 0;
  std::uint32_t nsec = 0;
  bool operator<(const Tick& o) const { return sec < o.sec; }
};

Tick tick(const timespec& t) {
  return {static_cast<std::uint32_t>(t.tv_sec), static_cast<std::uint32_t>(t.tv_nsec)};
}

Tick mtime_of(const IndexStat& s) {
  return {s.mtime_sec, s.mtime_nsec};
}

// Entries the refresh may look at: merged, a file or a symlink, with no flag telling git
// to leave its stat data alone.
bool refreshable(const IndexEntry& e, std::string_view path) {
  if (e.stage() != 0 || e.gitlink() || e.skip_worktree() || e.assume_valid() || e.intent_to_add()) {
    return false;
  }
  // A path that would leave the work tree is never looked at (a damaged index).
  return !path.empty() && path.front() != '/' && path.find("../") == std::string_view::npos &&
         path != ".." && !(path.size() >= 3 && path.substr(path.size() - 3) == "/..");
}

// The on-disk index is still the one we read: same size, same trailer.
bool unchanged_on_disk(const std::string& file, const IndexFile& index) {
  const util::FdGuard fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.open()) {
    return false;
  }
  struct stat st {};
  std::array<char, 20> trailer{};
  const auto size = index.bytes().size();
  return ::fstat(fd.get(), &st) == 0 && static_cast<std::size_t>(st.st_size) == size &&
         ::pread(fd.get(), trailer.data(), trailer.size(),
                 static_cast<off_t>(size - trailer.size())) ==
             static_cast<ssize_t>(trailer.size()) &&
         std::string_view(trailer.data(), trailer.size()) == index.checksum();
}

bool checksum_matches(const IndexFile& index) {
  const auto digest =
      util::Sha1::of(std::string_view(index.bytes()).substr(0, index.bytes().size() - 20));
  return std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()) ==
         index.checksum();
}

void store_stat(std::string& bytes, std::size_t at, const IndexStat& s) {
  // Every field but the mode, which stays the entry's own.
  store_be32(bytes, at, s.ctime_sec);
  store_be32(bytes, at + 4, s.ctime_nsec);
  store_be32(bytes, at + 8, s.mtime_sec);
  store_be32(bytes, at + 12, s.mtime_nsec);
  store_be32(bytes, at + 16, s.dev);
  store_be32(bytes, at + 20, s.ino);
  store_be32(bytes, at + 28, s.uid);
  store_be32(bytes, at + 32, s.gid);
  store_be32(bytes, at + 36, s.size);
}

// Extensions whose meaning does not depend on stat data: they stay valid byte for byte
// when only stat fields change. "link" (split index) and "sdir" (sparse index) are not
// here: such an index is never written.
bool known_extension(std::string_view sig) {
  return sig == "TREE" || sig == "REUC" || sig == "UNTR" || sig == "FSMN" || sig == "EOIE" ||
         sig == "IEOT";
}

IndexRefresh::Report skipped(std::string why) {
  spdlog::debug("index refresh skipped: {}", why);
  return {IndexRefresh::Outcome::skipped, 0, 0, std::move(why)};
}

struct Candidate {
  std::size_t entry;
  IndexStat now; // taken before the content was hashed and found unchanged
};

std::optional<std::string> cannot_refresh(const IndexFile& index, std::string_view checksum) {
  if (!index.on_disk() || index.skip_hash()) {
    return "the index has no checksum (index.skipHash)";
  }
  for (const auto& ext : index.extensions()) {
    if (!known_extension(ext.signature)) {
      return "index extension '" + ext.signature + "' is not one mr rewrites";
    }
  }
  if (index.file_stat().st_uid != ::geteuid()) {
    return "the index belongs to another user";
  }
  if (checksum != index.checksum()) {
    return "the index changed while status read it";
  }
  return std::nullopt;
}

// The stat data to record for entry `e`, or nullopt: git's refresh lstats the file, then
// hashes it, and records the stat data of a file whose content still is the entry's when
// the entry's is stale or racy. Only files older than the run can be: a later change of
// one in the tick of its mtime would go unseen.
std::optional<IndexStat> refreshed_stat(Worktree& wt, const IndexFile& index, const IndexEntry& e,
                                        std::string_view path, Tick started, Tick written) {
  const IndexStat old = index.stat(e);
  struct stat st {};
  if (wt.lstat(std::string(path), st) != 0 || !wt.type_matches(e.mode, st)) {
    return std::nullopt;
  }
  const IndexStat now = IndexStat::from(st, e.mode);
  if (old.same_file_data(now) && mtime_of(old) < written) {
    return std::nullopt; // fresh
  }
  if (!(mtime_of(now) < started)) {
    return std::nullopt;
  }
  const auto id = wt.content_id(std::string(path), e.mode, st);
  if (id && index.oid(e) == std::string_view(reinterpret_cast<const char*>(id->id), k_oid_bytes)) {
    return now;
  }
  return std::nullopt;
}

// The entries whose new stat data can be recorded (those status found changed are not).
std::vector<Candidate>
refresh_candidates(git_repository* repo, const IndexFile& index, Tick started,
                   const std::function<bool(std::string_view)>& worktree_changed) {
  const Tick written = tick(index.file_stat().st_mtim);
  Worktree wt(repo, index);
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < index.entries().size(); ++i) {
    const auto& e = index.entries()[i];
    const std::string_view path = index.path(e);
    if (!refreshable(e, path) || worktree_changed(path)) {
      continue;
    }
    if (const auto now = refreshed_stat(wt, index, e, path, started, written)) {
      candidates.push_back({i, *now});
    }
  }
  return candidates;
}

// Stores in `bytes` (the index's, being patched) the stat data of the candidates older
// than `limit`; returns which entries got it.
std::vector<bool> store_refreshed_stats(std::string& bytes, const IndexFile& index,
                                        const std::vector<Candidate>& candidates, Tick limit) {
  std::vector<bool> refreshed(index.entries().size(), false);
  for (const auto& c : candidates) {
    if (mtime_of(c.now) < limit) {
      store_stat(bytes, index.entries()[c.entry].offset, c.now);
      refreshed[c.entry] = true;
    }
  }
  return refreshed;
}

// Entries left as they were that are racy in the old index stop being racy in the new
// one: those whose file changed, or may have changed unseen, are smudged (size 0) in
// `bytes`. Returns how many.
std::size_t smudge_racy_entries(std::string& bytes, const IndexFile& index,
                                const std::vector<bool>& refreshed, Tick limit,
                                const std::function<bool(std::string_view)>& worktree_changed) {
  const Tick written = tick(index.file_stat().st_mtim);
  std::size_t smudged = 0;
  for (std::size_t i = 0; i < index.entries().size(); ++i) {
    const auto& e = index.entries()[i];
    if (refreshed[i] || !refreshable(e, index.path(e))) {
      continue;
    }
    const IndexStat s = index.stat(e);
    if (mtime_of(s) < written || s.size == 0) {
      continue;
    }
    if (worktree_changed(index.path(e)) || !(mtime_of(s) < limit)) {
      store_be32(bytes, e.offset + 36, 0);
      ++smudged;
    }
  }
  return smudged;
}

// Checksums the patched bytes, writes them into the lock (synced) and renames it over the
// index.
Result<void> write_patched_index(IndexLock& lock, std::string& bytes, mode_t mode) {
  const auto digest = util::Sha1::of(std::string_view(bytes).substr(0, bytes.size() - 20));
  std::copy(digest.begin(), digest.end(), bytes.end() - 20);
  MR_TRY(lock.write(bytes, mode));
  return lock.commit();
}

// Under index.lock, if the index on disk is still the one read: the candidates' stat data
// patched in, racy entries smudged, the index written. Stat data newer than the lock file is
// not recorded either (it could change unseen in the lock's tick).
IndexRefresh::Report
refresh_under_lock(const std::string& gitdir, const IndexFile& index,
                   const std::vector<Candidate>& candidates, Tick started,
                   const std::function<bool(std::string_view)>& worktree_changed) {
  util::test_point("status.before_refresh");
  auto lock = IndexLock::try_acquire(gitdir);
  if (!lock) {
    return skipped("index.lock is held");
  }
  util::test_point("status.refresh_locked");
  if (!unchanged_on_disk(gitdir + "index", index)) {
    return skipped("the index changed since status read it");
  }
  if (!checksum_matches(index)) {
    return skipped("the index read does not match its checksum");
  }
  const Tick limit = std::min(started, tick(lock->file_stat().st_mtim));
  std::string bytes = index.bytes();
  const std::vector<bool> refreshed = store_refreshed_stats(bytes, index, candidates, limit);
  IndexRefresh::Report report;
  report.refreshed = static_cast<std::size_t>(std::count(refreshed.begin(), refreshed.end(), true));
  if (report.refreshed == 0) {
    return {};
  }
  report.smudged = smudge_racy_entries(bytes, index, refreshed, limit, worktree_changed);
  if (auto w = write_patched_index(*lock, bytes, index.file_stat().st_mode); !w) {
    return skipped(w.error().message);
  }
  report.outcome = IndexRefresh::Outcome::written;
  spdlog::debug("index refreshed: {} entries, {} smudged", report.refreshed, report.smudged);
  return report;
}

} // namespace

IndexRefresh::IndexRefresh(std::string gitdir) : m_gitdir(std::move(gitdir)) {
  // Any file changed after this instant gets an mtime (and ctime) at or after it.
  ::clock_gettime(CLOCK_REALTIME_COARSE, &m_started);
}

IndexRefresh::Report
IndexRefresh::finish(git_repository* repo, std::string_view index_checksum,
                     const std::function<bool(std::string_view)>& worktree_changed) {
  auto read = IndexFile::read(m_gitdir + "index", {.verify_checksum = false});
  if (!read) {
    return skipped(read.error().message);
  }
  const IndexFile& index = *read;
  if (auto why = cannot_refresh(index, index_checksum)) {
    return skipped(*why);
  }
  const Tick started = tick(m_started);
  const auto candidates = refresh_candidates(repo, index, started, worktree_changed);
  if (candidates.empty()) {
    return {};
  }
  return refresh_under_lock(m_gitdir, index, candidates, started, worktree_changed);
}

} // namespace mr::git
