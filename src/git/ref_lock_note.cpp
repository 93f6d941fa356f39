#include "ref_lock_note.hpp"

#include <chrono>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>

#include "handles.hpp"
#include "pack_debris.hpp"

namespace mr::git {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_note_prefix = "mr-refs-";
constexpr std::size_t k_max_ref_note = 16 * 1024;
constexpr std::size_t k_max_notes = 64;
constexpr std::size_t k_max_entries = 100000; // refs looked at below one directory
constexpr auto k_settle = std::chrono::seconds(1);

std::string trimmed(const char* dir) {
  return util::without_trailing_slashes(fs::path(dir).lexically_normal().string());
}

std::string common_dir(git_repository* repo) {
  return trimmed(git_repository_commondir(repo));
}

// Where the locks of refs matching a refspec's destination go: the ref's own lock, or
// every lock below the directory before its '*'.
void add_destination(const std::string& common, const std::string& text, RefLockNote& note) {
  git_refspec* raw = nullptr;
  if (git_refspec_parse(&raw, text.c_str(), 1) != 0) {
    git_error_clear();
    return;
  }
  const RefspecPtr spec(raw);
  const std::string dst = git_refspec_dst(spec.get()) != nullptr ? git_refspec_dst(spec.get()) : "";
  if (!dst.starts_with("refs/") || dst.find("..") != std::string::npos) {
    return;
  }
  const auto star = dst.find('*');
  if (star == std::string::npos) {
    note.files.push_back(common + "/" + dst + ".lock");
  } else if (const auto slash = dst.rfind('/', star); slash != std::string::npos) {
    note.under.push_back(common + "/" + dst.substr(0, slash));
  }
}

std::string serialise(const RefLockNote& note) {
  std::string text = "mr-fetch 1\n";
  text += "pid " + std::to_string(note.owner.pid) + "\n";
  text += "start " + std::to_string(note.owner.start_time) + "\n";
  text += "boot " + note.owner.boot_id + "\n";
  for (const auto& f : note.files) {
    text += "file " + f + "\n";
  }
  for (const auto& u : note.under) {
    text += "under " + u + "\n";
  }
  return text;
}

// A note as written; nullopt for anything else. Paths outside the repository's own git
// directories are dropped, whatever the note says.
std::optional<RefLockNote> parse(std::string_view text, const std::string& common,
                                 const std::string& gitdir) {
  RefLockNote note;
  bool header = false;
  const auto inside = [&](const std::string& p) {
    return p.find("/../") == std::string::npos &&
           (p.starts_with(common + "/") || p.starts_with(gitdir + "/"));
  };
  for (const auto line : util::split_lines(text)) {
    const auto space = line.find(' ');
    const std::string key(line.substr(0, space));
    const std::string value(space == std::string_view::npos ? "" : line.substr(space + 1));
    unsigned long n = 0;
    if (key == "mr-fetch" && value == "1") {
      header = true;
    } else if (key == "pid" && util::parse_unsigned(value, n)) {
      note.owner.pid = static_cast<long>(n);
    } else if (key == "start" && util::parse_unsigned(value, n)) {
      note.owner.start_time = n;
    } else if (key == "boot") {
      note.owner.boot_id = value;
    } else if (key == "file" && inside(value)) {
      note.files.push_back(value);
    } else if (key == "under" && value.starts_with(common + "/refs") && inside(value)) {
      note.under.push_back(value);
    }
  }
  if (!header || note.owner.pid <= 0) {
    return std::nullopt;
  }
  return note;
}

using Stamp = std::pair<std::int64_t, std::uint32_t>;

Stamp stamp_of(const struct statx_timestamp& t) {
  return {t.tv_sec, t.tv_nsec};
}

// When a file was made: its birth time, or where the file system keeps none, its mtime (a
// lock is written once).
Stamp born(const struct statx& stx) {
  return stamp_of((stx.stx_mask & STATX_BTIME) != 0 ? stx.stx_btime : stx.stx_mtime);
}

struct Sweep {
  bool left = false;  // a lock that may be the dead fetch's is still there
  bool young = false; // one was skipped for being younger than k_settle
};

// One pass over the locks `note` covers; `settled` is the time a lock must be born before.
Sweep sweep(const RefLockNote& note, Stamp since, Stamp settled) {
  Sweep out;
  const auto consider = [&](const fs::path& lock) {
    bool ours = false;
    const auto r = remove_if_abandoned(lock, [&](const struct statx& stx) {
      if (born(stx) < since) {
        return false; // older than the note: not the dead fetch's
      }
      ours = true;
      if (born(stx) > settled) {
        out.young = true;
        return false;
      }
      return true;
    });
    out.left = out.left || (ours && r != Debris::removed);
  };
  for (const auto& f : note.files) {
    consider(f);
  }
  for (const auto& u : note.under) {
    std::error_code ec;
    std::size_t seen = 0;
    for (fs::recursive_directory_iterator it(u, ec), end; !ec && it != end && seen < k_max_entries;
         it.increment(ec), ++seen) {
      if (it->path().extension() == ".lock") {
        consider(it->path());
      }
    }
  }
  return out;
}

Stamp now_minus(std::chrono::nanoseconds d) {
  const auto t = std::chrono::system_clock::now().time_since_epoch() - d;
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(t);
  return {s.count(), static_cast<std::uint32_t>((t - s).count())};
}

// The dead fetch's locks, and its note once none of them is left.
void recover(const fs::path& path, const RefLockNote& note, Stamp since) {
  auto result = sweep(note, since, now_minus(k_settle));
  if (result.young) {
    std::this_thread::sleep_for(k_settle); // once: a live writer's lock is gone by then
    result = sweep(note, since, now_minus(k_settle));
  }
  if (!result.left) {
    ::unlink(path.c_str());
  }
}

} // namespace

RefLockNote RefLockNote::mine(git_repository* repo, const std::vector<std::string>& refspecs) {
  RefLockNote note;
  note.owner = ProcessStamp::self();
  const std::string common = common_dir(repo);
  note.files = {trimmed(git_repository_path(repo)) + "/FETCH_HEAD.lock",
                common + "/packed-refs.lock"};
  note.under.push_back(common + "/refs/tags");
  for (const auto& text : refspecs) {
    add_destination(common, text, note);
  }
  // A path with a newline cannot be written in the note: its lock is never taken over.
  std::erase_if(note.files, [](const std::string& p) { return p.find('\n') != p.npos; });
  std::erase_if(note.under, [](const std::string& p) { return p.find('\n') != p.npos; });
  return note;
}

RefLockNote RefLockNote::for_ref(git_repository* repo, const std::string& ref) {
  RefLockNote note;
  note.owner = ProcessStamp::self();
  if (ref.find('\n') == std::string::npos) {
    note.files.push_back(common_dir(repo) + "/" + ref + ".lock");
  }
  return note;
}

Result<RefLockNoteGuard> RefLockNoteGuard::write(git_repository* repo, const RefLockNote& note) {
  const fs::path path =
      fs::path(common_dir(repo)) / (std::string(k_note_prefix) + std::to_string(note.owner.pid));
  MR_TRY(util::write_file_atomically(path, serialise(note), 0644));
  return RefLockNoteGuard(path);
}

RefLockNoteGuard::~RefLockNoteGuard() {
  if (!m_path.empty()) {
    ::unlink(m_path.c_str());
  }
}

void remove_dead_ref_locks(git_repository* repo) {
  const std::string common = common_dir(repo);
  const std::string gitdir = trimmed(git_repository_path(repo));
  std::error_code ec;
  std::size_t seen = 0;
  for (fs::directory_iterator it(common, ec), end; !ec && it != end && seen < k_max_notes;
       it.increment(ec)) {
    const auto name = it->path().filename().native();
    if (!name.starts_with(k_note_prefix) || name.find(".mr-tmp") != std::string::npos) {
      continue;
    }
    ++seen;
    struct statx stx {};
    if (::statx(AT_FDCWD, it->path().c_str(), AT_SYMLINK_NOFOLLOW, STATX_MTIME | STATX_TYPE,
                &stx) != 0 ||
        !S_ISREG(stx.stx_mode)) {
      continue;
    }
    const auto text = util::read_regular_file(it->path(), k_max_ref_note);
    const auto note = text ? parse(text->content, common, gitdir) : std::nullopt;
    if (note && !note->owner.running()) {
      recover(it->path(), *note, stamp_of(stx.stx_mtime));
    }
  }
}

std::string explain_lock_failure(const std::string& message) {
  const std::string marker = "failed to lock file '";
  const auto start = message.find(marker);
  if (start == std::string::npos) {
    return message;
  }
  const auto from = start + marker.size();
  const auto end = message.find('\'', from);
  if (end == std::string::npos) {
    return message;
  }
  const std::string lock = message.substr(from, end - from);
  return message + " (another git or mr is writing it, or one was killed while it did: if " +
         "none is running in this repository, remove it with: rm '" + lock + "')";
}

} // namespace mr::git
